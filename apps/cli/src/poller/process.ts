/**
 * The poller of `serve`, in a process of its own: fetching, parsing, classifying and story
 * assignment are CPU work, and a big feed takes seconds of it; here none of it can hold up the
 * API's event loop. It writes to the same SQLite file (WAL lets the API read meanwhile) and
 * hands each tick's story events back to `serve`, which matches and delivers them.
 */
import { coalesceStoryEvents, startPollLoop } from "@treatywatch/worker";
import { openPollRuntime } from "../runtime.ts";
import type { FromPoller, ToPoller } from "./messages.ts";

const send = (message: FromPoller) => process.send?.(message);
let stop: (() => Promise<void>) | undefined;
let close: (() => Promise<void>) | undefined;

process.on("message", (message: ToPoller) => {
  if (message.type === "start" && !stop) {
    const runtime = openPollRuntime(message.config);
    close = () => runtime.store.close();
    stop = startPollLoop(runtime, {
      tickMs: message.tickMs,
      concurrency: message.config.poll.concurrency,
      batchSize: 500,
      logger: runtime.logger,
      onTick: (outcomes) => {
        const events = coalesceStoryEvents(outcomes.flatMap((outcome) => outcome.summary.events));
        if (events.length > 0) send({ type: "events", events });
      },
    });
    send({ type: "started" });
  } else if (message.type === "stop") {
    void (async () => {
      await stop?.();
      await close?.();
      send({ type: "stopped" });
      process.disconnect?.();
    })();
  }
});
// serve went away without a word: nothing is left to report to.
process.on("disconnect", () => {
  void (async () => {
    await stop?.();
    await close?.();
    process.exit(0);
  })();
});
