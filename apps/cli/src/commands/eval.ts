import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { classifierVersion, type EvalReport, evaluate, missedTargets, type SliceReport } from "@treatywatch/core";
import { z } from "zod";
import { asRead, DEFAULT_SHARED_NEWS, exists, LABELLED_SETS, type LoadedSet, loadSet } from "./labelled.ts";

/** Lowest figures the frozen test split may score; CI fails below them. */
export const FLOORS_FILE = fileURLToPath(new URL("../../../../packages/core/eval/floors.json", import.meta.url));

const Floor = z.object({
  relevanceF1: z.number(),
  relevanceF1EachLanguage: z.number(),
  topicF1: z.number(),
  storyF1: z.number(),
  crossLanguageRecall: z.number(),
});
const Floors = z.object({ headlineOnly: Floor, withLead: Floor });
export type Floors = z.infer<typeof Floors>;

export interface EvalOptions {
  /** A labelled JSON Lines file to score instead of the project's sets. */
  file?: string | undefined;
  /** The folder holding the shared real-news splits (dev.jsonl, test.jsonl). */
  shared?: string | undefined;
  /** The floors `--check` holds the frozen split to (default: packages/core/eval/floors.json). */
  floors?: string | undefined;
  verbose?: boolean | undefined;
  check?: boolean | undefined;
  json?: boolean | undefined;
}

interface SetReport {
  name: string;
  file: string;
  /** Whether its errors may be listed: never for the frozen test split. */
  frozen: boolean;
  headlineOnly: EvalReport;
  withLead?: EvalReport | undefined;
}

const fixed = (value: number | undefined) => (value === undefined ? "  -  " : value.toFixed(3));

function row(label: string, slice: SliceReport, crossLanguage?: number): string {
  const { relevance } = slice;
  return [
    `  ${label.padEnd(15)}`,
    String(slice.items).padStart(5),
    `   ${fixed(relevance.f1)} (${fixed(relevance.precision)} / ${fixed(relevance.recall)})`,
    `   ${fixed(slice.topics.f1)}`,
    `    ${fixed(slice.stories.f1)}`,
    `      ${fixed(slice.countries?.f1)}`,
    `     ${fixed(slice.treaties?.f1)}`,
    crossLanguage === undefined ? "" : `     ${fixed(crossLanguage)}`,
  ].join("");
}

function formatMode(label: string, report: EvalReport): string[] {
  const lines = [row(label, report, report.crossLanguageRecall)];
  for (const [language, slice] of Object.entries(report.byLanguage)) lines.push(row(`  ${language}`, slice));
  return lines;
}

export function formatSet(set: SetReport, verbose: boolean): string {
  const lines = [
    `${set.name}: ${set.file}`,
    "                   items   relevance F1 (P / R)     topics   stories B³  countries  treaties  across languages",
    ...formatMode("headline only", set.headlineOnly),
    ...(set.withLead ? formatMode("with lead", set.withLead) : []),
  ];
  if (verbose && !set.frozen) {
    const { misses } = set.headlineOnly;
    lines.push(`  relevance wrong: ${misses.relevance.join(" ") || "none"}`);
    lines.push(`  topics wrong:    ${misses.topics.join(" ") || "none"}`);
    lines.push(`  stories wrong:   ${misses.stories.join(" ") || "none"}`);
  }
  return `${lines.join("\n")}\n`;
}

function scoreSet(set: LoadedSet, frozen: boolean, now: string): SetReport {
  const hasLeads = set.items.some((item) => item.lead);
  return {
    name: set.name,
    file: set.file,
    frozen,
    headlineOnly: evaluate(
      set.items.map((item) => asRead(item, false)),
      now,
    ).report,
    withLead: hasLeads
      ? evaluate(
          set.items.map((item) => asRead(item, true)),
          now,
        ).report
      : undefined,
  };
}

/**
 * Scores the classifier and the story clustering: on the shared real-news splits when
 * they are beside the project (the frozen test split is the figure to report; its
 * errors are never listed), on our own held-out real headlines, and on the project's sets
 * it was trained on.
 * With --check, exits 1 when the test split falls below the floors in eval/floors.json.
 */
export async function evalCommand(
  options: EvalOptions,
  output: NodeJS.WritableStream = process.stdout,
  errors: NodeJS.WritableStream = process.stderr,
  now = new Date().toISOString(),
): Promise<number> {
  const sets: Array<{ set: LoadedSet; frozen: boolean }> = [];
  try {
    if (options.file) {
      sets.push({ set: await loadSet("labelled set", options.file), frozen: false });
    } else {
      const shared = options.shared ?? DEFAULT_SHARED_NEWS;
      if (await exists(join(shared, "test.jsonl"))) {
        sets.push({
          set: await loadSet("shared test split (frozen; the figure to report)", join(shared, "test.jsonl")),
          frozen: true,
        });
        sets.push({
          set: await loadSet("shared dev split (trained and tuned on)", join(shared, "dev.jsonl")),
          frozen: false,
        });
      } else {
        output.write(`shared real-news splits not found in ${shared}: held-out figures skipped\n`);
      }
      sets.push({
        set: await loadSet("our held-out real headlines (never trained on)", LABELLED_SETS.heldout),
        frozen: false,
      });
      sets.push({ set: await loadSet("our real headlines (trained on)", LABELLED_SETS.news), frozen: false });
      sets.push({ set: await loadSet("our written set (trained on)", LABELLED_SETS.written), frozen: false });
    }
  } catch (error) {
    errors.write(`treatywatch eval: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }

  const reports = sets.map(({ set, frozen }) => scoreSet(set, frozen, now));
  if (options.json) {
    output.write(`${JSON.stringify({ classifier: classifierVersion(), sets: reports })}\n`);
  } else {
    output.write(
      `classifier ${classifierVersion()}\n\n${reports.map((set) => formatSet(set, options.verbose ?? false)).join("\n")}`,
    );
  }

  if (!options.check) return 0;
  const frozen = reports.find((set) => set.frozen);
  if (!frozen) {
    output.write("eval check: no frozen test split beside the project, nothing to check\n");
    return 0;
  }
  const floorsFile = options.floors ?? FLOORS_FILE;
  const floors = Floors.parse(JSON.parse(await readFile(floorsFile, "utf8")));
  const below = [
    ...missedTargets(frozen.headlineOnly, floors.headlineOnly).map((line) => `headline only: ${line} (floor)`),
    ...(frozen.withLead
      ? missedTargets(frozen.withLead, floors.withLead).map((line) => `with lead: ${line} (floor)`)
      : []),
  ];
  for (const line of below) errors.write(`treatywatch eval: ${line}\n`);
  if (below.length > 0) return 1;
  output.write(`eval check: the test split is at or above every floor in ${floorsFile}\n`);
  return 0;
}
