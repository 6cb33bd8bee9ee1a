import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createApp, loggedConfirmations, serveApp, unconfiguredWebhookVerifier } from "@treatywatch/api";
import { silentLogger, systemClock } from "@treatywatch/core";
import { SqliteDeliveryStore, SqliteKeyStore, type SqliteStore, SqliteSubscriptionStore } from "@treatywatch/store";
import type autocannon from "autocannon";

const require = createRequire(import.meta.url);

/** What one load gave. */
export interface Load {
  /** Seconds the load actually ran. */
  duration: number;
  rps: number;
  p99: number;
  requests: number;
  /** Bytes a response, headers and body. */
  bytes: number;
}

export function loadOf(result: autocannon.Result): Load {
  return {
    duration: result.duration,
    rps: result.requests.total / Math.max(0.001, result.duration),
    p99: result.latency.p99,
    requests: result.requests.total,
    bytes: result.throughput.total / Math.max(1, result.requests.total),
  };
}

/** Loads taken in turns as one: rates over their whole time, p99 the worst turn's. */
export function totalOf(loads: readonly Load[]): Load {
  const requests = loads.reduce((sum, one) => sum + one.requests, 0);
  const duration = loads.reduce((sum, one) => sum + one.duration, 0);
  return {
    duration,
    rps: requests / duration,
    p99: Math.max(...loads.map((one) => one.p99)),
    requests,
    bytes: loads.reduce((sum, one) => sum + one.bytes * one.requests, 0) / Math.max(1, requests),
  };
}

/**
 * The API over a store, on a loopback port, as `serve` runs it, with the per-client rate limits
 * lifted: one load generator is one client address, and a benchmark measures serving, not refusing.
 */
export async function serveForLoad(store: SqliteStore): ReturnType<typeof serveApp> {
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
  const unlimited = { requests: Number.MAX_SAFE_INTEGER, windowSeconds: 60 };
  const app = createApp(services, {
    publicUrl: "http://127.0.0.1",
    rateLimit: unlimited,
    anonymousRateLimit: unlimited,
  });
  return serveApp(app, { host: "127.0.0.1", port: 0 });
}

/** The serving process's CPU time a request under a load from a process of its own. */
export interface ServerCpu {
  /** Microseconds of this process's CPU (user and system) a request. */
  micros: number;
  requests: number;
}

/**
 * Loads `url` from an autocannon process of its own for `seconds` and divides this process's
 * CPU time over that span by the requests answered. Steadier than a rate on a shared machine:
 * other work there slows both, but it adds nothing to this process's CPU time.
 */
export async function serverCpuPerRequest(
  url: string,
  options: { connections: number; seconds: number; headers?: Record<string, string> | undefined },
): Promise<ServerCpu> {
  const args = [
    require.resolve("autocannon"),
    "--json",
    "-c",
    String(options.connections),
    "-d",
    String(options.seconds),
  ];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push("-H", `${name}=${value}`);
  args.push(url);
  const before = process.cpuUsage();
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "ignore"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`autocannon exited with ${code}`))));
  });
  const used = process.cpuUsage(before);
  const result = JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as autocannon.Result;
  const requests = result.requests.total;
  if (!(requests > 0) || result.errors > 0 || result.non2xx > requests / 100 + (result["3xx"] ?? 0)) {
    throw new Error(`load on ${url}: ${result.errors} errors, ${result.non2xx} answers other than 2xx`);
  }
  return { micros: (used.user + used.system) / requests, requests };
}
