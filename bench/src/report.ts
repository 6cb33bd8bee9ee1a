/** One line of the results table. `pass` is undefined when there is no target or no result. */
export interface Row {
  name: string;
  measured: string;
  baseline: string;
  ratio: string;
  target: string;
  pass: boolean | undefined;
  /** How it was measured, for the notes under the table. */
  note?: string | undefined;
  /** The benchmark that produced the row, and when. */
  bench?: string | undefined;
  ranAt?: string | undefined;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
}

export interface BenchContext {
  quick: boolean;
  repoRoot: string;
  log: (line: string) => void;
}

export interface Bench {
  name: string;
  run(context: BenchContext): Promise<Row[]>;
}

export function verdict(pass: boolean | undefined): string {
  if (pass === undefined) return "—";
  return pass ? "pass" : "fail";
}

/** Numbers with thousands separators and at most `digits` decimals. */
export function num(value: number, digits = 0): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** A ratio with two decimals, or three significant digits when it is below 0.1. */
export function ratio(value: number): string {
  return value > 0 && value < 0.1 ? `${value.toPrecision(3)}x` : `${num(value, 2)}x`;
}

export function notAvailable(name: string, target: string, why: string): Row {
  return { name, measured: "not available", baseline: "—", ratio: "—", target, pass: undefined, note: why };
}

const COLUMNS = ["benchmark", "measured", "baseline", "ratio", "target", "result"] as const;

function cells(row: Row): string[] {
  return [row.name, row.measured, row.baseline, row.ratio, row.target, verdict(row.pass)];
}

/** A Markdown table of the rows, columns padded so it also reads as plain text. */
export function table(rows: readonly Row[]): string {
  const lines = [COLUMNS as readonly string[], ...rows.map(cells)];
  const widths = COLUMNS.map((_, column) => Math.max(...lines.map((line) => (line[column] ?? "").length)));
  const format = (line: readonly string[]) =>
    `| ${line.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  const rule = `| ${widths.map((width) => "-".repeat(width)).join(" | ")} |`;
  return [format(lines[0] ?? []), rule, ...lines.slice(1).map(format)].join("\n");
}

export interface Document {
  rows: readonly Row[];
  /** Every benchmark's name, in the suite's order, for the page's list of names. */
  benches: readonly string[];
  machine: Machine;
  date: Date;
  quick: boolean;
}

/** The rows ride along in the page, so re-running one benchmark with --write keeps the others'. */
const ROWS_MARK = "<!-- benchmark rows: ";

export function rowsOfPage(page: string): Row[] {
  const start = page.indexOf(ROWS_MARK);
  const end = page.indexOf(" -->", start);
  if (start < 0 || end < 0) return [];
  try {
    const rows: unknown = JSON.parse(page.slice(start + ROWS_MARK.length, end));
    return Array.isArray(rows) ? (rows as Row[]) : [];
  } catch {
    return [];
  }
}

/** The new rows in place of the earlier rows of the same benchmarks, in the suite's order. */
export function mergeRows(previous: readonly Row[], fresh: readonly Row[], order: readonly string[]): Row[] {
  const rerun = new Set(fresh.map((row) => row.bench));
  const kept = previous.filter((row) => !rerun.has(row.bench));
  const position = (row: Row) => order.indexOf(row.bench ?? "");
  return [...kept, ...fresh].sort((a, b) => position(a) - position(b));
}

function minute(iso: string): string {
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}

function when(doc: Document): string {
  const times = [...new Set(doc.rows.map((row) => row.ranAt).filter((at): at is string => at !== undefined))].sort();
  const first = times[0];
  const last = times.at(-1);
  if (!first || !last || minute(first).slice(0, 10) === minute(last).slice(0, 10)) {
    return `Ran ${minute(last ?? doc.date.toISOString())}`;
  }
  return `Ran between ${minute(first)} and ${minute(last)}`;
}

/** docs/BENCHMARKS.md. */
export function benchmarksPage(doc: Document): string {
  const notes = doc.rows.filter((row) => row.note).map((row) => `- **${row.name}**: ${row.note}`);
  return `# Benchmarks

Where treatywatch stands on speed. Every figure is a ratio against a baseline measured
in the same process, in the same run, because the machine is shared and its absolute
speed varies from run to run.

${table(doc.rows)}

${when(doc)}${doc.quick ? " in quick mode (small sizes)" : ""} on ${doc.machine.cpus} × ${doc.machine.cpuModel}, ${num(doc.machine.memoryGiB, 1)} GiB memory, Node.js ${doc.machine.node} (${doc.machine.platform}).

## How each is measured

${notes.join("\n")}

## Reproduce

\`\`\`sh
npm run bench                    # every benchmark, full sizes (about 25 minutes on 2 cores)
npm run bench -- fan-out api     # only the named ones
npm run bench -- --quick         # small sizes, as CI runs it (no thresholds asserted)
npm run bench -- --write         # run, then rewrite this page
\`\`\`

Names: ${doc.benches.join(", ")}. With names and
\`--write\`, only those rows are replaced.

${ROWS_MARK}${JSON.stringify(doc.rows)} -->
`;
}
