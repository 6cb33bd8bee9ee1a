import { Webhook } from "standardwebhooks";
import type { HttpPoster } from "./poster.ts";
import { parseRetryAfter } from "./retry.ts";

/** Standard Webhooks allow 15 s for an answer; slower endpoints are retried. */
export const WEBHOOK_TIMEOUT_MS = 15_000;

export interface WebhookMessage {
  /** The delivery id: the same on every retry, so receivers can drop duplicates. */
  id: string;
  url: string;
  body: string;
  /** Signing secrets (`whsec_…`), newest first; during a rotation both sign. */
  secrets: readonly string[];
}

export type WebhookAttempt =
  | { outcome: "delivered"; statusCode: number; latencyMs: number }
  | {
      outcome: "retry";
      statusCode?: number | undefined;
      error: string;
      retryAfterSeconds?: number | undefined;
      latencyMs: number;
    }
  /** The endpoint said it is gone (410): disable it. */
  | { outcome: "gone"; statusCode: number; error: string; latencyMs: number }
  /** The URL can never work (refused address, malformed): fail without retrying. */
  | { outcome: "refused"; error: string; latencyMs: number };

/** The three Standard Webhooks headers; `webhook-signature` holds one signature a secret. */
export function signWebhook(
  id: string,
  at: Date,
  body: string,
  secrets: readonly string[],
): Record<"webhook-id" | "webhook-timestamp" | "webhook-signature", string> {
  if (secrets.length === 0) throw new Error("a webhook needs at least one signing secret");
  const signatures = secrets.map((secret) => new Webhook(secret).sign(id, at, body));
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": signatures.join(" "),
  };
}

const PERMANENT_ERRORS = new Set(["refused-address", "invalid-url"]);

/** One signed POST; the answer classified for the retry policy. Only a 2xx counts as delivered. */
export async function sendWebhook(
  message: WebhookMessage,
  poster: HttpPoster,
  clock: { now(): Date },
  timeoutMs = WEBHOOK_TIMEOUT_MS,
): Promise<WebhookAttempt> {
  const started = clock.now();
  const headers = {
    "content-type": "application/json",
    ...signWebhook(message.id, started, message.body, message.secrets),
  };
  const startedMs = performance.now();
  const result = await poster.post({ url: message.url, headers, body: message.body, timeoutMs });
  const latencyMs = performance.now() - startedMs;
  if (!result.ok) {
    if (PERMANENT_ERRORS.has(result.error.kind)) return { outcome: "refused", error: result.error.message, latencyMs };
    return { outcome: "retry", error: `${result.error.kind}: ${result.error.message}`, latencyMs };
  }
  const { status } = result;
  if (status >= 200 && status < 300) return { outcome: "delivered", statusCode: status, latencyMs };
  if (status === 410) return { outcome: "gone", statusCode: status, error: "HTTP 410 Gone", latencyMs };
  return {
    outcome: "retry",
    statusCode: status,
    error: status >= 300 && status < 400 ? `HTTP ${status}: redirects are not followed` : `HTTP ${status}`,
    retryAfterSeconds: parseRetryAfter(result.headers["retry-after"], clock.now()),
    latencyMs,
  };
}
