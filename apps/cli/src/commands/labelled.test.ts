import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_SHARED_NEWS, LABELLED_SETS, type LabelledNews, parseLabelled } from "./labelled.ts";

const read = (file: string) => parseLabelled(readFileSync(file, "utf8"));

describe("our labelled sets", () => {
  it("parse whole: every line of each is a labelled item", () => {
    for (const file of Object.values(LABELLED_SETS)) expect(read(file).errors).toEqual([]);
  });

  it("keep the held-out set apart: none of its headlines or addresses is in a set training reads", () => {
    const heldOut = read(LABELLED_SETS.heldout).items;
    expect(heldOut.length).toBeGreaterThan(400);
    expect(alsoIn(heldOut, training())).toEqual([]);
  });

  it("give every item an id of its own: the evaluation takes an item's id for its identity", () => {
    const ids = Object.values(LABELLED_SETS).flatMap((file) => read(file).items.map((item) => item.id));
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
  });

  const testSplit = join(DEFAULT_SHARED_NEWS, "test.jsonl");
  const present = existsSync(testSplit);
  if (!present) console.log(`skipped: the shared test split is not at ${testSplit}`);

  it.runIf(present)("keep the frozen test split apart: none of its headlines or addresses is in our sets", () => {
    const frozen = read(testSplit).items;
    // Only the ids of our items that repeat one of its headlines or addresses are compared, never its rows.
    expect(alsoIn([...training(), ...read(LABELLED_SETS.heldout).items], frozen)).toEqual([]);
  });

  it.runIf(present)("keep the frozen test split's events apart: no set training reads reports one of them", () => {
    // Events lie wholly in one split; other outlets' reports of a test event would teach its wording.
    const events = new Set(read(testSplit).items.map((item) => item.label.story));
    expect(
      training()
        .filter((item) => events.has(item.label.story))
        .map((item) => item.id),
    ).toEqual([]);
  });
});

/** Every set training reads. */
function training(): LabelledNews[] {
  return [LABELLED_SETS.news, LABELLED_SETS.newsLater, LABELLED_SETS.written].flatMap((file) => read(file).items);
}

/** Ids of the items whose headline (in any case) or address is also one of `others`'. */
function alsoIn(items: readonly LabelledNews[], others: readonly LabelledNews[]): string[] {
  const titles = new Set(others.map((item) => item.title.trim().toLowerCase()));
  const links = new Set(others.flatMap((item) => (item.link ? [item.link] : [])));
  return items
    .filter((item) => titles.has(item.title.trim().toLowerCase()) || (item.link !== undefined && links.has(item.link)))
    .map((item) => item.id);
}
