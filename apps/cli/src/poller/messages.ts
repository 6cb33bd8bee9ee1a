import type { Config } from "@treatywatch/config";
import type { StoryEvent } from "@treatywatch/worker";

/** What `serve` tells its poller process. */
export type ToPoller = { type: "start"; config: Config; tickMs: number } | { type: "stop" };

/** What the poller process tells `serve`: the story events of each tick, for matching and delivery. */
export type FromPoller = { type: "started" } | { type: "events"; events: StoryEvent[] } | { type: "stopped" };
