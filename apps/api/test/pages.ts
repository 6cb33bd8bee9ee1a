import type { createApp } from "../src/app.ts";

type App = ReturnType<typeof createApp>;

export const PUBLIC_ORIGIN = "http://localhost:8787";

/** A visitor with a cookie jar of one: the form token cookie the pages set. */
export async function aVisitor(app: App, page = "/subscribe") {
  const response = await app.request(page);
  const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const html = await response.text();
  const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  return {
    cookie,
    token,
    html,
    /** Posts a form as a browser on this site would, with the token unless `fields` overrides it. */
    post(path: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}) {
      const body = new URLSearchParams();
      body.set("csrf", token);
      for (const [name, value] of Object.entries(fields)) {
        body.delete(name);
        for (const one of Array.isArray(value) ? value : [value]) body.append(name, one);
      }
      return app.request(path, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: PUBLIC_ORIGIN,
          cookie,
          ...headers,
        },
        body: body.toString(),
      });
    },
  };
}

/** The text of an HTML page with tags removed and whitespace folded, for asserting what a reader sees. */
export function visibleText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ")
    .trim();
}
