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

async function parseXml(text: string): Promise<ParseResult> {
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
  const ttl = Number(parsed.ttl);
  return {
    ok: true,
    feed: {
      format,
      title: parsed.title?.trim() || undefined,
      link: parsed.link,
      ttlMinutes: Number.isFinite(ttl) && ttl > 0 ? ttl : undefined,
      entries: parsed.items.map((item) => ({
        guid: item.guid ?? item.id,
        link: item.link,
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

function parseJsonFeed(text: string): ParseResult {
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
      link: str(item.url) ?? str(item.external_url),
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
export async function parseFeed(body: Uint8Array | string, contentType?: string): Promise<ParseResult> {
  let text: string;
  try {
    text = typeof body === "string" ? body : decodeBody(body, contentType);
  } catch (error) {
    if (error instanceof CharsetError) return parseError(error.message);
    throw error;
  }
  const trimmed = text.trimStart();
  if (trimmed.length === 0) return parseError("empty body");
  if (/json/i.test(contentType ?? "") || trimmed.startsWith("{")) return parseJsonFeed(trimmed);
  return parseXml(trimmed);
}
