import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import {
  assess,
  type BatchOutput,
  DEFAULT_CLUSTER_OPTIONS,
  MemoryStoryIndex,
  normaliseEntry,
  pickStory,
  stableId,
} from "@treatywatch/core";
import { afterAll, describe, expect, it } from "vitest";
import { parseFeed } from "./parse.ts";

/** Real-world feeds collected beside the repository; absent on machines that lack them. */
const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const CORPUS = join(REPO_ROOT, "..", "shared", "corpus", "feeds");
const FETCHED_AT = "2026-11-28T12:00:00.000Z";

const CONTENT_TYPES: Record<string, string> = {
  json: "application/feed+json",
  atom: "application/atom+xml",
  rss: "application/rss+xml",
  xml: "application/xml",
};

function feedFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return feedFiles(path);
      return /\.(xml|rss|atom|json)$/i.test(name) ? [path] : [];
    });
}

/** Files the corpus's own catalogue marks as not well-formed. */
function notWellFormed(): Set<string> {
  const catalogue = join(CORPUS, "SOURCES.tsv");
  if (!existsSync(catalogue)) return new Set();
  return new Set(
    readFileSync(catalogue, "utf8")
      .split("\n")
      .slice(1)
      .map((line) => line.split("\t"))
      .filter((columns) => /not well-formed/i.test(columns[8] ?? ""))
      .map((columns) => columns[0] ?? ""),
  );
}

const summary = { files: 0, parsed: 0, parseErrors: 0, items: 0, relevant: 0, stories: 0 };
const brokenOutcomes: string[] = [];

describe.skipIf(!existsSync(CORPUS))("the shared feed corpus", () => {
  const files = existsSync(CORPUS) ? feedFiles(CORPUS) : [];
  const broken = notWellFormed();
  const index = new MemoryStoryIndex();
  const stories = new Set<string>();

  afterAll(() => {
    summary.stories = stories.size;
    console.info(
      `corpus: ${summary.files} files, ${summary.parsed} parsed, ${summary.parseErrors} parse errors, ` +
        `${summary.items} items, ${summary.relevant} relevant, ${summary.stories} stories` +
        (brokenOutcomes.length ? `\nnot well-formed: ${brokenOutcomes.join("; ")}` : ""),
    );
  });

  it("has feeds to read", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map((path) => [relative(CORPUS, path), path]))(
    "%s goes through parse, normalise, classify and cluster without throwing",
    async (name, path) => {
      summary.files++;
      const extension = path.split(".").pop()?.toLowerCase() ?? "xml";
      const feedUrl = `https://corpus.example/${name}`;

      const result = await parseFeed(readFileSync(path), CONTENT_TYPES[extension], { url: feedUrl });

      if (broken.has(name)) brokenOutcomes.push(`${name}: ${result.ok ? "recovered" : result.error.kind}`);
      if (!result.ok) {
        summary.parseErrors++;
        expect(result.error.kind).toBe("parse");
        expect(result.error.message).toEqual(expect.any(String));
        return;
      }
      summary.parsed++;
      const outputs: Array<Pick<BatchOutput, "relevant" | "storyId">> = [];
      for (const entry of result.feed.entries) {
        const item = normaliseEntry(entry, { feedId: name, feedUrl, fetchedAt: FETCHED_AT });
        if (!item) continue;
        const { verdict, fingerprint: print } = assess(item);
        const storyId =
          pickStory(print, index.candidates(print), DEFAULT_CLUSTER_OPTIONS)?.storyId ?? stableId("sty", item.id);
        index.add(storyId, print);
        stories.add(storyId);
        outputs.push({ relevant: verdict.relevant, storyId });
        expect(verdict.score).toBeGreaterThanOrEqual(0);
        expect(verdict.score).toBeLessThanOrEqual(1);
      }
      summary.items += outputs.length;
      summary.relevant += outputs.filter((output) => output.relevant).length;
    },
  );
});
