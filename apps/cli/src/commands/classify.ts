import { once } from "node:events";
import { createInterface } from "node:readline";
import { BatchClassifier, type BatchOutput } from "@treatywatch/core";
import { z } from "zod";

const InputLine = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  title: z.string(),
  summary: z
    .string()
    .optional()
    .nullable()
    .transform((value) => value ?? undefined),
  link: z
    .string()
    .optional()
    .nullable()
    .transform((value) => value ?? undefined),
  source: z
    .string()
    .optional()
    .nullable()
    .transform((value) => value ?? undefined),
  published: z
    .string()
    .optional()
    .nullable()
    .transform((value) => value ?? undefined),
  language: z
    .string()
    .optional()
    .nullable()
    .transform((value) => value ?? undefined),
  /** Labelled news sets call the summary the lead; either name is read. */
  lead: z
    .string()
    .optional()
    .nullable()
    .transform((value) => value ?? undefined),
});

/**
 * Reads JSON Lines items on stdin and writes one verdict line per item, in input
 * order, with items of one story sharing a storyId. A bad line gets an error line
 * in its place; the exit code is then 1. The lines are written once the input ends:
 * a later item can show two stories to be one, and every line names the story as it
 * stands at the end.
 */
export async function classifyCommand(
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
  now = new Date().toISOString(),
): Promise<number> {
  const classifier = new BatchClassifier(now);
  const lines: Array<BatchOutput | { line: number; error: string }> = [];
  let failures = 0;
  let lineNumber = 0;
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNumber++;
    if (!line.trim()) continue;
    let parsed: z.infer<typeof InputLine>;
    try {
      const result = InputLine.safeParse(JSON.parse(line));
      if (!result.success) {
        const fields = result.error.issues.map((issue) => `${issue.path.join(".") || "line"}: ${issue.message}`);
        throw new Error(fields.join("; "));
      }
      parsed = result.data;
    } catch (error) {
      failures++;
      const message = error instanceof Error ? error.message : String(error);
      lines.push({ line: lineNumber, error: message });
      continue;
    }
    const { lead, ...item } = parsed;
    lines.push(classifier.next({ ...item, summary: item.summary ?? lead }));
  }
  for (const line of lines) {
    const settled = "storyId" in line ? { ...line, storyId: classifier.storyOf(line.storyId) } : line;
    if (!output.write(`${JSON.stringify(settled)}\n`)) await once(output, "drain");
  }
  return failures > 0 ? 1 : 0;
}
