import { rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFeedServer } from "../demo/feed-server.ts";
import { openRuntime, readConfig } from "../runtime.ts";
import { startServer, stopOnSignal } from "./serve.ts";

export const DEMO_FEEDS_DIR = fileURLToPath(new URL("../../demo/feeds", import.meta.url));

/**
 * Runs treatywatch offline: sample feeds served from loopback, a fresh database
 * under data/demo, the poller ticking every two seconds, and the API on its port.
 */
export async function demoCommand(): Promise<void> {
  const feeds = await startFeedServer(DEMO_FEEDS_DIR);
  const config = readConfig();
  const dataDir = join(config.dataDir, "demo");
  await rm(dataDir, { recursive: true, force: true });
  // The sample feeds are served on loopback, which the address guard refuses unless allow-listed.
  const runtime = openRuntime({
    ...config,
    dataDir,
    databasePath: join(dataDir, "treatywatch.db"),
    fetch: { ...config.fetch, allow: [...config.fetch.allow, "127.0.0.1"] },
  });
  const now = runtime.clock.now().toISOString();
  for (const url of feeds.urls) await runtime.store.addFeed(url, now);
  const running = await startServer(runtime, { tickMs: 2_000 });
  const base = `http://${runtime.config.host}:${running.port}`;
  runtime.logger.info({ feeds: feeds.urls.length }, "demo feeds served on loopback");
  process.stderr.write(
    `\ntreatywatch demo is running. Try:\n  curl -s ${base}/v1/stories | jq '.data[] | {title, sources: [.sources[].outlet]}'\n  curl -s '${base}/v1/items?relevant=false&limit=5' | jq '.data[].item.title'\n\n`,
  );
  stopOnSignal({
    async stop() {
      await running.stop();
      await feeds.close();
    },
  });
}
