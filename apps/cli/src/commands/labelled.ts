import { access, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { type LabelledItem, TOPICS, TREATY_IDS } from "@treatywatch/core";
import { z } from "zod";

const optional = z
  .string()
  .optional()
  .nullable()
  .transform((value) => value ?? undefined);

/**
 * One labelled news item: the shape of the shared real-news set and of ours. `cluster` names
 * the event (null when the item is alone in the set); countries and treaties are optional.
 */
const LabelledLine = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  title: z.string().min(1),
  lead: optional,
  outlet: optional,
  url: optional,
  published: optional,
  language: optional,
  relevant: z.boolean(),
  topics: z.array(z.enum(TOPICS)).default([]),
  countries: z.array(z.string().regex(/^[A-Z]{2}$/)).optional(),
  treaties: z.array(z.enum(TREATY_IDS as [string, ...string[]])).optional(),
  cluster: optional,
});

/** A labelled item, and its lead kept apart so a set can be read headline-only or in full. */
export type LabelledNews = LabelledItem & { lead?: string | undefined };

/** Parses a labelled JSON Lines text; a bad line is reported with its number. */
export function parseLabelled(text: string): { items: LabelledNews[]; errors: string[] } {
  const items: LabelledNews[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return;
    try {
      const result = LabelledLine.safeParse(JSON.parse(line));
      if (!result.success) {
        const issues = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
        errors.push(`line ${index + 1}: ${issues.join("; ")}`);
        return;
      }
      const row = result.data;
      items.push({
        id: row.id,
        title: row.title,
        lead: row.lead,
        source: row.outlet,
        link: row.url,
        published: row.published,
        language: row.language,
        label: {
          relevant: row.relevant,
          topics: row.topics,
          story: row.cluster ?? `alone:${row.id}`,
          countries: row.countries,
          treaties: row.treaties,
        },
      });
    } catch (error) {
      errors.push(`line ${index + 1}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  return { items, errors };
}

/** An item as `treatywatch classify` would read it: headline only, or with its lead as the summary. */
export function asRead(item: LabelledNews, withLead: boolean): LabelledItem {
  const { lead, ...rest } = item;
  return withLead && lead ? { ...rest, summary: lead } : rest;
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The labelled sets the project ships, and the shared real-news splits beside the project. */
export const LABELLED_SETS = {
  /** Real headlines we labelled, with their addresses: training data. */
  news: here("../../../../packages/core/eval/news.jsonl"),
  /**
   * Real headlines we labelled later, with their addresses: training data for the classifier.
   * The story model learns from `news` alone: with these among its pairs, it joined fewer
   * reports across languages on the shared dev split held out.
   */
  newsLater: here("../../../../packages/core/eval/news-later.jsonl"),
  /** Items we wrote for tests and the demo: training data. */
  written: here("../../../../packages/core/eval/written.jsonl"),
  /** Real headlines we labelled, with their addresses, that no training reads: a second held-out set. */
  heldout: here("../../../../packages/core/eval/heldout.jsonl"),
};

/** Where the shared real-news set lives when the project sits beside `shared/`. */
export const DEFAULT_SHARED_NEWS = here("../../../../../shared/news");

export interface LoadedSet {
  name: string;
  file: string;
  items: LabelledNews[];
}

export async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Reads a labelled set, failing with one line that names the file and the bad lines. */
export async function loadSet(name: string, file: string): Promise<LoadedSet> {
  const { items, errors } = parseLabelled(await readFile(file, "utf8"));
  if (errors.length > 0) throw new Error(`${file}: ${errors.slice(0, 3).join("; ")}${errors.length > 3 ? " …" : ""}`);
  return { name, file, items };
}
