import type { Store } from "@treatywatch/core";
import { dataVersionOf } from "./data-version.ts";
import type { Rendered } from "./rendered-cache.ts";

/**
 * Pages a GET route keeps rendered (see `RenderedCache`), which are answered before the route's
 * own chain (validation, handler) runs: by the middleware that admits a request, once it is
 * admitted, and on the node server by `directListener` before the app is asked at all.
 */
export interface KeptPages {
  contentType: string;
  /** The cache key of the page a query string (as sent, without its `?`) asks for, once the route has seen it. */
  keyOf(query: string): string | undefined;
  /** The page kept for `key` under the store's data `version`, if any. */
  peek(version: string, key: string): Rendered | undefined;
}

/** The page kept for `key` under the store's current data version, if any. */
export async function keptPage(store: Store, kept: KeptPages, key: string): Promise<Rendered | undefined> {
  const version = await dataVersionOf(store);
  return version === undefined ? undefined : kept.peek(version, key);
}

const byApp = new WeakMap<object, Map<string, KeptPages>>();

/** The kept pages of an app's GET routes, by path. */
export function earlyAnswers(app: object): Map<string, KeptPages> {
  let answers = byApp.get(app);
  if (!answers) {
    answers = new Map();
    byApp.set(app, answers);
  }
  return answers;
}

/** The query string of a request target or URL, as sent ("" when it has none). */
export function queryOf(url: string): string {
  const at = url.indexOf("?");
  return at < 0 ? "" : url.slice(at + 1);
}
