import type { Context } from "hono";
import type { AppEnv } from "./env.ts";

/**
 * An answer a GET route gives from what it keeps (a rendered page, or its 304) before its own
 * chain (validation, handler) runs; undefined when the route has to answer itself.
 */
export type EarlyAnswer = (c: Context<AppEnv>) => Promise<Response | undefined>;

const byApp = new WeakMap<object, Map<string, EarlyAnswer>>();

/**
 * The early answers of an app's GET routes, by path. The middleware that admits a request
 * (authentication and rate limit) asks them once the request is admitted, so an answer kept
 * costs no middleware layer of its own; the request still has its id, limit and headers.
 */
export function earlyAnswers(app: object): Map<string, EarlyAnswer> {
  let answers = byApp.get(app);
  if (!answers) {
    answers = new Map();
    byApp.set(app, answers);
  }
  return answers;
}
