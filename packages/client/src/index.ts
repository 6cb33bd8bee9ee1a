import type { App } from "@treatywatch/api";
import { hc } from "hono/client";

export interface ClientOptions {
  /** Another fetch, e.g. an app's own `fetch` in tests, or one with a proxy. */
  fetch?: typeof fetch | undefined;
  headers?: Record<string, string> | undefined;
}

/**
 * A typed client for the treatywatch API: paths, parameters, bodies and responses are
 * checked against the API's own route definitions.
 *
 *   const tw = createClient("https://alerts.example.org", process.env.TREATYWATCH_KEY);
 *   const res = await tw.v1.subscriptions.$get({ query: { limit: "10" } });
 */
export function createClient(baseUrl: string, apiKey?: string, options: ClientOptions = {}) {
  return hc<App>(baseUrl, {
    fetch: options.fetch,
    headers: { ...options.headers, ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
  });
}

export type Client = ReturnType<typeof createClient>;
