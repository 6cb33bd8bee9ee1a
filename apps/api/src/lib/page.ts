import { z } from "@hono/zod-openapi";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** A small self-contained HTML page, for people following links from an email. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><link rel="icon" href="data:,"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}
button{font:inherit;padding:.5rem 1.25rem;border-radius:.375rem;border:1px solid #444;background:#222;color:#fff;cursor:pointer}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

/** A page whose button POSTs back to the same link, so a GET (or a mail scanner) changes nothing. */
export function buttonPage(title: string, text: string, action: string, fields: Record<string, string>, label: string) {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("");
  return htmlPage(
    title,
    `<p>${escapeHtml(text)}</p><form method="post" action="${escapeHtml(action)}">${inputs}<button type="submit">${escapeHtml(label)}</button></form>`,
  );
}

export const HtmlResponse = { "text/html": { schema: z.string() } };

export const TokenQuery = z.object({
  token: z
    .string()
    .regex(/^[A-Za-z0-9_-]{20,128}$/, "a token from a link treatywatch sent")
    .openapi({ param: { name: "token", in: "query" } }),
});
