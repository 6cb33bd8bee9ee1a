/** One message handed to a consumer. `receipt` identifies this receive, not the message. */
export interface QueueMessage {
  id: string;
  receipt: string;
  body: string;
  /** How many times the message has been received, this time included. */
  receiveCount: number;
}

export interface ReceiveOptions {
  /** At most this many messages (1-10). */
  max: number;
  /** How long received messages stay hidden from other consumers. */
  visibilityTimeoutSeconds?: number | undefined;
  /** Long polling: wait up to this long for a message when the queue is empty. */
  waitSeconds?: number | undefined;
}

export interface SendOptions {
  delaySeconds?: number | undefined;
}

/** A message that exhausted its receives, with the count it reached. */
export interface DeadLetter {
  id: string;
  body: string;
  receiveCount: number;
}

/**
 * A work queue with at-least-once delivery. A received message must be acked
 * (deleted) before its visibility timeout ends, else it is delivered again; after
 * `maxReceives` receives it moves to the dead-letter queue instead.
 */
export interface Queue {
  send(body: string, options?: SendOptions): Promise<string>;
  sendBatch(bodies: readonly string[]): Promise<string[]>;
  receive(options: ReceiveOptions): Promise<QueueMessage[]>;
  ack(receipt: string): Promise<void>;
  /** Keeps a message hidden for `seconds` more from now, for long work. */
  extendVisibility(receipt: string, seconds: number): Promise<void>;
  /** Gives a message back: visible again after `delaySeconds` (0 = now). */
  release(receipt: string, delaySeconds?: number): Promise<void>;
  deadLetters(limit: number): Promise<DeadLetter[]>;
  /** Moves dead letters (all, or the named ones) back to the queue with fresh receive counts. */
  redrive(ids?: readonly string[]): Promise<number>;
}

export const MAX_BATCH = 10;
