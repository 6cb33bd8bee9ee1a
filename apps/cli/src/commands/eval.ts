import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { type EvalReport, evaluate, type LabelledItem, meetsTargets, TOPICS } from "@treatywatch/core";
import { z } from "zod";

/** The labelled set shipped with the core. */
export const DEFAULT_EVAL_FILE = fileURLToPath(
  new URL("../../../../packages/core/eval/labelled.jsonl", import.meta.url),
);

const optional = z
  .string()
  .optional()
  .nullable()
  .transform((value) => value ?? undefined);

const LabelledLine = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  title: z.string(),
  summary: optional,
  link: optional,
  source: optional,
  published: optional,
  label: z.object({
    relevant: z.boolean(),
    topics: z.array(z.enum(TOPICS)).default([]),
    story: z.union([z.string().min(1), z.number()]).transform(String),
  }),
});

export interface EvalOptions {
  file?: string | undefined;
  verbose?: boolean | undefined;
  check?: boolean | undefined;
  json?: boolean | undefined;
}

/** Parses a labelled JSON Lines text; a bad line is reported with its number. */
export function parseLabelled(text: string): { items: LabelledItem[]; errors: string[] } {
  const items: LabelledItem[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return;
    try {
      const result = LabelledLine.safeParse(JSON.parse(line));
      if (result.success) items.push(result.data);
      else
        errors.push(
          `line ${index + 1}: ${result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`,
        );
    } catch (error) {
      errors.push(`line ${index + 1}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  return { items, errors };
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

export function formatReport(report: EvalReport, verbose: boolean): string {
  const { relevance, topics, stories } = report;
  const lines = [
    `items              ${report.items}`,
    `relevance          P ${percent(relevance.precision)}  R ${percent(relevance.recall)}  F1 ${percent(relevance.f1)}  (tp ${relevance.truePositive}, fp ${relevance.falsePositive}, fn ${relevance.falseNegative})`,
    `topics (micro)     P ${percent(topics.precision)}  R ${percent(topics.recall)}  F1 ${percent(topics.f1)}`,
    `stories (B-cubed)  P ${percent(stories.precision)}  R ${percent(stories.recall)}  F1 ${percent(stories.f1)}`,
    "",
    "per topic",
  ];
  for (const topic of TOPICS) {
    const score = report.perTopic[topic];
    lines.push(
      `  ${topic.padEnd(22)} P ${percent(score.precision).padStart(6)}  R ${percent(score.recall).padStart(6)}  F1 ${percent(score.f1).padStart(6)}  (${score.truePositive + score.falseNegative} labelled)`,
    );
  }
  if (verbose) {
    lines.push("", `relevance wrong: ${report.misses.relevance.join(" ") || "none"}`);
    lines.push(`topics wrong:    ${report.misses.topics.join(" ") || "none"}`);
    lines.push(`stories wrong:   ${report.misses.stories.join(" ") || "none"}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Scores the classifier and the story clustering on a labelled set.
 * Exit code: 2 for an unreadable set, 1 with --check when a target is missed.
 */
export async function evalCommand(
  options: EvalOptions,
  output: NodeJS.WritableStream = process.stdout,
  errors: NodeJS.WritableStream = process.stderr,
  now = new Date().toISOString(),
): Promise<number> {
  const file = options.file ?? DEFAULT_EVAL_FILE;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    errors.write(`treatywatch eval: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const parsed = parseLabelled(text);
  for (const message of parsed.errors) errors.write(`treatywatch eval: ${message}\n`);
  if (parsed.items.length === 0) {
    errors.write(`treatywatch eval: no labelled items in ${file}\n`);
    return 2;
  }
  const { report, outputs } = evaluate(parsed.items, now);
  if (options.json) {
    output.write(`${JSON.stringify({ file, report, ...(options.verbose ? { outputs } : {}) })}\n`);
  } else {
    output.write(`${file}\n${formatReport(report, options.verbose ?? false)}`);
  }
  if (options.check && !meetsTargets(report)) {
    errors.write("treatywatch eval: below target (relevance F1 0.95, topic F1 0.85, story F1 0.90)\n");
    return 1;
  }
  return parsed.errors.length > 0 ? 2 : 0;
}
