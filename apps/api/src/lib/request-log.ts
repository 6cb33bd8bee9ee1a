import { randomUUID } from "node:crypto";
import type { Services } from "./env.ts";

/** A request's id: the one its client sent in X-Request-Id (at most 128 characters), else a new one. */
export function requestIdFrom(sent: string | undefined): string {
  return sent?.slice(0, 128) || randomUUID();
}

/** What the log line of an answered request says. */
export interface AnswerLog {
  requestId: string;
  method: string;
  path: string;
  status: number;
  tenantId: string | undefined;
}

/** Logs an answered request (at debug), with the milliseconds since `started` (by the services' clock). */
export function logAnswer(services: Services, answered: AnswerLog, started: number): void {
  services.logger.debug({ ...answered, ms: services.clock.now().getTime() - started }, "request");
}
