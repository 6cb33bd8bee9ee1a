import { describe, expect, it } from "vitest";
import { benchmarksPage, type Row, table, verdict } from "./report.ts";

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

  it("says when the figures come from the quick sizes", () => {
    const quick = benchmarksPage({ rows: [row()], machine: MACHINE, date: new Date(), quick: true });

    expect(quick).toContain("quick mode");
    expect(page).not.toContain("quick mode");
  });
});
