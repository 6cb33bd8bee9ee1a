import type { Verdict } from "@treatywatch/core";

/** A relevant clearance verdict for a stored test item, tagged with the test's own classifier version. */
export function clearanceVerdict(classifierVersion: string, score = 0.9): Verdict {
  return {
    relevant: true,
    score,
    topics: ["clearance"],
    categories: ["war-and-conflicts"],
    countries: ["UA"],
    treaties: [],
    why: [],
    classifierVersion,
  };
}
