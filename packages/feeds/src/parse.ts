import type { FeedError, RawEntry } from "@treatywatch/core";
import Parser from "rss-parser";
import { CharsetError, decodeBody } from "./charset.ts";

export interface ParsedFeed {
  format: "rss" | "atom" | "json";
  title?: string | undefined;
  link?: string | undefined;
  /** RSS <ttl>, in minutes, when the feed gives one. */
  ttlMinutes?: number | undefined;
  entries: RawEntry[];
}

export type ParseResult = { ok: true; feed: ParsedFeed } | { ok: false; error: FeedError };

type XmlText = string | { _?: string; $?: Record<string, string> };

interface XmlItem {
  title?: string;
  link?: string;
  guid?: string;
  id?: string;
  pubDate?: string;
  isoDate?: string;
  content?: string;
  contentSnippet?: string;
  "content:encoded"?: string;
  summary?: string;
  creator?: string;
  author?: string;
  source?: XmlText;
  "dc:language"?: string;
}

interface XmlFeed {
  title?: string;
  link?: string;
  ttl?: string;
  language?: string;
}

const parser = new Parser<XmlFeed, XmlItem>({
  customFields: { feed: ["ttl", "language"], item: ["source", "summary", "dc:language"] },
});

function textOf(value: XmlText | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : value._;
}

function parseError(message: string): ParseResult {
  return { ok: false, error: { kind: "parse", message } };
}

export interface ParseOptions {
  /** The URL the feed was fetched from: relative links resolve against it (and any xml:base). */
  url?: string | undefined;
}

/** Resolves a link against a base; a link that cannot be resolved is dropped, not guessed. */
function resolveLink(link: string | undefined, base: string | undefined): string | undefined {
  const trimmed = link?.trim();
  if (!trimmed) return undefined;
  try {
    return base ? new URL(trimmed, base).toString() : new URL(trimmed).toString();
  } catch {
    return base ? undefined : trimmed;
  }
}

/** The base for relative links: the root element's xml:base, resolved against the feed URL. */
function xmlBase(head: string, url: string | undefined): string | undefined {
  const declared = /<(?:rss|feed|channel|rdf:RDF)\b[^>]*\bxml:base\s*=\s*["']([^"']*)["']/i.exec(head)?.[1];
  if (!declared) return url;
  return resolveLink(declared, url) ?? url;
}

async function parseXml(text: string, options: ParseOptions): Promise<ParseResult> {
  const head = text.slice(0, 2048).toLowerCase();
  if (/<!doctype\s+html|<html[\s>]/.test(head)) return parseError("an HTML page, not a feed");
  if (/<!doctype[^>]*\[/.test(head) || /<!entity/i.test(text.slice(0, 65_536))) {
    return parseError("document type declarations with entities are refused");
  }
  let parsed: Awaited<ReturnType<typeof parser.parseString>>;
  try {
    parsed = await parser.parseString(text);
  } catch (error) {
    return parseError(error instanceof Error ? error.message : String(error));
  }
  const format = /<feed[\s>]/.test(head) ? "atom" : "rss";
  const base = xmlBase(text.slice(0, 4096), options.url);
  const ttl = Number(parsed.ttl);
  return {
    ok: true,
    feed: {
      format,
      title: parsed.title?.trim() || undefined,
      link: resolveLink(parsed.link, base),
      ttlMinutes: Number.isFinite(ttl) && ttl > 0 ? ttl : undefined,
      entries: parsed.items.map((item) => ({
        guid: item.guid ?? item.id,
        link: resolveLink(item.link, base),
        title: item.title,
        summary: item.summary ?? item.content,
        contentHtml: item["content:encoded"],
        published: item.pubDate ?? item.isoDate,
        author: item.creator ?? item.author,
        outlet: textOf(item.source)?.trim() || undefined,
        language: item["dc:language"] ?? parsed.language,
      })),
    },
  };
}

interface JsonFeedItem {
  id?: unknown;
  url?: unknown;
  external_url?: unknown;
  title?: unknown;
  summary?: unknown;
  content_html?: unknown;
  content_text?: unknown;
  date_published?: unknown;
  date_modified?: unknown;
  language?: unknown;
  authors?: Array<{ name?: unknown }>;
  author?: { name?: unknown };
}

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

function parseJsonFeed(text: string, options: ParseOptions): ParseResult {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return parseError(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof document !== "object" || document === null) return parseError("JSON Feed must be an object");
  const feed = document as {
    version?: unknown;
    title?: unknown;
    home_page_url?: unknown;
    items?: unknown;
    language?: unknown;
  };
  if (typeof feed.version !== "string" || !feed.version.startsWith("https://jsonfeed.org/version/")) {
    return parseError("not a JSON Feed: missing or unknown version");
  }
  if (!Array.isArray(feed.items)) return parseError("JSON Feed has no items array");
  const entries = (feed.items as JsonFeedItem[])
    .filter((item) => typeof item === "object" && item !== null)
    .map((item) => ({
      guid: str(item.id) ?? (typeof item.id === "number" ? String(item.id) : undefined),
      link: resolveLink(str(item.url) ?? str(item.external_url), options.url),
      title: str(item.title),
      summary: str(item.summary) ?? str(item.content_text),
      contentHtml: str(item.content_html),
      published: str(item.date_published) ?? str(item.date_modified),
      author: str(item.authors?.[0]?.name) ?? str(item.author?.name),
      language: str(item.language) ?? str(feed.language),
    }));
  return {
    ok: true,
    feed: { format: "json", title: str(feed.title), link: str(feed.home_page_url), entries },
  };
}

/** Parses an RSS, Atom or JSON Feed body. Never throws: a bad feed is a typed parse error. */
export async function parseFeed(
  body: Uint8Array | string,
  contentType?: string,
  options: ParseOptions = {},
): Promise<ParseResult> {
  let text: string;
  try {
    text = typeof body === "string" ? body : decodeBody(body, contentType);
  } catch (error) {
    if (error instanceof CharsetError) return parseError(error.message);
    throw error;
  }
  const trimmed = text.trimStart();
  if (trimmed.length === 0) return parseError("empty body");
  if (/json/i.test(contentType ?? "") || trimmed.startsWith("{")) return parseJsonFeed(trimmed, options);
  return parseXml(trimmed, options);
}
