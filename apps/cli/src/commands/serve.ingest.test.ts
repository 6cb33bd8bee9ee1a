import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@treatywatch/config";
import { afterEach, describe, expect, it } from "vitest";
import { nearIdenticalRss } from "../../../worker/test/feed-server.ts";
import { openRuntime } from "../runtime.ts";
import { startServer } from "./serve.ts";

const TEN_MIB = 10 * 1024 * 1024;

describe("serve while a 10 MiB feed of near-identical items is ingested", () => {
  const cleanups: Array<() => Promise<unknown> | undefined> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("answers /health throughout: the poller works in a process of its own", { timeout: 180_000 }, async () => {
    const body = nearIdenticalRss(TEN_MIB - 1024);
    const feeds = createServer((_request, response) =>
      response.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" }).end(body),
    );
    await new Promise<void>((resolve) => feeds.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => feeds.close(resolve)));
    const dataDir = await mkdtemp(join(tmpdir(), "tw-serve-ingest-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const runtime = openRuntime(
      loadConfig({
        TREATYWATCH_DATA_DIR: dataDir,
        TREATYWATCH_FEEDS_FILE: join(dataDir, "feeds.txt"),
        PORT: "0",
        LOG_LEVEL: "silent",
        TREATYWATCH_FETCH_ALLOW: "127.0.0.1",
        // One client asks many times a second here: the limit for anonymous clients is not under test.
        TREATYWATCH_ANON_RATE_LIMIT: "1000000",
      }),
    );
    const { feed } = await runtime.store.addFeed(
      `http://127.0.0.1:${(feeds.address() as AddressInfo).port}/repeat.xml`,
      new Date().toISOString(),
    );
    const running = await startServer(runtime, { tickMs: 100 });
    cleanups.push(() => running.stop());

    // Ask for /health, one request after another, until the poller has read the whole feed
    // (parsed, classified, the first 1,000 stored and the rest put by) and taken from what it put by.
    const statuses: number[] = [];
    let firstDeferred: number | undefined;
    let deferred: number | undefined;
    while (firstDeferred === undefined || deferred === undefined || deferred >= firstDeferred) {
      const response = await fetch(`http://127.0.0.1:${running.port}/health`);
      statuses.push(response.status);
      await response.arrayBuffer();
      deferred = (await runtime.store.getFeed(feed.id))?.health.deferred;
      if (deferred && firstDeferred === undefined) firstDeferred = deferred;
    }

    expect(body.length).toBeGreaterThan(TEN_MIB - 4096);
    expect(firstDeferred).toBeGreaterThan(20_000);
    expect(statuses.length).toBeGreaterThan(10);
    expect(new Set(statuses)).toEqual(new Set([200]));
  });
});
