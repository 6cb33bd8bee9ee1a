import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "@treatywatch/store";
import { ingestEntries } from "@treatywatch/worker";
import autocannon from "autocannon";
import { generateEntries } from "../generate.ts";
import { type Load, loadOf, serveForLoad, totalOf } from "../load.ts";
import { type Bench, num, type Row, ratio } from "../report.ts";

const CONNECTIONS = 50;
/** Distinct stories the story-page load cycles through: more than one, fewer than the page cache holds. */
const STORIES_CYCLED = 200;

/** Load on `paths` in turn (each connection walks the list), every answer expected to be 200. */
async function load(port: number, paths: readonly string[], seconds: number): Promise<Load> {
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        setupRequest: (request) => {
          const path = paths[next++ % paths.length] ?? "/";
          return { ...request, path };
        },
      },
    ],
  });
  const unexpected = result.requests.total - result["2xx"];
  if (result.errors > 0 || unexpected > result.requests.total / 100) {
    throw new Error(`pages: ${result.errors} errors and ${unexpected} answers other than 2xx for ${paths[0]}`);
  }
  return loadOf(result);
}

/**
 * Two loads measured in turns (JSON, page, JSON, page ...) for `seconds` each in all, so a
 * change in what else the machine is doing weighs on both alike; rates are totals over time.
 */
async function interleaved(
  port: number,
  a: readonly string[],
  b: readonly string[],
  seconds: number,
): Promise<[Load, Load]> {
  const rounds = Math.max(2, Math.round(seconds));
  const runs: [Load[], Load[]] = [[], []];
  for (let round = 0; round < rounds; round++) {
    runs[0].push(await load(port, a, seconds / rounds));
    runs[1].push(await load(port, b, seconds / rounds));
  }
  return [totalOf(runs[0]), totalOf(runs[1])];
}

const show = (measured: Load) => `${num(measured.rps)} req/s, p99 ${num(measured.p99)} ms`;

/**
 * The pages for people against the JSON API for the same data: `GET /` (20 stories, rendered
 * HTML) against `GET /v1/stories?limit=20`, and `GET /stories/{id}` (sources, why, growth)
 * against `GET /v1/stories/{id}`, on one server, in one run.
 */
export const pages: Bench = {
  name: "pages",
  async run({ quick, log }): Promise<Row[]> {
    const seconds = quick ? 1 : 5;
    const dir = mkdtempSync(join(tmpdir(), "treatywatch-bench-pages-"));
    const store = new SqliteStore(join(dir, "pages.db"));
    try {
      const now = new Date();
      const entries = generateEntries(quick ? 300 : 2_000, { seed: 5, end: now, perDay: 500 });
      await ingestEntries(
        entries,
        { feedId: "fd_bench", feedUrl: "https://news.example.org/feed" },
        {
          store,
          clock: { now: () => now },
        },
      );
      const ids = (await store.listStories({ limit: STORIES_CYCLED })).data.map((story) => story.id);
      log(`pages: ${num(ids.length)} stories cycled through on the story pages`);
      const served = await serveForLoad(store);
      const cases = {
        list: { page: ["/"], json: ["/v1/stories?limit=20"] },
        story: { page: ids.map((id) => `/stories/${id}`), json: ids.map((id) => `/v1/stories/${id}`) },
      };
      try {
        for (const paths of [cases.list.page, cases.list.json, cases.story.page, cases.story.json]) {
          await load(served.port, paths, quick ? 0.5 : 1); // warm every path before measuring
        }
        const [listJson, listPage] = await interleaved(served.port, cases.list.json, cases.list.page, seconds);
        const [storyJson, storyPage] = await interleaved(served.port, cases.story.json, cases.story.page, seconds);
        const setting =
          `autocannon, ${CONNECTIONS} connections, ${seconds} s each for page and JSON in turns of ${Math.max(2, Math.round(seconds))} ` +
          "(so both see the same machine), on the same server (`createApp` + `serveApp`, SQLite file seeded through ingest, " +
          "anonymous, rate limits lifted); p99 is the worst turn's";
        const listShare = listPage.rps / listJson.rps;
        const storyShare = storyPage.rps / storyJson.rps;
        return [
          {
            name: "pages: GET /",
            measured: show(listPage),
            baseline: `JSON ${show(listJson)}`,
            ratio: ratio(listShare),
            target: "≥ 0.5x of the JSON list",
            pass: listShare >= 0.5,
            note:
              `${setting}; the page shows the same 20 stories as \`GET /v1/stories?limit=20\`, ` +
              `${num(listPage.bytes / 1024, 1)} KiB of HTML against ${num(listJson.bytes / 1024, 1)} KiB of JSON a request. ` +
              "Both keep their rendered bytes until the database changes.",
          },
          {
            name: "pages: GET /stories/{id}",
            measured: show(storyPage),
            baseline: `JSON ${show(storyJson)}`,
            ratio: ratio(storyShare),
            target: "≥ 0.5x of the JSON story",
            pass: storyShare >= 0.5,
            note:
              `${setting}; each connection walks ${num(ids.length)} stories, page against \`GET /v1/stories/{id}\` ` +
              `(${num(storyPage.bytes / 1024, 1)} KiB of HTML with sources, cues and growth against ` +
              `${num(storyJson.bytes / 1024, 1)} KiB of JSON). The page reads the story, then serves its rendering ` +
              "from the page cache (rendered once per database change); the JSON route reads and serialises it each time.",
          },
        ];
      } finally {
        await new Promise<void>((resolve) => served.server.close(() => resolve()));
      }
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
