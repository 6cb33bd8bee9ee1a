import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { type AddressInfo, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../bin/treatywatch.js", import.meta.url));
const DEMO_FEEDS = fileURLToPath(new URL("../demo/feeds.txt", import.meta.url));

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** The treatywatch command as a user runs it, on its own data folder. */
function treatywatch(dataDir: string, args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, TREATYWATCH_DATA_DIR: dataDir, LOG_LEVEL: "silent", ...env }, timeout: 60_000 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("the command line in a user's first hour", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "tw-first-hour-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("says in one line that a feeds file is missing, without a stack trace", async () => {
    const ran = await treatywatch(dataDir, ["poll", "--once", "--feeds", "missing.txt"]);

    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe(
      "treatywatch: cannot read missing.txt: no such file or directory (check the path; feeds files are given with --feeds FILE or TREATYWATCH_FEEDS_FILE)\n",
    );
  }, 60_000);

  it("says in one line that the port is taken, and how to choose another", async () => {
    const busy: Server = createServer();
    await new Promise<void>((listening) => busy.listen(0, "127.0.0.1", listening));
    const { port } = busy.address() as AddressInfo;
    const feeds = join(dataDir, "no-feeds.txt");
    await writeFile(feeds, "");

    const ran = await treatywatch(dataDir, ["serve"], { PORT: String(port), TREATYWATCH_FEEDS_FILE: feeds });
    busy.close();

    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe(
      `treatywatch: port ${port} on 127.0.0.1 is already in use: stop the other server (another treatywatch serve or demo?), or set PORT to a free port, e.g. PORT=8788\n`,
    );
  }, 60_000);

  it("polls once with --dry-run and writes no database", async () => {
    const fresh = await mkdtemp(join(tmpdir(), "tw-dry-run-"));

    const ran = await treatywatch(fresh, ["poll", "--once", "--dry-run", "--feeds", DEMO_FEEDS]);

    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/^7 feeds \(0 failed\): 7\d new items, 0 duplicate, \d+ relevant; \d+ stories created/m);
    expect(existsSync(join(fresh, "treatywatch.db"))).toBe(false);
    await rm(fresh, { recursive: true, force: true });
  }, 60_000);

  it("works on the demo's data with --demo, and leaves the real database alone", async () => {
    const fresh = await mkdtemp(join(tmpdir(), "tw-demo-data-"));

    const ran = await treatywatch(fresh, ["keys", "create", "--tenant", "me", "--demo"]);

    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/^tw_\w+/);
    expect(existsSync(join(fresh, "demo", "treatywatch.db"))).toBe(true);
    expect(existsSync(join(fresh, "treatywatch.db"))).toBe(false);
    await rm(fresh, { recursive: true, force: true });
  }, 60_000);

  it("sends what is due at once, and says what it did", async () => {
    const ran = await treatywatch(dataDir, ["deliveries", "send-now", "--digests", "--demo"]);

    expect(ran.code).toBe(0);
    expect(ran.stdout).toBe("0 sent, 0 failed, 0 waiting for a retry\n");
  }, 60_000);

  it("says where to look when there is no confirmation mail yet", async () => {
    const ran = await treatywatch(dataDir, ["outbox", "confirm-link", "--demo"]);

    expect(ran.code).toBe(1);
    expect(ran.stderr.trim().split("\n")).toHaveLength(1);
    expect(ran.stderr).toMatch(
      /^treatywatch: no confirmation mail in .*demo\/outbox: create an email subscription first/,
    );
  }, 60_000);
});
