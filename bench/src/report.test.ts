import { describe, expect, it } from "vitest";
import { benchmarksPage, mergeRows, type Row, ratio, rowsOfPage, table, verdict } from "./report.ts";

function row(overrides: Partial<Row> = {}): Row {
  return {
    name: "fan-out",
    measured: "0.50 ms/story",
    baseline: "scan 12.00 ms/story",
    ratio: "24.00x",
    target: "≥ 20x",
    pass: true,
    ...overrides,
  };
}

const MACHINE = { cpus: 2, cpuModel: "Test CPU", memoryGiB: 23.5, node: "20.20.2", platform: "linux x64" };

describe("verdict", () => {
  it.each([
    [true, "pass"],
    [false, "fail"],
    [undefined, "—"],
  ] as const)("reads %s as %s", (pass, expected) => {
    expect(verdict(pass)).toBe(expected);
  });
});

describe("table", () => {
  it("pads every column to its widest cell so the lines line up", () => {
    const lines = table([row(), row({ name: "ingest (no store)", pass: false })]).split("\n");

    expect(lines).toHaveLength(4);
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
    expect(lines[0]).toMatch(/^\| benchmark\s+\| measured/);
    expect(lines[3]).toContain("| fail");
  });
});

describe("benchmarksPage", () => {
  const page = benchmarksPage({
    rows: [row({ note: "one story against the subscriptions" }), row({ name: "digest", pass: undefined })],
    benches: ["fan-out", "digest", "cold-start"],
    machine: MACHINE,
    date: new Date("2026-11-28T21:30:00Z"),
    quick: false,
  });

  it("names the machine, the date and the Node version", () => {
    expect(page).toContain("2026-11-28 21:30 UTC on 2 × Test CPU, 23.5 GiB memory, Node.js 20.20.2");
  });

  it("lists each row's note and the commands to reproduce", () => {
    expect(page).toContain("- **fan-out**: one story against the subscriptions");
    expect(page).not.toContain("- **digest**");
    expect(page).toContain("npm run bench -- --write");
  });

  it("names every benchmark of the suite, run or not", () => {
    expect(page).toContain("Names: fan-out, digest, cold-start. With names");
  });

  it("says when the figures come from the quick sizes", () => {
    const quick = benchmarksPage({
      rows: [row()],
      benches: ["fan-out"],
      machine: MACHINE,
      date: new Date(),
      quick: true,
    });

    expect(quick).toContain("quick mode");
    expect(page).not.toContain("quick mode");
  });
});

describe("ratio", () => {
  it.each([
    [24, "24.00x"],
    [0.5, "0.50x"],
    [0.0035, "0.00350x"],
  ])("writes %d as %s", (value, expected) => {
    expect(ratio(value)).toBe(expected);
  });
});

describe("rowsOfPage and mergeRows", () => {
  const order = ["ingest", "fan-out", "api"];
  const earlier = [
    row({ name: "ingest", bench: "ingest", measured: "100 items/s" }),
    row({ name: "api", bench: "api", measured: "error: refused" }),
  ];

  it("reads back the rows a page was written with", () => {
    const page = benchmarksPage({ rows: earlier, benches: order, machine: MACHINE, date: new Date(), quick: false });

    expect(rowsOfPage(page)).toEqual(earlier);
    expect(rowsOfPage("# no rows here")).toEqual([]);
  });

  it("replaces a re-run benchmark's rows and keeps the others, in the suite's order", () => {
    const fresh = [row({ name: "api", bench: "api", measured: "900 req/s" }), row({ bench: "fan-out" })];

    const merged = mergeRows(earlier, fresh, order);

    expect(merged.map((each) => [each.bench, each.measured])).toEqual([
      ["ingest", "100 items/s"],
      ["fan-out", "0.50 ms/story"],
      ["api", "900 req/s"],
    ]);
  });

  it("gives the span of dates when rows were run on different days", () => {
    const page = benchmarksPage({
      rows: [row({ ranAt: "2026-11-27T10:00:00.000Z" }), row({ ranAt: "2026-11-28T21:45:00.000Z" })],
      benches: order,
      machine: MACHINE,
      date: new Date(),
      quick: false,
    });

    expect(page).toContain("Ran between 2026-11-27 10:00 UTC and 2026-11-28 21:45 UTC");
  });
});
