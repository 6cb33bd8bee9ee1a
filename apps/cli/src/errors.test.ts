import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { ConfigError } from "@treatywatch/config";
import { describe, expect, it } from "vitest";
import { describeFailure, UserError } from "./errors.ts";

async function failureOf(work: () => Promise<unknown>): Promise<unknown> {
  return work().then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("describeFailure", () => {
  it("names a missing file and where files are given", async () => {
    const error = await failureOf(() => readFile("missing-feeds.txt"));

    expect(describeFailure(error)).toBe(
      "cannot read missing-feeds.txt: no such file or directory (check the path; feeds files are given with --feeds FILE or TREATYWATCH_FEEDS_FILE)",
    );
  });

  it("says a busy port is busy and how to pick another", async () => {
    const first = createServer();
    await new Promise<void>((listening) => first.listen(0, "127.0.0.1", listening));
    const port = (first.address() as { port: number }).port;
    const second = createServer();

    const error = await new Promise((failed) => {
      second.once("error", failed);
      second.listen(port, "127.0.0.1");
    });
    first.close();

    expect(describeFailure(error)).toBe(
      `port ${port} on 127.0.0.1 is already in use: stop the other server (another treatywatch serve or demo?), or set PORT to a free port, e.g. PORT=8788`,
    );
  });

  it("passes on what the user can fix, and marks the rest as unexpected, on one line", () => {
    expect(describeFailure(new UserError("no feeds in feeds.txt: add a URL a line"))).toBe(
      "no feeds in feeds.txt: add a URL a line",
    );
    expect(describeFailure(new ConfigError("invalid configuration: PORT"))).toBe("invalid configuration: PORT");
    expect(describeFailure(new TypeError("x is not a function"))).toBe(
      "unexpected error: x is not a function (run with LOG_LEVEL=debug to see where it came from)",
    );
  });
});
