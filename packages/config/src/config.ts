import { resolve } from "node:path";
import { z } from "zod";

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Every setting treatywatch reads from the environment, with its default. */
const schema = z.object({
  TREATYWATCH_DATA_DIR: z.string().min(1).default("./data"),
  TREATYWATCH_FEEDS_FILE: z.string().min(1).default("./feeds.txt"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8787),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  TREATYWATCH_POLL_TICK_SECONDS: positiveInt(60),
  TREATYWATCH_FETCH_CONCURRENCY: positiveInt(8),
  TREATYWATCH_FETCH_TIMEOUT_MS: positiveInt(20_000),
  TREATYWATCH_FETCH_MAX_BYTES: positiveInt(10 * 1024 * 1024),
  TREATYWATCH_FETCH_PER_HOST: positiveInt(2),
  TREATYWATCH_FETCH_ALLOW: z.string().default(""),
  TREATYWATCH_POLL_MIN_SECONDS: positiveInt(5 * 60),
  TREATYWATCH_POLL_MAX_SECONDS: positiveInt(6 * 3600),
  TREATYWATCH_CONTACT_URL: z.url({ protocol: /^https?$/ }).default("https://github.com/treatywatch/treatywatch"),
});

export interface Config {
  dataDir: string;
  databasePath: string;
  feedsFile: string;
  host: string;
  port: number;
  logLevel: z.infer<typeof schema>["LOG_LEVEL"];
  poll: { tickSeconds: number; concurrency: number; minIntervalSeconds: number; maxIntervalSeconds: number };
  fetch: {
    timeoutMs: number;
    maxBytes: number;
    userAgent: string;
    perHostConcurrency: number;
    /** Addresses, CIDR ranges or host names the outbound address guard lets through. */
    allow: string[];
  };
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment once, at start-up. A bad value names the variable and what it allows. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${problems.join("\n")}`);
  }
  const settings = parsed.data;
  const dataDir = resolve(settings.TREATYWATCH_DATA_DIR);
  return {
    dataDir,
    databasePath: resolve(dataDir, "treatywatch.db"),
    feedsFile: resolve(settings.TREATYWATCH_FEEDS_FILE),
    host: settings.HOST,
    port: settings.PORT,
    logLevel: settings.LOG_LEVEL,
    poll: {
      tickSeconds: settings.TREATYWATCH_POLL_TICK_SECONDS,
      concurrency: settings.TREATYWATCH_FETCH_CONCURRENCY,
      minIntervalSeconds: settings.TREATYWATCH_POLL_MIN_SECONDS,
      maxIntervalSeconds: Math.max(settings.TREATYWATCH_POLL_MAX_SECONDS, settings.TREATYWATCH_POLL_MIN_SECONDS),
    },
    fetch: {
      timeoutMs: settings.TREATYWATCH_FETCH_TIMEOUT_MS,
      maxBytes: settings.TREATYWATCH_FETCH_MAX_BYTES,
      userAgent: `treatywatch/0.1 (+${settings.TREATYWATCH_CONTACT_URL})`,
      perHostConcurrency: settings.TREATYWATCH_FETCH_PER_HOST,
      allow: settings.TREATYWATCH_FETCH_ALLOW.split(",")
        .map((entry) => entry.trim())
        .filter(Boolean),
    },
  };
}
