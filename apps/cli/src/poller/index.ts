import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Config } from "@treatywatch/config";
import type { Logger } from "@treatywatch/core";
import type { StoryEvent } from "@treatywatch/worker";
import type { FromPoller, ToPoller } from "./messages.ts";

const ENTRY = fileURLToPath(new URL("./process.ts", import.meta.url));
/** A poller that dies is started again after this long (and logged each time). */
const RESTART_MS = 5_000;

export interface PollerOptions {
  tickMs: number;
  logger: Logger;
  onEvents: (events: StoryEvent[]) => void;
}

export interface Poller {
  /** Resolves when the poller process has run its first tick's start. */
  started: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs the poll schedule in a child process (see `process.ts`), so ingest never blocks the
 * API. Story events come back over IPC; a poller that exits unexpectedly is restarted.
 */
export function startPoller(config: Config, options: PollerOptions): Poller {
  let child: ChildProcess | undefined;
  let stopping = false;
  let restart: NodeJS.Timeout | undefined;
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });

  const launch = () => {
    const current = fork(ENTRY, [], {
      execArgv: ["--import", "tsx"],
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child = current;
    current.on("message", (message: FromPoller) => {
      if (message.type === "started") markStarted();
      else if (message.type === "events") options.onEvents(message.events);
    });
    current.on("exit", (code, signal) => {
      if (stopping) return;
      options.logger.error({ code, signal }, `poller exited; starting it again in ${RESTART_MS / 1000} s`);
      restart = setTimeout(launch, RESTART_MS);
    });
    current.send({ type: "start", config, tickMs: options.tickMs } satisfies ToPoller);
  };
  launch();

  return {
    started,
    async stop() {
      stopping = true;
      clearTimeout(restart);
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => current.once("exit", () => resolve()));
      if (current.connected) current.send({ type: "stop" } satisfies ToPoller);
      else current.kill();
      await exited;
    },
  };
}
