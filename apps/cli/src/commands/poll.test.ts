import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@treatywatch/config";
import { afterEach, describe, expect, it, vi } from "vitest";
import { filesUnder, SHARED_CORPUS as SHARED } from "../../../../packages/feeds/test/shared-corpus.ts";
import { openRuntime } from "../runtime.ts";
import { pollOnceCommand } from "./poll.ts";

/** Real feeds beside the repository, read in place: our corpus, and feedparser's test documents. */
const CORPORA = ["feeds", "feedparser-tests"].map((name) => join(SHARED, name));

const present = CORPORA.every((dir) => existsSync(dir));
if (!present) console.info(`poll --once over the shared corpora: skipped, ${SHARED} is absent`);

describe.skipIf(!present)("poll --once over every real feed we have", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("reads each feed or records why not, crashes on none, and exits 0", { timeout: 300_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "tw-poll-corpus-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const files = CORPORA.flatMap((dir) => filesUnder(dir, /\.(xml|rss|atom|json)$/i));
    const feedsFile = join(dataDir, "feeds.txt");
    await writeFile(feedsFile, `${files.join("\n")}\n`);
    const runtime = openRuntime(
      loadConfig({ TREATYWATCH_DATA_DIR: dataDir, TREATYWATCH_FEEDS_FILE: feedsFile, LOG_LEVEL: "silent" }),
    );
    const printed: string[] = [];
    const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    cleanups.push(async () => write.mockRestore());
    const health = openRuntime(loadConfig({ TREATYWATCH_DATA_DIR: dataDir, LOG_LEVEL: "silent" }));
    cleanups.push(() => health.store.close());

    const exitCode = await pollOnceCommand(runtime, { json: true });

    const report = JSON.parse(printed.join("")) as {
      feeds: number;
      failed: number;
      fresh: number;
      outcomes: Array<{ url: string; status: string; error?: { kind: string; message: string } }>;
    };
    const feeds = await health.store.listFeeds();
    const byUrl = new Map(feeds.map((feed) => [feed.url, feed]));
    expect(exitCode).toBe(0);
    expect(report.feeds).toBe(files.length);
    for (const outcome of report.outcomes) {
      const recorded = byUrl.get(outcome.url)?.health;
      if (outcome.status === "error") {
        expect(recorded?.lastError, outcome.url).toEqual(outcome.error);
        expect(outcome.error?.message).not.toMatch(/\n/);
      } else {
        expect(outcome.status, outcome.url).toBe("ok");
        expect(recorded?.lastSuccessAt, outcome.url).toBeDefined();
      }
    }
    const kinds = report.outcomes.reduce<Record<string, number>>((counts, outcome) => {
      const kind = outcome.error?.kind ?? outcome.status;
      counts[kind] = (counts[kind] ?? 0) + 1;
      return counts;
    }, {});
    console.info(
      `poll --once over ${files.length} real feeds: exit ${exitCode}; ${JSON.stringify(kinds)}; ${report.fresh} new items`,
    );
  });
});
