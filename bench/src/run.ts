import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { api } from "./benches/api.ts";
import { awsIngest } from "./benches/aws-ingest.ts";
import { bigFeed } from "./benches/big-feed.ts";
import { clusterScale } from "./benches/cluster-scale.ts";
import { coldStart } from "./benches/cold-start.ts";
import { digest } from "./benches/digest.ts";
import { fanOut } from "./benches/fan-out.ts";
import { ingest } from "./benches/ingest.ts";
import { pages } from "./benches/pages.ts";
import { poll } from "./benches/poll.ts";
import { type Bench, benchmarksPage, type Machine, mergeRows, type Row, rowsOfPage, table, verdict } from "./report.ts";

const BENCHES: readonly Bench[] = [
  ingest,
  bigFeed,
  clusterScale,
  awsIngest,
  fanOut,
  poll,
  api,
  pages,
  digest,
  coldStart,
];
const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const USAGE = `usage: npm run bench -- [NAME ...] [--quick] [--write]
  NAME     ${BENCHES.map((bench) => bench.name).join(", ")} (all when none is given)
  --quick  small sizes, for CI
  --write  rewrite docs/BENCHMARKS.md with the results (with NAMEs, only their rows)`;

function machine(): Machine {
  const cores = cpus();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model.trim() ?? "unknown CPU",
    memoryGiB: totalmem() / 1024 ** 3,
    node: process.versions.node,
    platform: `${process.platform} ${process.arch}`,
  };
}

async function main(argv: readonly string[]): Promise<number> {
  const flags = new Set(argv.filter((arg) => arg.startsWith("-")));
  const names = argv.filter((arg) => !arg.startsWith("-"));
  if (flags.has("--help") || flags.has("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const unknownFlag = [...flags].find((flag) => flag !== "--quick" && flag !== "--write");
  const unknownName = names.find((name) => !BENCHES.some((bench) => bench.name === name));
  if (unknownFlag || unknownName) {
    process.stderr.write(`unknown ${unknownFlag ? `option ${unknownFlag}` : `benchmark ${unknownName}`}\n${USAGE}\n`);
    return 2;
  }
  const quick = flags.has("--quick");
  const selected = names.length > 0 ? BENCHES.filter((bench) => names.includes(bench.name)) : BENCHES;
  const log = (line: string) => process.stderr.write(`  ${line}\n`);
  const rows: Row[] = [];
  let failed = false;
  for (const bench of selected) {
    process.stderr.write(`${bench.name}${quick ? " (quick)" : ""} …\n`);
    const started = performance.now();
    try {
      const ranAt = new Date().toISOString();
      const produced = (await bench.run({ quick, repoRoot: REPO_ROOT, log })).map((row) => ({
        ...row,
        bench: bench.name,
        ranAt,
      }));
      for (const row of produced) {
        process.stdout.write(
          `${row.name}: ${row.measured} | baseline ${row.baseline} | ${row.ratio} | target ${row.target} | ${verdict(row.pass)}\n`,
        );
      }
      rows.push(...produced);
    } catch (error) {
      failed = true;
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`${bench.name} failed: ${error instanceof Error ? error.stack : message}\n`);
      rows.push({
        name: bench.name,
        measured: `error: ${message}`,
        baseline: "—",
        ratio: "—",
        target: "—",
        pass: false,
        bench: bench.name,
        ranAt: new Date().toISOString(),
      });
    }
    log(`${bench.name} took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  process.stdout.write(`\n${table(rows)}\n`);
  if (flags.has("--write")) {
    const path = join(REPO_ROOT, "docs", "BENCHMARKS.md");
    const previous = names.length > 0 && existsSync(path) ? rowsOfPage(readFileSync(path, "utf8")) : [];
    const order = BENCHES.map((bench) => bench.name);
    const page = benchmarksPage({
      rows: mergeRows(previous, rows, order),
      benches: order,
      machine: machine(),
      date: new Date(),
      quick,
    });
    writeFileSync(path, page);
    process.stderr.write(`wrote ${path}\n`);
  }
  // Thresholds are reported, not enforced: only a benchmark that breaks fails the run.
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
