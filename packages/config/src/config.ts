import { resolve } from "node:path";
import { integer, webAddress } from "./settings.ts";
import * as z from "./zod.ts";

const positiveInt = (fallback: number) => z._default(integer(z.positive()), fallback);

/** An AES-256 key as base64 or base64url text; undefined when it is not 32 bytes. */
function decodeKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed, "base64");
  return key.length === 32 ? key : undefined;
}

const secretKey = z.string().check(z.refine((text) => decodeKey(text) !== undefined, "must be 32 bytes, base64"));
const secretKeyList = z
  .string()
  .check(
    z.refine(
      (text) => text.split(",").every((entry) => entry.trim() === "" || decodeKey(entry) !== undefined),
      "must be comma-separated 32-byte keys, base64",
    ),
  );
const text = (fallback: string) => z._default(z.string().check(z.minLength(1)), fallback);

/** Every setting treatywatch reads from the environment, with its default. */
const schema = z.object({
  TREATYWATCH_DATA_DIR: text("./data"),
  TREATYWATCH_FEEDS_FILE: text("./feeds.txt"),
  HOST: text("127.0.0.1"),
  PORT: z._default(integer(z.minimum(0), z.maximum(65_535)), 8787),
  LOG_LEVEL: z._default(z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]), "info"),
  TREATYWATCH_POLL_TICK_SECONDS: positiveInt(60),
  TREATYWATCH_FETCH_CONCURRENCY: positiveInt(16),
  TREATYWATCH_FETCH_TIMEOUT_MS: positiveInt(20_000),
  TREATYWATCH_FETCH_MAX_BYTES: positiveInt(10 * 1024 * 1024),
  TREATYWATCH_FETCH_PER_HOST: positiveInt(2),
  TREATYWATCH_FETCH_ALLOW: z._default(z.string(), ""),
  TREATYWATCH_POLL_MIN_SECONDS: positiveInt(5 * 60),
  TREATYWATCH_POLL_MAX_SECONDS: positiveInt(6 * 3600),
  TREATYWATCH_CONTACT_URL: z._default(webAddress, "https://github.com/treatywatch/treatywatch"),
  TREATYWATCH_SECRET_KEY: z.optional(secretKey),
  TREATYWATCH_SECRET_KEY_OLD: z._default(secretKeyList, ""),
  TREATYWATCH_PUBLIC_URL: z.optional(webAddress),
  TREATYWATCH_MAIL_FROM: z._default(z.string().check(z.minLength(3)), "treatywatch <alerts@localhost>"),
  TREATYWATCH_SMTP_URL: z.optional(z.url({ protocol: /^smtps?$/ })),
  TREATYWATCH_ANON_RATE_LIMIT: positiveInt(120),
  TREATYWATCH_ANON_RATE_WINDOW_SECONDS: positiveInt(60),
  TREATYWATCH_TRUSTED_PROXIES: z._default(integer(z.minimum(0), z.maximum(10)), 0),
  TREATYWATCH_PUBLIC_SIGNUPS: z._default(z.enum(["on", "off"], "must be on or off"), "on"),
  TREATYWATCH_PUBLIC_TENANT: z._default(
    z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be a tenant name: lower-case letters, digits and -")),
    "public",
  ),
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
  /**
   * Seals webhook signing secrets at rest. `current` is absent when unset: one machine
   * then keeps a generated key in `keyFile`. `old` keys only open what they sealed.
   */
  secrets: { current?: Buffer | undefined; old: Buffer[]; keyFile: string };
  /** The origin links in mail and feeds point at; unset, the local server's own address. */
  publicUrl?: string | undefined;
  mail: { from: string; smtpUrl?: string | undefined };
  /** Requests without an API key, counted per client address. */
  anonymousRateLimit: { requests: number; windowSeconds: number };
  /** Proxies in front of the API whose X-Forwarded-For entries are trusted; 0 trusts none. */
  trustedProxies: number;
  /** The tenant sign-ups on the public pages join, or false when public sign-ups are off. */
  publicSignups: { tenant: string } | false;
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
    secrets: {
      current: settings.TREATYWATCH_SECRET_KEY === undefined ? undefined : decodeKey(settings.TREATYWATCH_SECRET_KEY),
      old: settings.TREATYWATCH_SECRET_KEY_OLD.split(",")
        .map((entry) => decodeKey(entry))
        .filter((key): key is Buffer => key !== undefined),
      keyFile: resolve(dataDir, "secret.key"),
    },
    publicUrl: settings.TREATYWATCH_PUBLIC_URL?.replace(/\/+$/, ""),
    mail: { from: settings.TREATYWATCH_MAIL_FROM, smtpUrl: settings.TREATYWATCH_SMTP_URL },
    anonymousRateLimit: {
      requests: settings.TREATYWATCH_ANON_RATE_LIMIT,
      windowSeconds: settings.TREATYWATCH_ANON_RATE_WINDOW_SECONDS,
    },
    trustedProxies: settings.TREATYWATCH_TRUSTED_PROXIES,
    publicSignups: settings.TREATYWATCH_PUBLIC_SIGNUPS === "on" && { tenant: settings.TREATYWATCH_PUBLIC_TENANT },
  };
}
