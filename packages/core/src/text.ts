import { DecodingMode, decodeHTML } from "entities";
import htmlTags from "html-tags";

const BLOCK_TAGS = /<\/?(p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|section|article)\b[^<>]*>/gi;
/**
 * A tag, as HTML reads one: `<` then a letter (or `</` and a letter, `<!`, `<?`). A `<` before
 * anything else is text ("RSS <<< Title >>>", "a < b"). A tag ends at the next `>` and holds no
 * `<`, so an unclosed `<` costs one look ahead to the next `<`, never a scan to the end.
 */
const TAG = /<(?:\/?[a-z]|[!?])[^<>]*>/gi;

/**
 * HTML's entities decoded. One written without its semicolon (`&copy`, `&not`) is decoded only
 * where HTML decodes it in an attribute: not before `=` or a letter or digit, where it is nearly
 * always a query string's parameter (`?page=1&copy=2`, `&notify=1`), never an entity meant.
 */
function decodeEntities(html: string): string {
  return html.includes("&") ? decodeHTML(html, DecodingMode.Attribute) : html;
}

/**
 * Plain text from an HTML fragment: scripts dropped, tags removed, entities decoded. Each
 * pattern runs in time linear in the text: a comment, script or CDATA section left open runs
 * to the end of the text, as HTML reads it, so the next opening is not scanned again.
 */
export function htmlToText(html: string): string {
  // Without a tag there is nothing to strip: only entities to decode.
  if (!html.includes("<")) return foldWhitespace(decodeEntities(html));
  const withoutCode = html
    .replace(/<!\[CDATA\[([\s\S]*?)(?:\]\]>|$)/g, "$1")
    .replace(/<(script|style|noscript)\b[\s\S]*?(?:<\/\1\s*>|$)/gi, " ")
    .replace(/<!--[\s\S]*?(?:-->|$)/g, " ");
  const text = decodeEntities(withoutCode.replace(BLOCK_TAGS, " ").replace(TAG, ""));
  return foldWhitespace(text);
}

/** What only markup has: an attribute or a self-closing tag. */
const ATTRIBUTE_OR_SELF_CLOSING = /=|\/>/;
const TAG_NAME = /<\/?([a-z][a-z0-9-]*)/gi;
const HTML_ELEMENTS: ReadonlySet<string> = new Set(htmlTags);

/** Whether text in angle brackets is markup: an attribute, a self-closing tag or an HTML element's tag. */
function markupIndeed(html: string): boolean {
  if (ATTRIBUTE_OR_SELF_CLOSING.test(html)) return true;
  for (const tag of html.matchAll(TAG_NAME)) if (HTML_ELEMENTS.has((tag[1] as string).toLowerCase())) return true;
  return false;
}

/**
 * A field as written, tags and all, with its entities decoded and whitespace folded: for a
 * title whose HTML reading leaves nothing (`&lt;/example&gt;`, `&lt;no title&gt;`, escaped by
 * its feed as text). Nothing for one that is markup indeed (`<div xmlns="…"/>`, `<br/>`,
 * `<p></p>`, `<script>…</script>`): such a title gives way to the entry's link.
 */
export function textAsWritten(html: string): string {
  if (markupIndeed(html)) return "";
  return foldWhitespace(decodeEntities(html));
}

const CLOSE_TAG = /<\/\w+\s*>/;
const SELF_CLOSING_TAG = /<\w+\b[^<>]*\/>/;
const ENTITY = /&(?:#\d+|#x[\da-f]+|\w+);/i;
/** Each entity reference, with the name of a named one. */
const ENTITIES = /&(?:#\d+|#x[\da-f]+|(\w+));/gi;

/**
 * Whether text in a field that is nominally plain (an RSS or JSON Feed title) is written as HTML
 * all the same, as such fields routinely are: it has a close tag, a self-closing tag or an entity
 * reference, every tag is an HTML element's and every entity one HTML defines. Python
 * feedparser's test, erring as it does towards text: markup read as text shows its tags, while
 * text read as markup loses words ("Tags <b> and <i>") and decodes entity names that were never
 * entities ("?page=1&copy=2").
 */
export function looksLikeHtml(text: string): boolean {
  if (!CLOSE_TAG.test(text) && !SELF_CLOSING_TAG.test(text) && !ENTITY.test(text)) return false;
  for (const tag of text.matchAll(TAG_NAME)) if (!HTML_ELEMENTS.has((tag[1] as string).toLowerCase())) return false;
  for (const [reference, name] of text.matchAll(ENTITIES))
    if (name !== undefined && decodeHTML(reference, DecodingMode.Strict) === reference) return false;
  return true;
}

export function foldWhitespace(text: string): string {
  return text.replace(/[\s\u00a0\u200b]+/g, " ").trim();
}

/** Anything but printable ASCII and the usual whitespace. */
const NOT_PLAIN_ASCII = /[^\t\n\r\x20-\x7e]/;

/** Lower-cased, accent-free form used for matching; keeps letters of every script. */
export function foldForMatching(text: string): string {
  // ASCII has nothing to decompose, no marks and none of the dashes or quotes below.
  if (!NOT_PLAIN_ASCII.test(text)) return text.toLowerCase();
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[\u2010-\u2015\u2212]/g, "-")
    .replace(/[\u2018\u2019\u02bc]/g, "'");
}

/** Word tokens (letters and digits of any script), folded. */
export function words(text: string): string[] {
  return foldForMatching(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}
