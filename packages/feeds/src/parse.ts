import type { FeedDamage, FeedError, RawEntry } from "@treatywatch/core";
// From their modules rather than the package's index: the fetch stage loads this file only for
// a feed with content, and a bundle must not have to load all of core with it.
import { feedError, oneLineReason } from "@treatywatch/core/feed-error";
import { parserText } from "@treatywatch/core/parser-output";
import { foldWhitespace, htmlToText, looksLikeHtml } from "@treatywatch/core/text";
import Parser from "rss-parser";
import { decodeBody } from "./charset.ts";

/** One entry as the parsers below hand it on: every field read as text or nothing. */
export type FeedEntry = { [Field in keyof RawEntry]?: string | undefined };

export interface ParsedFeed {
  format: "rss" | "atom" | "json";
  title?: string | undefined;
  link?: string | undefined;
  /** RSS <ttl>, in minutes, when the feed gives one. */
  ttlMinutes?: number | undefined;
  entries: FeedEntry[];
  /** What decoding the body had to repair (invalid bytes replaced, a character set guessed), if anything. */
  damage?: FeedDamage | undefined;
}

export type ParseResult = { ok: true; feed: ParsedFeed } | { ok: false; error: FeedError };

/** The fields read from rss-parser's output, each untrusted: a string, an object, an array or nothing. */
interface XmlItem {
  title?: unknown;
  link?: unknown;
  guid?: unknown;
  id?: unknown;
  pubDate?: unknown;
  isoDate?: unknown;
  content?: unknown;
  "content:encoded"?: unknown;
  summary?: unknown;
  description?: unknown;
  body?: unknown;
  creator?: unknown;
  author?: unknown;
  source?: unknown;
  "dc:language"?: unknown;
  /** The entry's own xml:base, as written. */
  base?: unknown;
  /** An Atom entry's own xml:lang, as written ("" says it has none). */
  lang?: unknown;
}

interface XmlFeed {
  title?: unknown;
  link?: unknown;
  ttl?: unknown;
  language?: unknown;
}

type XmlNode = Record<string, unknown>;

/**
 * An Atom `<link>` as rss-parser reads it: attributes under `$`, the URL in `href`. A bare
 * `<link>URL</link>`, or Atom 0.3's `<link rel="alternate">URL</link>`, gets its URL as `href`.
 */
function atomLinks(links: unknown): unknown {
  if (!Array.isArray(links)) return undefined;
  return links.map((link) => {
    const attributes = typeof link === "object" && link !== null ? (link as XmlNode).$ : undefined;
    if (typeof attributes === "object" && attributes !== null && "href" in attributes) return link;
    return { $: { ...(typeof attributes === "object" ? attributes : {}), href: parserText(link) } };
  });
}

/** An Atom link as rss-parser reads it, with `rel="alternate"` where it names no rel. */
function withAlternateRel(link: unknown): unknown {
  const attributes = (link as XmlNode).$ as XmlNode;
  return attributes.rel === undefined ? { ...(link as XmlNode), $: { ...attributes, rel: "alternate" } } : link;
}

/**
 * The href of an entry's own page among its Atom links: the first whose rel is `alternate`,
 * else the first with no rel (which means alternate too), never an enclosure or a self link.
 */
function alternateHref(links: unknown): string | undefined {
  if (!Array.isArray(links)) return undefined;
  let unnamed: string | undefined;
  for (const link of links) {
    const attributes = typeof link === "object" && link !== null ? (link as XmlNode).$ : undefined;
    if (typeof attributes !== "object" || attributes === null) continue;
    const { rel, href } = attributes as XmlNode;
    const url = parserText(href);
    if (!url) continue;
    if (rel === "alternate") return url;
    if (rel === undefined) unnamed ??= url;
  }
  return unnamed;
}

/** A feed's own address by its path or query: `/feed/`, `/rss`, `index.xml`, `news.rss`, `?feed=rss2`, `?alt=rss`. */
const FEED_PATH = /(?:\.(?:xml|rss|rdf|atom)|\/(?:feeds?|rss\d*|atom|rdf)(?:\.\w+)?)\/?$/i;
const FEED_QUERY = /[?&](?:feed|format|type|alt)=(?:rss|atom|rdf|feed)/i;

/** Whether a link is a feed's own address: the URL the feed was fetched from, or a feed's path. */
function isFeedAddress(href: string, fetchedUrl: string | undefined): boolean {
  const url = resolveLink(href, fetchedUrl) ?? href;
  if (fetchedUrl !== undefined && url === resolveLink(fetchedUrl, undefined)) return true;
  const [, path = "", query = ""] = /^([^?#]*)(\?[^#]*)?/.exec(url) ?? [];
  return FEED_PATH.test(path) || FEED_QUERY.test(query);
}

/**
 * The href of an RSS channel's site among its atom:links: the first alternate, else the first
 * without rel that is not the feed itself. Atom reads a link without rel as the alternate, but
 * in an RSS channel it is nearly always the feed's own address written by a generator that left
 * rel out: the URL fetched, or a feed's path, is never taken for the site.
 */
function channelSiteHref(links: unknown, fetchedUrl: string | undefined): string | undefined {
  if (!Array.isArray(links)) return undefined;
  const candidates = links.filter((link) => {
    const attributes = typeof link === "object" && link !== null ? (link as XmlNode).$ : undefined;
    if (typeof attributes !== "object" || attributes === null) return false;
    const { rel, href } = attributes as XmlNode;
    const url = parserText(href);
    return rel !== undefined || (url !== undefined && !isFeedAddress(url, fetchedUrl));
  });
  return alternateHref(candidates);
}

/** An http(s) URL given as text, trimmed, or nothing. */
function webUrl(value: unknown): string | undefined {
  const text = parserText(value)?.trim();
  return text && /^https?:\/\//i.test(text) ? text : undefined;
}

/** Atom's text types: a text construct of one of these (or of none) holds text, not markup. */
const ATOM_TEXT_TYPES = new Set(["text", "text/plain"]);

/**
 * An Atom text construct (title, summary, content) as the entry field carries it: markup for
 * `html` and `xhtml`, and for `text` (the default) the text escaped, so that reading the field
 * as HTML gives back the text as written ("AT&T <S>", not "AT&T").
 */
function atomTextConstruct(value: unknown): unknown {
  const construct = constructOf(value);
  if (!construct) return value;
  const { element, type, mode } = construct;
  if (isBase64(type, mode)) {
    const decoded = fromBase64(parserText(element));
    if (decoded === BINARY) return undefined;
    // What is not base64 after all (Atom 0.3 content of such a type is XML by default) is read as written.
    if (decoded !== undefined) return isTextType(type) ? escapeText(decoded) : decoded;
  }
  if (!isTextType(type)) return value;
  // Atom 0.3's content and summary may be escaped by `mode`: left to the HTML reading.
  if (mode !== undefined) return value;
  const text = parserText(element);
  return text === undefined ? value : escapeText(text);
}

/** A media type without its parameters (`; charset=utf-8`), lower case. */
function mediaType(type: string): string {
  return (type.split(";")[0] ?? "").trim().toLowerCase();
}

/** Whether a text construct of this `type` (or of none) holds text, not markup. */
function isTextType(type: unknown): boolean {
  return type === undefined || (typeof type === "string" && ATOM_TEXT_TYPES.has(mediaType(type)));
}

/** Text as HTML that reads back as that text. */
function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * A field that is nominally plain text but routinely written as HTML (RSS titles, JSON Feed's
 * title, summary and content_text) as the entry field carries it: as written where it looks like
 * HTML, else escaped as an Atom text construct is, so that reading the field as HTML decodes its
 * entities once ("AT&T", "?page=1&copy=2") and HTML escaped twice ("&amp;amp;") reads as HTML.
 */
function textOrHtml(value: unknown): string | undefined {
  const text = parserText(value);
  return text === undefined || looksLikeHtml(text) ? text : escapeText(text);
}

/** A text construct's element as xml2js gives it, with its `type` and `mode` attributes. */
function constructOf(value: unknown): { element: unknown; type: unknown; mode: unknown } | undefined {
  const element = Array.isArray(value) ? (value[0] as unknown) : value;
  if (typeof element !== "string" && (typeof element !== "object" || element === null)) return undefined;
  const attributes = typeof element === "object" ? (element as XmlNode).$ : undefined;
  if (typeof attributes !== "object" || attributes === null) return { element, type: undefined, mode: undefined };
  return { element, type: (attributes as XmlNode).type, mode: (attributes as XmlNode).mode };
}

/** Media types whose Atom content is written as itself: text, and XML (RFC 4287, 4.1.3.3). */
const WRITTEN_AS_ITSELF = /^(?:text|html|xhtml|text\/.*|.*[/+]xml)$/;

/**
 * Whether a text construct is base64: Atom 0.3 says so with `mode="base64"`, and Atom 1.0
 * content of a media type that is neither text nor XML is base64 by definition.
 */
function isBase64(type: unknown, mode: unknown): boolean {
  if (typeof mode === "string") return mode.trim().toLowerCase() === "base64";
  return typeof type === "string" && type.includes("/") && !WRITTEN_AS_ITSELF.test(mediaType(type));
}

/** What `fromBase64` gives for base64 whose bytes are no UTF-8 text: an image, say, with no words to read. */
const BINARY = Symbol("binary");

/**
 * Base64 text decoded as UTF-8; undefined for what is not base64 at all. Text cut short (field
 * text is capped before it is read) is decoded up to its last whole character.
 */
function fromBase64(text: string | undefined): string | typeof BINARY | undefined {
  const compact = text?.replace(/\s+/g, "") ?? "";
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  const whole = compact.slice(0, compact.length - (compact.length % 4));
  if (whole === "") return undefined;
  try {
    // Streaming, an unfinished last character is held back rather than refused.
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(whole, "base64"), { stream: true });
  } catch {
    return BINARY;
  }
}

/** The document with an empty channel where it has none. */
function withChannel<Root extends string, Document extends Record<Root, XmlNode>>(
  document: Document,
  root: Root,
): Document {
  const node: XmlNode = typeof document[root] === "object" && document[root] !== null ? document[root] : {};
  return Array.isArray(node.channel) && node.channel.length > 0
    ? document
    : { ...document, [root]: { ...node, channel: [{}] } };
}

/**
 * An RSS document with the items written directly under `<rss>`, outside its channel or with
 * none, read as the channel's, after its own: readers take them, and rss-parser looks only in
 * the channel.
 */
function withStrayItems(document: { rss: XmlNode }): { rss: XmlNode } {
  const withOne = withChannel(document, "rss");
  const stray = withOne.rss.item;
  if (!Array.isArray(stray) || stray.length === 0) return withOne;
  const [first, ...others] = withOne.rss.channel as XmlNode[];
  const own = Array.isArray(first?.item) ? first.item : [];
  return {
    ...withOne,
    rss: { ...withOne.rss, channel: [{ ...first, item: withoutRepeats(own, stray) }, ...others] },
  };
}

/** What tells an item apart as written: its guid, its rdf:about and its link. */
function writtenIdentity(item: unknown): string[] {
  if (typeof item !== "object" || item === null) return [];
  const node = item as XmlNode;
  const about = typeof node.$ === "object" && node.$ !== null ? (node.$ as XmlNode)["rdf:about"] : undefined;
  return [parserText(node.guid), parserText(about), parserText(node.link)].flatMap((value, at) =>
    value?.trim() ? [`${at}:${value.trim()}`] : [],
  );
}

/**
 * Items from one place followed by those from another that are not the same items again: a
 * document that writes its items both inside and beside its channel has each read once, so
 * that its guids and links still tell them apart.
 */
function withoutRepeats(first: readonly unknown[], second: readonly unknown[]): unknown[] {
  const known = new Set(first.flatMap(writtenIdentity));
  return [...first, ...second.filter((item) => !writtenIdentity(item).some((key) => known.has(key)))];
}

/**
 * An RSS 1.0 document with the items written inside its channel read before those beside it:
 * RSS 1.0 puts them beside the channel, where rss-parser alone looks, and readers take both.
 */
function withChannelItems(document: { "rdf:RDF": XmlNode }): { "rdf:RDF": XmlNode } {
  const withOne = withChannel(document, "rdf:RDF");
  const root = withOne["rdf:RDF"];
  const inside = (root.channel as XmlNode[])[0]?.item;
  if (!Array.isArray(inside) || inside.length === 0) return withOne;
  const beside = Array.isArray(root.item) ? root.item : [];
  return { ...withOne, "rdf:RDF": { ...root, item: withoutRepeats(inside, beside) } };
}

/** An entry's Media RSS element, written directly or inside its media:group. */
function mediaElement(node: XmlNode, name: "media:title" | "media:description"): unknown {
  if (node[name] !== undefined) return node[name];
  const group = Array.isArray(node["media:group"]) ? (node["media:group"][0] as unknown) : undefined;
  return typeof group === "object" && group !== null ? (group as XmlNode)[name] : undefined;
}

/** An element's own xml:base attribute, as written. */
function xmlBaseOf(node: XmlNode): string | undefined {
  const attributes = node.$;
  return typeof attributes === "object" && attributes !== null
    ? parserText((attributes as XmlNode)["xml:base"])
    : undefined;
}

/** An element's own xml:lang attribute, as written: "" (no language) is kept apart from none given. */
function xmlLangOf(node: XmlNode): string | undefined {
  const attributes = node.$;
  const lang = typeof attributes === "object" && attributes !== null ? (attributes as XmlNode)["xml:lang"] : undefined;
  return typeof lang === "string" ? lang.trim() : undefined;
}

/**
 * rss-parser, made to read what it would throw on: it reads every Atom `<link>`'s attributes
 * without checking there are any, and turns Atom dates with `toISOString`, which throws on a
 * date it cannot parse. Either would lose the whole feed for one odd entry, so links are
 * given the shape it expects and dates are handed on as written (normalising checks them).
 */
class TolerantParser extends Parser<XmlFeed, XmlItem> {
  /** The URL the feed was fetched from, which an RSS channel's atom:link without rel names more often than its site. */
  readonly fetchedUrl: string | undefined;

  constructor(options: Parser.ParserOptions<XmlFeed, XmlItem>, fetchedUrl: string | undefined) {
    super(options);
    this.fetchedUrl = fetchedUrl;
  }

  // An <rss> (or RDF) document without a <channel> is an empty feed, not a TypeError.
  buildRSS0_9(document: { rss: XmlNode }): unknown {
    return (Parser.prototype as unknown as TolerantParser).buildRSS0_9.call(this, withStrayItems(document));
  }

  buildRSS2(document: { rss: XmlNode }): unknown {
    return (Parser.prototype as unknown as TolerantParser).buildRSS2.call(this, withStrayItems(document));
  }

  buildRSS1(document: { "rdf:RDF": XmlNode }): unknown {
    return (Parser.prototype as unknown as TolerantParser).buildRSS1.call(this, withChannelItems(document));
  }

  buildRSS(channel: XmlNode, items: unknown): XmlNode {
    const built = (Parser.prototype as unknown as TolerantParser).buildRSS.call(this, channel, items);
    // A channel's site is its first <link> that gives a URL as text (parserText reads the first
    // of several that says something), else a <link href> written the Atom way or an alternate
    // atom:link; a self link is the feed, never the site.
    if (!parserText(built.link)?.trim())
      built.link =
        parserText(channel.link)?.trim() ||
        alternateHref(channel.link) ||
        channelSiteHref(channel["atom:link"], this.fetchedUrl);
    if (built.title !== undefined) built.title = textOrHtml(built.title);
    return built;
  }

  buildAtomFeed(document: { feed: XmlNode }): unknown {
    // A link without rel is the feed's alternate (RFC 4287), so a self link before it is not
    // taken for the site.
    const links = atomLinks(document.feed.link);
    const feed = { ...document.feed, link: Array.isArray(links) ? links.map(withAlternateRel) : links };
    const built = (Parser.prototype as unknown as TolerantParser).buildAtomFeed.call(this, { ...document, feed });
    // Atom says its language with xml:lang on the feed, where RSS has a <language>.
    const lang = xmlLangOf(document.feed);
    if (lang && !parserText((built as XmlNode).language)) (built as XmlNode).language = lang;
    const title = (feed as XmlNode).title;
    // A text construct read as an entry's title is: text escaped, base64 decoded.
    return title === undefined ? built : { ...(built as XmlNode), title: atomTextConstruct(title) };
  }

  parseItemAtom(entry: XmlNode | string): XmlNode {
    const node: XmlNode = typeof entry === "object" && entry !== null ? entry : {};
    // Text constructs are read below, not by rss-parser: it would rebuild their markup and make
    // a snippet of the content with patterns that take minutes on a long enough field.
    const { published, updated, issued, modified, created, title, summary, content, ...rest } = node;
    const item = (Parser.prototype as unknown as TolerantParser).parseItemAtom.call(this, {
      ...rest,
      link: atomLinks(node.link),
    });
    item.base = xmlBaseOf(node);
    item.lang = xmlLangOf(node);
    // An entry's <source> is the feed it came from: its outlet is that feed's title (a text
    // construct like any other), not every word of the element run together.
    const source = Array.isArray(node.source) ? (node.source[0] as unknown) : node.source;
    if (typeof source === "object" && source !== null) item.source = atomTextConstruct((source as XmlNode).title);
    // Atom 1.0 dates, then Atom 0.3's, as the feed wrote them.
    const date = [published, issued, updated, modified, created].map(parserText).find(Boolean);
    if (date) item.pubDate = date;
    // The elements themselves, for parserText: rss-parser keeps only the text before the first
    // child element of a title or summary with markup in it ("Example <b>Atom</b>" → "Example ").
    for (const field of ["title", "summary", "content"] as const)
      if (node[field] !== undefined) item[field] = atomTextConstruct(node[field]);
    // Media RSS only where the entry says nothing itself: a YouTube channel's feed gives a
    // video's words in its media:group alone.
    if (node.title === undefined) item.title = textOrHtml(mediaElement(node, "media:title"));
    if (node.summary === undefined && node.content === undefined)
      item.summary = mediaElement(node, "media:description");
    // Beside a summary, the content is the entry's body: kept, it stands in for a summary
    // with no words (a thumbnail alone), as an RSS item's content:encoded does.
    if (node.summary !== undefined && node.content !== undefined) item.body = item.content;
    // The article itself rather than FeedBurner's redirect to it; else the entry's own page (a
    // link whose rel is alternate or absent, wherever it stands among its enclosures and self
    // links); else its id where the id is a web address; else whatever link it has.
    item.link =
      webUrl(node["feedburner:origLink"]) ?? alternateHref(atomLinks(node.link)) ?? webUrl(node.id) ?? item.link;
    return item;
  }

  parseItemRss(entry: XmlNode | string, fields: unknown): XmlNode {
    const node: XmlNode = typeof entry === "object" && entry !== null ? entry : {};
    // The description is read below, not by rss-parser (see parseItemAtom).
    const { description, ...rest } = node;
    const item = (Parser.prototype as unknown as TolerantParser).parseItemRss.call(this, rest, fields);
    // What rss-parser leaves out, in the order a reader would look: Dublin Core, Atom and
    // (last) Media RSS titles, dates and bodies, XHTML bodies and early RSS's <fullitem>, an
    // RSS 1.0 item's rdf:about as its id, and a permalink GUID as the link of an item that has none.
    // RSS's own titles are text that is often HTML; an atom:title is a text construct.
    const title = item.title ?? node["dc:title"];
    item.title =
      title === undefined && node["atom:title"] !== undefined
        ? atomTextConstruct(node["atom:title"])
        : textOrHtml(title ?? mediaElement(node, "media:title"));
    // After dc:creator and the item's own <author>: a podcast names its episode's author in
    // itunes:author, and some feeds write dc:author (not Dublin Core's, but read by others).
    item.author ??= node["itunes:author"] ?? node["dc:author"];
    const date = [
      "pubDate",
      "dc:date",
      "dcterms:issued",
      "dcterms:created",
      "dcterms:modified",
      "atom:published",
      "atom:updated",
    ]
      .map((field) => parserText(node[field]))
      .find(Boolean);
    if (date) item.pubDate = date;
    item.body = node["xhtml:body"] ?? node.body ?? node["atom:content"] ?? node.fullitem;
    // A podcast episode's words are often only in its iTunes or Google Play fields; where it has
    // content, that says more than they do (a subtitle is a line).
    const content = node["content:encoded"] ?? item.body;
    item.description =
      description ??
      node["dc:description"] ??
      node["atom:summary"] ??
      (content === undefined
        ? (node["itunes:summary"] ??
          node["googleplay:description"] ??
          node["itunes:subtitle"] ??
          mediaElement(node, "media:description"))
        : undefined);
    item.base = xmlBaseOf(node);
    item.guid ??= parserText(node.$ && (node.$ as XmlNode)["rdf:about"]);
    const guid = Array.isArray(node.guid) ? (node.guid[0] as unknown) : undefined;
    const permalink = typeof guid === "object" && guid !== null ? (guid as XmlNode).$ : undefined;
    const isPermaLink = (permalink as XmlNode | undefined)?.isPermaLink !== "false";
    const guidText = parserText(guid);
    // The first <link> that gives its URL as text, as RSS writes it; else one written the Atom
    // way (<link href="…"/>), never a self link; an empty <link></link> is no link.
    if (!parserText(item.link)?.trim()) item.link = parserText(node.link)?.trim() || alternateHref(node.link);
    if (!item.link && isPermaLink && guidText && /^https?:\/\//i.test(guidText)) item.link = guidText;
    if (!item.link) item.link = alternateHref(node["atom:link"]);
    // The article itself rather than FeedBurner's redirect to it.
    item.link = webUrl(node["feedburner:origLink"]) ?? item.link;
    return item;
  }
}

const PARSER_OPTIONS: Parser.ParserOptions<XmlFeed, XmlItem> = {
  // An <rss> without a version is read as RSS 2.0, as readers and browsers do.
  defaultRSS: 2,
  customFields: { feed: ["ttl", "language"], item: ["source", "summary", "dc:language"] },
};

/**
 * One document read by a parser of its own: the XML parser inside rss-parser keeps state
 * from a document that failed, and would then pass the next document's faults over.
 */
function parseDocument(text: string, fetchedUrl: string | undefined): ReturnType<TolerantParser["parseString"]> {
  return new TolerantParser(PARSER_OPTIONS, fetchedUrl).parseString(text);
}

/** A field as one line of plain text (markup stripped, entities decoded), or nothing. */
function plainText(value: unknown): string | undefined {
  return foldWhitespace(htmlToText(parserText(value) ?? "")) || undefined;
}

function parseError(reason: unknown): ParseResult {
  return { ok: false, error: feedError("parse", reason) };
}

export interface ParseOptions {
  /** The URL the feed was fetched from: relative links resolve against it (and any xml:base). */
  url?: string | undefined;
}

/** Resolves a link against a base; a link that cannot be resolved is dropped, not guessed. */
function resolveLink(link: unknown, base: string | undefined): string | undefined {
  const trimmed = parserText(link)?.trim();
  if (!trimmed) return undefined;
  try {
    return base ? new URL(trimmed, base).toString() : new URL(trimmed).toString();
  } catch {
    return base ? undefined : trimmed;
  }
}

/** The base for relative links: the root element's xml:base, resolved against the feed URL. */
function xmlBase(head: string, url: string | undefined): string | undefined {
  const declared = /<(?:[\w.-]+:)?(?:rss|feed|channel|RDF)\b[^>]*\bxml:base\s*=\s*["']([^"']*)["']/i.exec(head)?.[1];
  if (!declared) return url;
  return resolveLink(declared, url) ?? url;
}

/**
 * Elements whose content is text or markup for a reader, never feed structure: Atom text
 * constructs (title, subtitle, summary, content, rights) and RSS titles, descriptions and
 * bodies (content:encoded, xhtml:body, early RSS's fullitem), under any prefix. A CDATA
 * section or comment is matched too, to be stepped over whole.
 */
const MARKUP_HOLDER =
  /<!\[CDATA\[|<!--|<((?:[\w.-]+:)?(?:title|subtitle|summary|content|rights|description|encoded|body|fullitem))(\s[^<>]*?)?(\/?)>/g;
const XHTML_TYPE = /\btype\s*=\s*["'](?:xhtml|application\/xhtml\+xml)["']/;
/** An element in markup, outside CDATA: `<name` or `</name`. */
const ELEMENT = /<\/?[A-Za-z]/;
/** A CDATA section; one left open runs to the end of the text, so removing them all is one pass. */
const CDATA = /<!\[CDATA\[[\s\S]*?(?:\]\]>|$)/g;
/** What a field's close is looked for past: a CDATA section or a comment may hold any text. */
const OPAQUE = /<!\[CDATA\[|<!--/g;
/**
 * Field names looked for to the end of the text and never closed, after which the rest of the
 * text is left as it is: each such search reads the text to its end once.
 */
const UNCLOSED_NAMES_KEPT = 32;

/** An element's `type` attribute, as written. */
const TYPE_ATTRIBUTE = /(^|\s)type\s*=\s*(?:"[^"]*"|'[^']*')/;

/** An element's attributes with its type made `html`. */
function asHtmlType(attributes: string): string {
  return TYPE_ATTRIBUTE.test(attributes)
    ? attributes.replace(TYPE_ATTRIBUTE, '$1type="html"')
    : `${attributes} type="html"`;
}

/**
 * Markup as escaped text. Inline xhtml is escaped whole: its entities are its own. Elements
 * left unescaped in an HTML field (a wrapping `<div>` around escaped HTML, tags in an RSS
 * description) lose only their angle brackets: the entities between them are the field's
 * escaping of the HTML it carries, and are read as XML reads them.
 */
function escapeMarkup(markup: string, xhtml: boolean): string {
  return (xhtml ? markup.replace(/&/g, "&amp;") : markup).replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Markup written as elements inside a text field (Atom's `type="xhtml"`, or HTML left
 * unescaped in an RSS description) handed to the XML parser as escaped text, as
 * `type="html"` would carry it: read as elements, its words would come back out of order
 * (xml2js keeps an element's text apart from its children, and children by name), and
 * markup such as `&nbsp;` would stop the whole feed. Runs in linear time: each field's close
 * is looked for once, past any CDATA section or comment it holds (`<![CDATA[…</description>…]]>`
 * closes nothing), a name never closed is not looked for again, and after a bounded number of
 * such names the rest of the text is left as written.
 */
function markupAsText(text: string, atom: boolean): string {
  const pieces: string[] = [];
  const unclosed = new Set<string>();
  let copied = 0;
  // The first CDATA section or comment at or after a point, found by a search from `searchedFrom`
  // (-1 before the first) that found `opaque` (-1 for none): while fields are read in order, each
  // section is found once however many fields are looked through.
  let searchedFrom = -1;
  let opaque = -1;
  const nextOpaque = (from: number): number => {
    if (searchedFrom !== -1 && searchedFrom <= from && (opaque === -1 || opaque >= from)) return opaque;
    OPAQUE.lastIndex = from;
    opaque = OPAQUE.exec(text)?.index ?? -1;
    searchedFrom = from;
    return opaque;
  };
  // Where a field opened just before `from` closes, or -1: a close inside a CDATA section or a
  // comment closes nothing, so the search goes on past it.
  const closeOf = (name: string, from: number): number => {
    const close = `</${name}`;
    let at = from;
    let end = text.indexOf(close, at);
    while (end >= 0) {
      const skip = nextOpaque(at);
      if (skip < 0 || skip > end) return end;
      const after = text.indexOf(text.startsWith("<!--", skip) ? "-->" : "]]>", skip + 4);
      // A section left open is text like any other: it hides no close.
      if (after < 0) return end;
      at = after + 3;
      if (end < at) end = text.indexOf(close, at);
    }
    return -1;
  };
  MARKUP_HOLDER.lastIndex = 0;
  for (let match = MARKUP_HOLDER.exec(text); match; match = MARKUP_HOLDER.exec(text)) {
    const [opening, name, attributes = "", selfClosing] = match;
    if (!name) {
      // A CDATA section or comment: stepped over, so nothing in it is taken for an element.
      const end = text.indexOf(opening === "<!--" ? "-->" : "]]>", MARKUP_HOLDER.lastIndex);
      if (end < 0) break;
      MARKUP_HOLDER.lastIndex = end + 3;
      continue;
    }
    if (selfClosing || unclosed.has(name)) continue;
    const start = MARKUP_HOLDER.lastIndex;
    const end = closeOf(name, start);
    if (end < 0) {
      unclosed.add(name);
      if (unclosed.size >= UNCLOSED_NAMES_KEPT) break;
      continue;
    }
    const inner = text.slice(start, end);
    const xhtml = XHTML_TYPE.test(attributes);
    if (xhtml || ELEMENT.test(inner.replace(CDATA, ""))) {
      // In Atom the field now carries escaped HTML, and says so: read as `type="text"` (the
      // default) its tags would come back as words.
      const declared = atom && !xhtml ? asHtmlType(attributes) : attributes;
      pieces.push(text.slice(copied, match.index), `<${name}${declared}>`, escapeMarkup(inner, xhtml));
      copied = end;
    }
    MARKUP_HOLDER.lastIndex = end;
  }
  return copied === 0 ? text : pieces.join("") + text.slice(copied);
}

const ATOM_NAMESPACES = ["http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#"];
const RSS_NAMESPACES = ["http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/"];
/** RSS 2.0 has no namespace; UserLand's is the one RSS 2.0 documents under a prefix give. */
const RSS2_NAMESPACES = ["http://backend.userland.com/rss2"];
const OWN_NAMESPACES: Record<string, string[]> = { feed: ATOM_NAMESPACES, RDF: RSS_NAMESPACES, rss: RSS2_NAMESPACES };

/**
 * A document that puts Atom or RSS itself under a prefix (`<atom:feed xmlns:atom=…>`, an
 * `<p0:entry xmlns:p0=…>` in an Atom feed, `<rdf:RDF xmlns:rss=…><rss:item>`, `<r:rss
 * xmlns:r=…>`) with that prefix taken off, as a namespace-aware reader sees it: rss-parser
 * matches element names as written, and would not recognise the feed or would pass the entry
 * over. Only the feed's own namespace: Atom elements inside RSS (`atom:link`) stay as they are.
 */
function withoutFeedPrefix(text: string, head: string): string {
  const root = /<(?:[\w.-]+:)?(feed|RDF|rss)\b/.exec(head);
  const own = OWN_NAMESPACES[root?.[1] ?? ""];
  if (!own || !text.includes("xmlns:")) return text;
  const prefixes = new Set(
    [...text.matchAll(/\bxmlns:([\w.-]+)\s*=\s*["']([^"']*)["']/g)]
      .filter(([, , uri]) => own.includes(uri ?? ""))
      .map(([, prefix]) => prefix),
  );
  if (prefixes.size === 0) return text;
  return text.replace(new RegExp(`<(/?)(?:${[...prefixes].join("|")}):`, "g"), "<$1");
}

/**
 * `&` that starts no character or predefined entity reference (a bare ampersand, or an HTML
 * entity XML does not define), or a CDATA section, whose `&`s are text already.
 */
const BARE_AMPERSAND = /(<!\[CDATA\[[\s\S]*?(?:\]\]>|$))|&(?!(?:#\d+|#x[\da-f]+|amp|lt|gt|quot|apos);)/gi;

/** The text with each bare `&` outside CDATA escaped, and how many there were. */
function escapeBareAmpersands(text: string): { text: string; count: number } {
  let count = 0;
  const escaped = text.replace(BARE_AMPERSAND, (match, cdata: string | undefined) => {
    if (cdata) return match;
    count++;
    return "&amp;";
  });
  return { text: escaped, count };
}

/** What XML parsers say of an ampersand that starts no entity it knows. */
const ENTITY_ERROR = /entity/i;

/** A DOCTYPE as written before the root element: where it stands, and its internal subset's declarations. */
interface Doctype {
  start: number;
  /** Where it ends; nothing where its reading stopped at a declaration that is refused. */
  end: number | undefined;
  /**
   * Its internal subset's markup declarations and parameter entity references, as written, up
   * to the first reference or instruction, or the 65th declaration: the subset is refused there.
   */
  declarations: string[];
}

/** What stands before a document's root element, read as far as it can be. */
interface Prolog {
  /** The root element's name as written; nothing where the prolog could not be read to it. */
  root: string | undefined;
  doctype: Doctype | undefined;
}

/**
 * What may stand before the root element besides a DOCTYPE: white space, comments, the XML
 * declaration and other processing instructions (a stylesheet's).
 */
const PROLOG_MISC = /\s+|<\?[\s\S]*?(?:\?>|$)|<!--[\s\S]*?(?:-->|$)/y;
/** A DOCTYPE up to its internal subset: the root's name and an external DTD's identifiers, never fetched. */
const DOCTYPE_OPENING = /<!DOCTYPE\s+[^\s[>]+(?:\s+(?:SYSTEM|PUBLIC)(?:\s*(?:"[^"]*"|'[^']*')){1,2})?\s*/iy;
/**
 * What an internal subset holds besides its markup declarations: white space, comments,
 * processing instructions and parameter entity references. A comment or instruction left open
 * runs to the end, so that none is looked for again past it.
 */
const SUBSET_FILLER = /\s+|<!--[\s\S]*?(?:-->|$)|<\?[\s\S]*?(?:\?>|$)|%[^\s;]*;/y;
const QUOTE_OR_CLOSE = /["'>]/g;
const DOCTYPE_CLOSE = /\s*>/y;
const ROOT_ELEMENT = /<([^\s/>!?]+)/y;

/**
 * Where a markup declaration opened at `start` (`<!ENTITY …>`) ends, past its `>`, its quoted
 * literals read whole; -1 where it never ends. A loop rather than one expression: a regular
 * expression repeating a group runs out of stack on a subset of megabytes.
 */
function declarationEnd(text: string, start: number): number {
  QUOTE_OR_CLOSE.lastIndex = start;
  for (let found = QUOTE_OR_CLOSE.exec(text); found; found = QUOTE_OR_CLOSE.exec(text)) {
    if (found[0] === ">") return QUOTE_OR_CLOSE.lastIndex;
    const closingQuote = text.indexOf(found[0], QUOTE_OR_CLOSE.lastIndex);
    if (closingQuote < 0) return -1;
    QUOTE_OR_CLOSE.lastIndex = closingQuote + 1;
  }
  return -1;
}

/** A DOCTYPE that opens at `start`, or nothing where it cannot be read to its end. */
function doctypeAt(text: string, start: number): Doctype | undefined {
  DOCTYPE_OPENING.lastIndex = start;
  if (!DOCTYPE_OPENING.test(text)) return undefined;
  let at = DOCTYPE_OPENING.lastIndex;
  const declarations: string[] = [];
  if (text[at] === "[") {
    at++;
    for (;;) {
      SUBSET_FILLER.lastIndex = at;
      if (SUBSET_FILLER.test(text)) {
        const filler = text.slice(at, SUBSET_FILLER.lastIndex);
        // A parameter entity reference or an instruction is kept with the declarations, to be
        // refused, and nothing after it is read.
        if (filler.startsWith("%") || filler.startsWith("<?")) {
          declarations.push(filler);
          return { start, end: undefined, declarations };
        }
        at = SUBSET_FILLER.lastIndex;
      } else if (text.startsWith("<!", at)) {
        const end = declarationEnd(text, at + 2);
        if (end < 0) return undefined;
        declarations.push(text.slice(at, end));
        if (declarations.length > MAX_ENTITIES) return { start, end: undefined, declarations };
        at = end;
      } else break;
    }
    if (text[at] !== "]") return undefined;
    at++;
  }
  DOCTYPE_CLOSE.lastIndex = at;
  return DOCTYPE_CLOSE.test(text) ? { start, end: DOCTYPE_CLOSE.lastIndex, declarations } : undefined;
}

/** The document's prolog: its DOCTYPE, if it has one, and the name of the element after it. */
function prologOf(text: string): Prolog {
  let doctype: Doctype | undefined;
  let at = 0;
  for (;;) {
    PROLOG_MISC.lastIndex = at;
    if (PROLOG_MISC.test(text)) {
      at = PROLOG_MISC.lastIndex;
      continue;
    }
    if (doctype || !/^<!DOCTYPE/i.test(text.slice(at, at + 9))) break;
    doctype = doctypeAt(text, at);
    if (!doctype) return { root: undefined, doctype: undefined };
    if (doctype.end === undefined) return { root: undefined, doctype };
    at = doctype.end;
  }
  ROOT_ELEMENT.lastIndex = at;
  return { root: ROOT_ELEMENT.exec(text)?.[1], doctype };
}

/** The root elements of the feeds we read, under any prefix: RSS, Atom, RSS 1.0's rdf:RDF. */
const FEED_ROOT = /^(?:[\w.-]+:)?(?:rss|feed|RDF)$/;
const HTML_ROOT = /^(?:html|head|body)$/i;
/** An HTML page's signs in its head (lower-cased): HTML leaves out its <html> and <head> tags at will. */
const HTML_SIGNS = /<!doctype\s+html|<html[\s>]/;

/**
 * Whether a document is an HTML page: by its root element (html, head or body), or, where
 * the root is no feed's, by an HTML DOCTYPE or <html> tag in its head. A feed is a feed
 * whatever DOCTYPE it carries (XHTML's, written by a CMS's template).
 */
function isHtmlPage(head: string, root: string | undefined): boolean {
  if (root !== undefined && FEED_ROOT.test(root)) return false;
  return (root !== undefined && HTML_ROOT.test(root)) || HTML_SIGNS.test(head);
}

/** The bounds on what a DOCTYPE's entities may make of a document. */
const MAX_ENTITIES = 64;
const MAX_ENTITY_VALUE = 1_024;
const MAX_ENTITY_GROWTH = 1_048_576;

/** An internal general entity: a name and a quoted value (`<!ENTITY id "tag:example.com,">`). */
const INTERNAL_ENTITY = /^<!ENTITY\s+([^\s%"'>]+)\s+(?:"([^"]*)"|'([^']*)')\s*>$/;
/** XML 1.0's Name production: a reference to anything else (`&#38;`) is no entity's. */
const XML_NAME =
  /^[:A-Z_a-z\u{C0}-\u{D6}\u{D8}-\u{F6}\u{F8}-\u{2FF}\u{370}-\u{37D}\u{37F}-\u{1FFF}\u{200C}-\u{200D}\u{2070}-\u{218F}\u{2C00}-\u{2FEF}\u{3001}-\u{D7FF}\u{F900}-\u{FDCF}\u{FDF0}-\u{FFFD}\u{10000}-\u{EFFFF}][-.0-9:A-Z_a-z\u{B7}\u{C0}-\u{D6}\u{D8}-\u{F6}\u{F8}-\u{37D}\u{37F}-\u{1FFF}\u{200C}-\u{200D}\u{203F}\u{2040}\u{2070}-\u{218F}\u{2C00}-\u{2FEF}\u{3001}-\u{D7FF}\u{F900}-\u{FDCF}\u{FDF0}-\u{FFFD}\u{10000}-\u{EFFFF}]*$/u;
/** The entities XML predefines, each with the one character a declaration of it may give (XML 1.0 §4.6). */
const PREDEFINED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
/**
 * A value, escaped once or twice, that is one character: `>`, `&#62;`, `&#x3E;`, `&#38;#62;`.
 * The character itself is read from its code.
 */
const ONE_CHARACTER = /^(?:&#38;|&#x26;|&)#(?:(\d{1,7})|x([\dA-Fa-f]{1,6}));$/;
/**
 * A value's characters that would not read as themselves in text or an attribute: markup, and
 * line breaks and tabs, which as references keep a fault's line where it is written.
 */
const XML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  "\n": "&#10;",
  "\r": "&#13;",
  "\t": "&#9;",
};

/** Whether an entity value, as declared, is the one character `character`. */
function isCharacter(value: string, character: string): boolean {
  if (value === character) return true;
  const [, decimal, hex] = ONE_CHARACTER.exec(value) ?? [];
  const code = decimal === undefined ? (hex === undefined ? Number.NaN : Number.parseInt(hex, 16)) : Number(decimal);
  return code === character.codePointAt(0);
}

/**
 * The entities an internal subset declares, each value escaped as XML text, or why they are
 * refused: only internal entities of plain text are read, so that no entity is fetched (external
 * and parameter entities) and none expands into others (billion laughs) or into markup.
 */
function internalEntities(declarations: readonly string[]): Map<string, string> | { refused: string } {
  const entities = new Map<string, string>();
  for (const declaration of declarations) {
    if (declaration.startsWith("%") || /^<!ENTITY\s+%/.test(declaration)) return { refused: "a parameter entity (%)" };
    if (!/^<!ENTITY\s/.test(declaration)) return { refused: "a declaration other than an entity" };
    const [, name = "", double, single] = INTERNAL_ENTITY.exec(declaration) ?? [];
    const value = double ?? single;
    if (value === undefined && /\s(?:SYSTEM|PUBLIC)[\s"']/.test(declaration))
      return { refused: "an external entity (SYSTEM or PUBLIC)" };
    if (value === undefined) return { refused: "an entity declaration that cannot be read" };
    if (!XML_NAME.test(name)) return { refused: "an entity whose name is not an XML name" };
    const predefined = PREDEFINED_ENTITIES[name];
    // XML allows a declaration of a predefined entity as its own character, which changes nothing.
    if (predefined !== undefined) {
      if (isCharacter(value, predefined)) continue;
      return { refused: "a declaration of amp, lt, gt, quot or apos other than as its own character" };
    }
    if (/[&<%]/.test(value)) return { refused: "an entity whose value holds a reference or markup (&, < or %)" };
    if (value.length > MAX_ENTITY_VALUE) return { refused: "an entity value longer than 1,024 characters" };
    // Escaped, the value reads as itself in an attribute as in text; the first declaration of a
    // name binds it, as XML has it.
    const escaped = value.replace(/[&<>"'\n\r\t]/g, (char) => XML_ESCAPES[char] ?? char);
    if (!entities.has(name)) entities.set(name, escaped);
  }
  return declarations.length > MAX_ENTITIES ? { refused: "more than 64 entities" } : entities;
}

/**
 * Where XML reads no entity reference: a CDATA section, comment or processing instruction,
 * whose `&`s are text, or a tag's `<`, to be read on (`TAG_PART`); or an entity reference (`&name;`).
 */
const REFERENCE_OR_MARKUP =
  /<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<!--[\s\S]*?(?:-->|$)|<\?[\s\S]*?(?:\?>|$)|<|&([^\s&;<>"'%]+);/g;
/** A tag's name, attribute names and white space, up to an attribute value's quote, its `>`, or a `<` that cuts it short. */
const TAG_PART = /[^"'<>]*/y;
const REFERENCE = /&([^\s&;<>"'%]+);/g;

/**
 * The document without its DOCTYPE, each reference to an entity its internal subset declares
 * replaced by the value in text and attribute values, where XML reads references: never in a
 * CDATA section, comment or processing instruction, nor in a tag's name or an attribute's,
 * where a value would make markup (`<&n;>`) and is left for the parser to refuse. Or why it is
 * refused. The DOCTYPE leaves its line breaks, so that a fault's line is still the line it is
 * written on; an external DTD it names is never fetched. The document may grow by 1 MiB at most.
 */
function withoutDoctype(text: string, doctype: Doctype | undefined): { text: string } | { refused: string } {
  const entities = internalEntities(doctype?.declarations ?? []);
  if ("refused" in entities) return entities;
  const document =
    doctype?.end !== undefined
      ? text.slice(0, doctype.start) +
        text.slice(doctype.start, doctype.end).replace(/[^\n]/g, "") +
        text.slice(doctype.end)
      : text;
  // A DOCTYPE that could not be read, a second one, or a declaration outside any: none is read.
  if (/<!doctype[^>]*\[/i.test(document.slice(0, 2048)) || /<!entity/i.test(document.slice(0, 65_536)))
    return { refused: "a DOCTYPE that cannot be read, or an entity declared outside the DOCTYPE" };
  if (entities.size === 0) return { text: document };
  const pieces: string[] = [];
  let copied = 0;
  let length = document.length;
  /** Replaces a reference found `offset` characters into the document; false where it grows too much. */
  const substitute = (reference: RegExpExecArray, offset: number): boolean => {
    const value = entities.get(reference[1] ?? "");
    if (value === undefined) return true;
    length += value.length - reference[0].length;
    if (length > text.length + MAX_ENTITY_GROWTH) return false;
    pieces.push(document.slice(copied, offset + reference.index), value);
    copied = offset + reference.index + reference[0].length;
    return true;
  };
  const grown = { refused: "entities that grow the document by more than 1 MiB" };
  REFERENCE_OR_MARKUP.lastIndex = 0;
  for (let found = REFERENCE_OR_MARKUP.exec(document); found; found = REFERENCE_OR_MARKUP.exec(document)) {
    if (found[1] !== undefined && !substitute(found, 0)) return grown;
    if (found[0] !== "<") continue;
    // A tag: read to its end, its quoted attribute values alone substituted.
    let at = REFERENCE_OR_MARKUP.lastIndex;
    for (;;) {
      TAG_PART.lastIndex = at;
      TAG_PART.test(document);
      at = TAG_PART.lastIndex;
      const quote = document[at];
      if (quote !== '"' && quote !== "'") break;
      const close = document.indexOf(quote, at + 1);
      // A value never closed: the document is ill-formed, and nothing after it is substituted.
      if (close < 0) return { text: pieces.join("") + document.slice(copied) };
      // The value alone is searched, so that a tag's search never runs on past it.
      for (const reference of document.slice(at + 1, close).matchAll(REFERENCE))
        if (!substitute(reference, at + 1)) return grown;
      at = close + 1;
    }
    REFERENCE_OR_MARKUP.lastIndex = at;
  }
  return { text: pieces.join("") + document.slice(copied) };
}

async function parseXml(text: string, options: ParseOptions): Promise<ParseResult> {
  const prolog = prologOf(text);
  if (isHtmlPage(text.slice(0, 2048).toLowerCase(), prolog.root)) return parseError("an HTML page, not a feed");
  const declared = withoutDoctype(text, prolog.doctype);
  if ("refused" in declared) return parseError(`document type declaration refused: ${declared.refused}`);
  const document = declared.text;
  const atom = /<(?:[\w.-]+:)?feed[\s>]/.test(document.slice(0, 2048).toLowerCase());
  const prepared = withoutFeedPrefix(markupAsText(document, atom), document.slice(0, 4096));
  let parsed: Awaited<ReturnType<typeof parseDocument>>;
  let damage: FeedDamage | undefined;
  try {
    parsed = await parseDocument(prepared, options.url);
  } catch (error) {
    // The commonest fault in feeds: an `&` left bare in a link or title, or an HTML entity
    // such as `&nbsp;`. Read as the text it is, and said, rather than losing the feed.
    const repaired = ENTITY_ERROR.test(oneLineReason(error)) ? escapeBareAmpersands(prepared) : undefined;
    if (!repaired?.count) return parseError(error);
    try {
      parsed = await parseDocument(repaired.text, options.url);
    } catch {
      return parseError(error);
    }
    const { count } = repaired;
    damage = { kind: "markup", message: `${count === 1 ? "1 bare &" : `${count} bare &s`} read as text` };
  }
  const format = atom ? "atom" : "rss";
  const base = xmlBase(document.slice(0, 4096), options.url);
  const ttl = Number(parserText(parsed.ttl));
  const feedLanguage = parserText(parsed.language);
  return {
    ok: true,
    feed: {
      format,
      title: plainText(parsed.title),
      link: resolveLink(parsed.link, base),
      ttlMinutes: Number.isFinite(ttl) && ttl > 0 ? ttl : undefined,
      ...(damage ? { damage } : {}),
      entries: (Array.isArray(parsed.items) ? parsed.items : []).map((item) => ({
        guid: parserText(item.guid) ?? parserText(item.id),
        link: resolveLink(item.link, (item.base === undefined ? undefined : resolveLink(item.base, base)) ?? base),
        title: parserText(item.title),
        summary: parserText(item.summary) ?? parserText(item.content) ?? parserText(item.description),
        contentHtml: parserText(item["content:encoded"]) ?? parserText(item.body),
        published: parserText(item.pubDate) ?? parserText(item.isoDate),
        author: plainText(item.creator) ?? plainText(item.author),
        outlet: plainText(item.source),
        language:
          parserText(item["dc:language"]) ?? (typeof item.lang === "string" ? item.lang || undefined : feedLanguage),
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
  authors?: unknown;
  author?: unknown;
}

/** A JSON Feed author's name: `authors[0].name` (1.1), else `author.name` (1.0). */
function authorName(item: JsonFeedItem): string | undefined {
  const first = Array.isArray(item.authors) ? (item.authors[0] as unknown) : undefined;
  for (const author of [first, item.author]) {
    if (typeof author === "object" && author !== null) {
      const name = plainText((author as { name?: unknown }).name);
      if (name) return name;
    }
  }
  return undefined;
}

/**
 * A JSON Feed version: the URL the specification gives (`https://jsonfeed.org/version/1.1`),
 * also over http, or the bare number some publishers write ("1.1"), as other readers accept.
 */
const JSON_FEED_VERSION = /^(?:https?:\/\/jsonfeed\.org\/version\/)?1(?:\.\d+)?\/?$/i;

function parseJsonFeed(text: string, options: ParseOptions): ParseResult {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return parseError(`invalid JSON: ${oneLineReason(error)}`);
  }
  if (typeof document !== "object" || document === null) return parseError("JSON Feed must be an object");
  const feed = document as {
    version?: unknown;
    title?: unknown;
    home_page_url?: unknown;
    items?: unknown;
    language?: unknown;
  };
  if (typeof feed.version !== "string" || !JSON_FEED_VERSION.test(feed.version.trim())) {
    return parseError("not a JSON Feed: missing or unknown version");
  }
  if (!Array.isArray(feed.items)) return parseError("JSON Feed has no items array");
  const feedLanguage = parserText(feed.language);
  const entries = (feed.items as unknown[])
    .filter((item): item is JsonFeedItem => typeof item === "object" && item !== null && !Array.isArray(item))
    .map((item) => ({
      guid: parserText(item.id),
      link: resolveLink(parserText(item.url) ?? parserText(item.external_url), options.url),
      title: textOrHtml(item.title),
      summary: textOrHtml(item.summary) ?? textOrHtml(item.content_text),
      contentHtml: parserText(item.content_html),
      published: parserText(item.date_published) ?? parserText(item.date_modified),
      author: authorName(item),
      language: parserText(item.language) ?? feedLanguage,
    }));
  return {
    ok: true,
    feed: {
      format: "json",
      title: plainText(textOrHtml(feed.title)),
      link: resolveLink(feed.home_page_url, options.url),
      entries,
    },
  };
}

/**
 * Parses an RSS, Atom or JSON Feed body. Never throws: a bad feed is a typed parse error.
 * Invalid bytes do not reject a feed: they are decoded as U+FFFD and reported as `damage`.
 */
export async function parseFeed(
  body: Uint8Array | string,
  contentType?: string,
  options: ParseOptions = {},
): Promise<ParseResult> {
  const decoded = typeof body === "string" ? { text: body } : decodeBody(body, contentType);
  const result = await parseText(decoded.text, contentType, options);
  if (!result.ok || !decoded.damage) return result;
  const found = result.feed.damage;
  const damage = found
    ? { kind: decoded.damage.kind, message: `${decoded.damage.message}; ${found.message}` }
    : decoded.damage;
  return { ok: true, feed: { ...result.feed, damage } };
}

async function parseText(text: string, contentType: string | undefined, options: ParseOptions): Promise<ParseResult> {
  const trimmed = text.trimStart();
  if (trimmed.length === 0) return parseError("empty body");
  // The body says what it is, whatever type it was served as: XML starts with markup, JSON
  // with an object. Only a body that is neither is taken at its declared type.
  if (trimmed.startsWith("<")) return parseXml(trimmed, options);
  if (/json/i.test(contentType ?? "") || trimmed.startsWith("{")) return parseJsonFeed(trimmed, options);
  return parseXml(trimmed, options);
}
