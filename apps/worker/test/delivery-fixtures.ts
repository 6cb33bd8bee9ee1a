import { randomBytes } from "node:crypto";
import { type Clock, type Logger, type Story, type Subscription, silentLogger } from "@treatywatch/core";
import { SafeHttpClient } from "@treatywatch/http";
import { safeHttpPoster } from "@treatywatch/notify";
import { SqliteQueue } from "@treatywatch/queue";
import { openDatabase, SqliteDeliveryStore } from "@treatywatch/store";
import { vi } from "vitest";
import type { DeliverDeps } from "../src/deliver.ts";

export const newSecret = (): string => `whsec_${randomBytes(24).toString("base64")}`;

export interface FakeClock extends Clock {
  advance(seconds: number): void;
  set(at: Date): void;
}

/**
 * A clock that moves only when told. It moves the faked `Date` too, so that
 * `standardwebhooks` in the receivers checks timestamps against the same time.
 * Needs `vi.useFakeTimers({ toFake: ["Date"] })`; timers stay real.
 */
export function fakeClock(start = new Date("2026-03-02T09:00:00Z")): FakeClock {
  vi.setSystemTime(start);
  return {
    now: () => new Date(),
    advance: (seconds) => {
      vi.setSystemTime(Date.now() + seconds * 1000);
    },
    set: (at) => {
      vi.setSystemTime(at);
    },
  };
}

export interface LoggedLine {
  level: keyof Logger;
  fields: object;
  message: string;
}

/** A logger that keeps every line, for tests that an outcome was logged. */
export function recordingLogger(): Logger & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const at =
    (level: keyof Logger) =>
    (fields: object, message: string): void =>
      void lines.push({ level, fields, message });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

export function subscription(id: string, overrides: Partial<Subscription> = {}): Subscription {
  return {
    id,
    tenantId: "tenant_1",
    channel: { type: "webhook", url: "http://127.0.0.1:9/hook" },
    filter: {},
    cadence: { kind: "instant" },
    status: "active",
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    ...overrides,
  };
}

export function story(id: string, overrides: Partial<Story> = {}): Story {
  return {
    id,
    title: "Lithuania completes withdrawal from the Ottawa Convention",
    summary: "The withdrawal took effect six months after notice was deposited.",
    firstSeenAt: "2026-03-02T08:00:00.000Z",
    updatedAt: "2026-03-02T08:00:00.000Z",
    version: 1,
    score: 0.9,
    topics: ["treaty-status"],
    categories: ["politics"],
    countries: ["LT"],
    treaties: ["mine-ban"],
    sources: [{ itemId: "i1", outlet: "Northern Wire", title: "Lithuania leaves mine ban treaty", feedId: "f1" }],
    ...overrides,
  };
}

/** A store, a SQLite queue and deliver deps on one in-memory database, with a fake clock. */
export function deliveryHarness(secrets: Record<string, string[]>, overrides: Partial<DeliverDeps> = {}) {
  const db = openDatabase(":memory:");
  const clock = fakeClock();
  const deliveries = new SqliteDeliveryStore(db);
  const queue = new SqliteQueue(db, { name: "deliveries", maxReceives: 5, defaultVisibilityTimeoutSeconds: 60, clock });
  const client = new SafeHttpClient({ allow: ["127.0.0.1"], perHostConcurrency: 64 });
  const deps: DeliverDeps = {
    deliveries,
    signingSecrets: async (subscriptionId) => secrets[subscriptionId] ?? [],
    poster: safeHttpPoster(client),
    clock,
    random: () => 0.5,
    logger: silentLogger,
    webhookTimeoutMs: 500,
    ...overrides,
  };
  return {
    db,
    clock,
    deliveries,
    queue,
    deps,
    async close() {
      await client.close();
      db.close();
    },
  };
}
