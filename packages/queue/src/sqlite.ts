import { randomUUID } from "node:crypto";
import { type Clock, systemClock } from "@treatywatch/core";
import { migrate } from "@treatywatch/store";
import type Database from "better-sqlite3";
import {
  type DeadLetter,
  MAX_BATCH,
  type Queue,
  type QueueMessage,
  type ReceiveOptions,
  type SendOptions,
} from "./port.ts";

const STEPS = [
  `CREATE TABLE queue_messages (
     id TEXT PRIMARY KEY,
     queue TEXT NOT NULL,
     body TEXT NOT NULL,
     visible_at INTEGER NOT NULL,
     receive_count INTEGER NOT NULL DEFAULT 0,
     receipt TEXT,
     sent_at INTEGER NOT NULL
   );
   CREATE INDEX queue_messages_visible ON queue_messages (queue, visible_at);
   CREATE TABLE queue_dead_letters (
     id TEXT PRIMARY KEY,
     queue TEXT NOT NULL,
     body TEXT NOT NULL,
     receive_count INTEGER NOT NULL,
     dead_at INTEGER NOT NULL
   );`,
];

export interface SqliteQueueOptions {
  /** Several named queues can share one database. */
  name: string;
  maxReceives: number;
  defaultVisibilityTimeoutSeconds?: number | undefined;
  clock?: Clock | undefined;
  /** How often a long poll looks again, in milliseconds. */
  pollIntervalMs?: number | undefined;
}

interface StoredMessage {
  id: string;
  body: string;
  receive_count: number;
}

/** A durable queue in a SQLite table, for the embedded default. */
export class SqliteQueue implements Queue {
  private readonly clock: Clock;
  private readonly visibility: number;

  constructor(
    private readonly db: Database.Database,
    private readonly options: SqliteQueueOptions,
  ) {
    migrate(db, "queue", STEPS);
    this.clock = options.clock ?? systemClock;
    this.visibility = options.defaultVisibilityTimeoutSeconds ?? 30;
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  async send(body: string, options: SendOptions = {}): Promise<string> {
    const id = randomUUID();
    const now = this.now();
    this.db
      .prepare("INSERT INTO queue_messages (id, queue, body, visible_at, sent_at) VALUES (?, ?, ?, ?, ?)")
      .run(id, this.options.name, body, now + (options.delaySeconds ?? 0) * 1000, now);
    return id;
  }

  async sendBatch(bodies: readonly string[]): Promise<string[]> {
    if (bodies.length > MAX_BATCH) throw new RangeError(`at most ${MAX_BATCH} messages a batch`);
    return this.db.transaction(() => bodies.map((body) => this.sendNow(body)))();
  }

  private sendNow(body: string): string {
    const id = randomUUID();
    const now = this.now();
    this.db
      .prepare("INSERT INTO queue_messages (id, queue, body, visible_at, sent_at) VALUES (?, ?, ?, ?, ?)")
      .run(id, this.options.name, body, now, now);
    return id;
  }

  async receive(options: ReceiveOptions): Promise<QueueMessage[]> {
    const deadline = Date.now() + (options.waitSeconds ?? 0) * 1000;
    for (;;) {
      const messages = this.receiveNow(options);
      if (messages.length > 0 || Date.now() >= deadline) return messages;
      await new Promise((resolve) => setTimeout(resolve, this.options.pollIntervalMs ?? 100));
    }
  }

  private receiveNow(options: ReceiveOptions): QueueMessage[] {
    const max = Math.min(Math.max(options.max, 1), MAX_BATCH);
    const visibility = options.visibilityTimeoutSeconds ?? this.visibility;
    return this.db.transaction(() => {
      const now = this.now();
      const received: QueueMessage[] = [];
      const candidates = this.db
        .prepare(
          "SELECT id, body, receive_count FROM queue_messages WHERE queue = ? AND visible_at <= ? ORDER BY visible_at, sent_at LIMIT ?",
        )
        .all(this.options.name, now, max * 2) as StoredMessage[];
      for (const message of candidates) {
        if (received.length >= max) break;
        if (message.receive_count >= this.options.maxReceives) {
          this.bury(message, now);
          continue;
        }
        const receipt = `${message.id}.${randomUUID()}`;
        this.db
          .prepare(
            "UPDATE queue_messages SET receive_count = receive_count + 1, visible_at = ?, receipt = ? WHERE id = ?",
          )
          .run(now + visibility * 1000, receipt, message.id);
        received.push({ id: message.id, receipt, body: message.body, receiveCount: message.receive_count + 1 });
      }
      return received;
    })();
  }

  private bury(message: StoredMessage, now: number): void {
    this.db
      .prepare("INSERT INTO queue_dead_letters (id, queue, body, receive_count, dead_at) VALUES (?, ?, ?, ?, ?)")
      .run(message.id, this.options.name, message.body, message.receive_count, now);
    this.db.prepare("DELETE FROM queue_messages WHERE id = ?").run(message.id);
  }

  async ack(receipt: string): Promise<void> {
    this.db.prepare("DELETE FROM queue_messages WHERE receipt = ?").run(receipt);
  }

  async extendVisibility(receipt: string, seconds: number): Promise<void> {
    this.db
      .prepare("UPDATE queue_messages SET visible_at = ? WHERE receipt = ?")
      .run(this.now() + seconds * 1000, receipt);
  }

  async release(receipt: string, delaySeconds = 0): Promise<void> {
    await this.extendVisibility(receipt, delaySeconds);
  }

  async deadLetters(limit: number): Promise<DeadLetter[]> {
    const letters = this.db
      .prepare(
        "SELECT id, body, receive_count AS receiveCount FROM queue_dead_letters WHERE queue = ? ORDER BY dead_at, id LIMIT ?",
      )
      .all(this.options.name, limit) as DeadLetter[];
    return letters;
  }

  async redrive(ids?: readonly string[]): Promise<number> {
    return this.db.transaction(() => {
      const letters = (
        this.db.prepare("SELECT id, body FROM queue_dead_letters WHERE queue = ?").all(this.options.name) as {
          id: string;
          body: string;
        }[]
      ).filter((letter) => ids === undefined || ids.includes(letter.id));
      const now = this.now();
      for (const letter of letters) {
        this.db
          .prepare("INSERT INTO queue_messages (id, queue, body, visible_at, sent_at) VALUES (?, ?, ?, ?, ?)")
          .run(letter.id, this.options.name, letter.body, now, now);
        this.db.prepare("DELETE FROM queue_dead_letters WHERE id = ?").run(letter.id);
      }
      return letters.length;
    })();
  }
}
