import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { createApp, loggedConfirmations, serveApp, unconfiguredWebhookVerifier } from "@treatywatch/api";
import { silentLogger, systemClock } from "@treatywatch/core";
import { SqliteDeliveryStore, SqliteKeyStore, SqliteStore, SqliteSubscriptionStore } from "@treatywatch/store";
import autocannon from "autocannon";
import { Hono } from "hono";
import { generateEntries } from "../generate.ts";
import { type Bench, num, type Row, ratio } from "../report.ts";
import { storeByEvent } from "../stories.ts";

const CONNECTIONS = 50;
/** A page of 60 stories: about 70 KiB of JSON, the size of a busy first page. */
const PATH = "/v1/stories?limit=60";

interface Load {
  rps: number;
  p99: number;
  requests: number;
}

/** Load on `PATH`; `headers` go with every request, and `status` is the one class of answer expected. */
async function load(
  port: number,
  seconds: number,
  options: { headers?: Record<string, string>; status?: "2xx" | "3xx" } = {},
): Promise<Load> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${PATH}`,
    connections: CONNECTIONS,
    duration: seconds,
    headers: options.headers,
  });
  const status = options.status ?? "2xx";
  const unexpected = result.requests.total - result[status];
  if (result.errors > 0 || result["4xx"] + result["5xx"] > 0 || unexpected > result.requests.total / 100) {
    throw new Error(`api: ${result.errors} errors and ${unexpected} answers other than ${status} on port ${port}`);
  }
  return { rps: result.requests.average, p99: result.latency.p99, requests: result.requests.total };
}

/** The bare baseline: a Hono route returning `body` (by default a small constant) on the same node server adapter. */
async function serveBare(body?: Uint8Array<ArrayBuffer>): Promise<{ port: number; close: () => Promise<void> }> {
  const bare = new Hono().get("/v1/stories", (c) =>
    body ? c.body(body, 200, { "content-type": "application/json" }) : c.json({ data: [], nextCursor: null }),
  );
  return new Promise((resolve) => {
    const server = serve({ fetch: bare.fetch, hostname: "127.0.0.1", port: 0 }, (info) =>
      resolve({ port: info.port, close: () => new Promise<void>((done) => server.close(() => done())) }),
    );
  });
}

export const api: Bench = {
  name: "api",
  async run({ quick, log }): Promise<Row[]> {
    const seconds = quick ? 1 : 5;
    const dir = mkdtempSync(join(tmpdir(), "treatywatch-bench-api-"));
    const store = new SqliteStore(join(dir, "api.db"));
    try {
      const now = new Date();
      const entries = generateEntries(quick ? 300 : 2_000, { seed: 5, end: now, perDay: 500 });
      const stories = await store.batch(() => storeByEvent(entries, store, now.toISOString()));
      log(`api: ${num(stories)} stories seeded`);
      // A variable rather than a literal: the services the app needs grow as the API does.
      const services = {
        store,
        logger: silentLogger,
        keys: new SqliteKeyStore(store.db),
        subscriptions: new SqliteSubscriptionStore(store.db),
        deliveries: new SqliteDeliveryStore(store.db),
        clock: systemClock,
        webhookVerifier: unconfiguredWebhookVerifier,
        confirmations: loggedConfirmations(silentLogger),
      };
      // One load generator is one client address: lift the per-client limit so it measures serving, not refusing.
      const unlimited = { requests: Number.MAX_SAFE_INTEGER, windowSeconds: 60 };
      const app = createApp(services, {
        publicUrl: "http://127.0.0.1",
        rateLimit: unlimited,
        anonymousRateLimit: unlimited,
      });
      const served = await serveApp(app, { host: "127.0.0.1", port: 0 });
      const first = await fetch(`http://127.0.0.1:${served.port}${PATH}`);
      const etag = first.headers.get("etag") ?? "";
      const page = new Uint8Array(await first.arrayBuffer());
      const gzip = await fetch(`http://127.0.0.1:${served.port}${PATH}`, { headers: { "accept-encoding": "gzip" } });
      const gzipBytes = Number(gzip.headers.get("content-length") ?? 0);
      await gzip.arrayBuffer();
      const bare = await serveBare();
      const bareSameBytes = await serveBare(page);
      try {
        await load(served.port, quick ? 0.5 : 1); // warm both before measuring
        await load(bare.port, quick ? 0.5 : 1);
        const baseline = await load(bare.port, seconds);
        const measured = await load(served.port, seconds);
        const compressed = await load(served.port, seconds, { headers: { "accept-encoding": "gzip" } });
        const revalidated = await load(served.port, seconds, { headers: { "if-none-match": etag }, status: "3xx" });
        const sameBytes = await load(bareSameBytes.port, seconds);
        await bareSameBytes.close();
        log(`api: ${num(measured.requests)} requests served, ${num(baseline.requests)} bare`);
        const share = measured.rps / baseline.rps;
        const compressedShare = compressed.rps / baseline.rps;
        const revalidatedShare = revalidated.rps / baseline.rps;
        const setting =
          `autocannon, ${CONNECTIONS} connections for ${seconds} s each, against \`GET ${PATH}\` on the API ` +
          `(\`createApp\` + \`serveApp\`, SQLite file seeded with ${num(stories)} stories, each the reports of one generated event, anonymous, rate limits lifted) ` +
          "and against a bare Hono route returning a constant on the same @hono/node-server; the load " +
          "generator runs in the same process, so both share its cost.";
        const fullTarget = "≥ 0.5x, p99 < 50 ms";
        return [
          {
            name: "api",
            measured: `${num(measured.rps)} req/s, p99 ${num(measured.p99)} ms`,
            baseline: `bare ${num(baseline.rps)} req/s, p99 ${num(baseline.p99)} ms`,
            ratio: ratio(share),
            target: fullTarget,
            pass: share >= 0.5 && measured.p99 < 50,
            note:
              `${setting} Every answer is the full page, ${num(page.byteLength / 1024)} KiB, from the bytes kept for ` +
              `its data version; a bare route answering those same bytes does ${num(sameBytes.rps)} req/s (p99 ` +
              `${num(sameBytes.p99)} ms), ${ratio(sameBytes.rps / baseline.rps)} of the small constant: the most a ` +
              "full-page answer reaches on this setup.",
          },
          {
            name: "api (gzip accepted)",
            measured: `${num(compressed.rps)} req/s, p99 ${num(compressed.p99)} ms`,
            baseline: `bare ${num(baseline.rps)} req/s, p99 ${num(baseline.p99)} ms`,
            ratio: ratio(compressedShare),
            target: fullTarget,
            pass: compressedShare >= 0.5 && compressed.p99 < 50,
            note:
              `the same load sending \`Accept-Encoding: gzip\`: every answer is the page's gzip form, ` +
              `${num(gzipBytes / 1024)} KiB, compressed once for its data version and kept with it.`,
          },
          {
            name: "api (revalidated)",
            measured: `${num(revalidated.rps)} req/s, p99 ${num(revalidated.p99)} ms`,
            baseline: `bare ${num(baseline.rps)} req/s, p99 ${num(baseline.p99)} ms`,
            ratio: ratio(revalidatedShare),
            target: "≥ 0.8x, p99 < 50 ms",
            pass: revalidatedShare >= 0.8 && revalidated.p99 < 50,
            note:
              "the same load, each request sending the page's `ETag` back in `If-None-Match` as a polling client " +
              "or a cache in front does; every answer is `304 Not Modified` with no body.",
          },
        ];
      } finally {
        await bare.close();
        await new Promise<void>((resolve) => served.server.close(() => resolve()));
      }
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
