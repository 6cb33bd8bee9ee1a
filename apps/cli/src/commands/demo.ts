import { rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { startFeedServer } from "../demo/feed-server.ts";
import { demoConfig, openRuntime, readConfig } from "../runtime.ts";
import { startServer, stopOnSignal } from "./serve.ts";

export const DEMO_FEEDS_DIR = fileURLToPath(new URL("../../demo/feeds", import.meta.url));

/**
 * Runs treatywatch offline: sample feeds served from loopback, a fresh database
 * under data/demo, the poller ticking every two seconds, and the API on its port.
 */
export async function demoCommand(): Promise<void> {
  const feeds = await startFeedServer(DEMO_FEEDS_DIR);
  const config = demoConfig(readConfig());
  await rm(config.dataDir, { recursive: true, force: true });
  // The sample feeds are served on loopback, which the address guard refuses unless allow-listed.
  const runtime = openRuntime({ ...config, fetch: { ...config.fetch, allow: [...config.fetch.allow, "127.0.0.1"] } });
  const now = runtime.clock.now().toISOString();
  for (const url of feeds.urls) await runtime.store.addFeed(url, now);
  const running = await startServer(runtime, { tickMs: 2_000 });
  const base = `http://${runtime.config.host}:${running.port}`;
  runtime.logger.info({ feeds: feeds.urls.length }, "demo feeds served on loopback");
  process.stderr.write(
    [
      "",
      `treatywatch demo is running on ${base}, its data in ${runtime.config.dataDir}. Try:`,
      `  curl -s '${base}/v1/stories?limit=2'`,
      `  open ${base}/docs for the API reference`,
      "Commands given --demo work on the demo's data, e.g.:",
      "  npx treatywatch keys create --tenant me --demo",
      "  npx treatywatch outbox confirm-link --demo",
      "",
      "",
    ].join("\n"),
  );
  stopOnSignal({
    async stop() {
      await running.stop();
      await feeds.close();
    },
  });
}
