import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../lib/env.ts";
import { escapeHtml, htmlPage } from "../../lib/page.ts";

/**
 * A readable reference rendered from the OpenAPI document: every route, what it needs,
 * and what it answers. Self-contained, so it works offline.
 */
export function registerDocs(api: OpenAPIHono<AppEnv>): void {
  api.get("/docs", (c) => {
    const document = api.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "treatywatch API", version: "" } });
    const sections: string[] = [];
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      for (const [method, operation] of Object.entries(item ?? {})) {
        if (typeof operation !== "object" || operation === null || !("responses" in operation)) continue;
        const op = operation as { summary?: string; description?: string; security?: unknown[]; responses: object };
        const statuses = Object.keys(op.responses).join(", ");
        const auth = op.security && op.security.length > 0 ? "API key" : "public";
        sections.push(
          `<h2><code>${method.toUpperCase()} ${escapeHtml(path)}</code></h2><p><strong>${escapeHtml(op.summary ?? "")}</strong> · ${auth} · answers ${statuses}</p>${op.description ? `<p>${escapeHtml(op.description)}</p>` : ""}`,
        );
      }
    }
    const intro =
      '<p>Send <code>Authorization: Bearer tw_…</code> where a route needs a key. Errors are always <code>{"error": {"code", "message", "requestId", "details"?}}</code>. The machine-readable document is at <a href="/openapi.json">/openapi.json</a>.</p>';
    return c.html(htmlPage("treatywatch API", intro + sections.join("\n")));
  });
}
