import { once } from "node:events";
import { createInterface } from "node:readline";
import { BatchClassifier } from "@treatywatch/core";
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
  // Each line is kept as written but for its story, named when the input ends: text holds less than objects.
  const lines: Array<{ text: string; storyId?: string }> = [];
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
      lines.push({ text: JSON.stringify({ line: lineNumber, error: message }) });
      continue;
    }
    const { lead, ...item } = parsed;
    const { storyId, ...verdict } = classifier.next({ ...item, summary: item.summary ?? lead });
    lines.push({ text: JSON.stringify(verdict), storyId });
  }
  for (const { text, storyId } of lines) {
    const written =
      storyId === undefined ? text : `${text.slice(0, -1)},"storyId":${JSON.stringify(classifier.storyOf(storyId))}}`;
    if (!output.write(`${written}\n`)) await once(output, "drain");
  }
  return failures > 0 ? 1 : 0;
}
