import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { METRICS_NAMESPACE, powertoolsLogger, powertoolsMetrics } from "./powertools.ts";

/** Powertools writes to stdout and stderr (through the global console in its dev mode). */
const written: string[] = [];
const lines = () =>
  written
    .flatMap((chunk) => chunk.split("\n"))
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

beforeEach(() => {
  written.length = 0;
  for (const method of ["log", "debug", "info", "warn", "error"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      written.push(args.map(String).join(" "));
    });
  }
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, "write").mockImplementation((chunk: unknown) => {
      written.push(String(chunk));
      return true;
    });
  }
  // What Lambda sets in an on-demand instance; Powertools reports a cold start only there.
  vi.stubEnv("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe("powertoolsLogger", () => {
  it("writes the house logger's fields and message as one Powertools JSON line at or above its level", () => {
    const { logger } = powertoolsLogger("info", "treatywatch-test");

    logger.debug({ feedId: "fd_1" }, "hidden");
    logger.warn({ feedId: "fd_1", err: new TypeError("bad body") }, "fetch failed");

    const [line, ...others] = lines();
    expect(others).toEqual([]);
    expect(line).toMatchObject({
      level: "WARN",
      message: "fetch failed",
      service: "treatywatch-test",
      feedId: "fd_1",
      err: { name: "TypeError", message: "bad body" },
    });
  });
});

describe("powertoolsMetrics", () => {
  it("publishes the counts of an invocation in embedded metric format, with the cold start once", () => {
    const metrics = powertoolsMetrics("treatywatch-test");

    metrics.count("ItemsIngested", 3);
    metrics.publish();
    metrics.publish();

    const emitted = lines();
    const names = emitted.flatMap((line) =>
      (
        (line._aws as { CloudWatchMetrics: Array<{ Namespace: string; Metrics: Array<{ Name: string }> }> })
          .CloudWatchMetrics ?? []
      ).flatMap((set) => set.Metrics.map((metric) => `${set.Namespace}/${metric.Name}`)),
    );
    expect(names.sort()).toEqual([`${METRICS_NAMESPACE}/ColdStart`, `${METRICS_NAMESPACE}/ItemsIngested`]);
    expect(emitted.find((line) => "ItemsIngested" in line)?.ItemsIngested).toBe(3);
  });
});
