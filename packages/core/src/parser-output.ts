/**
 * What feed parsers hand back is untrusted input: `rss-parser` gives a string for most
 * fields, but an object for an element with attributes or child elements (an Atom title of
 * `type="xhtml"`, a `<guid isPermaLink>`, a repeated element), and a JSON Feed may carry
 * any JSON at all. Every field is read through `parserText`, which turns it into text or
 * nothing and never throws.
 */

/** Keys that hold an element's own text: xml2js (`_`), fast-xml-parser (`#text`), BadgerFish (`$`). */
const TEXT_KEYS = ["_", "#text", "$"] as const;
/** Keys that hold attributes or bookkeeping rather than content. */
const NOT_CONTENT = /^(\$|\$\$|#name|:@|@.*)$/;
/** Nesting deeper than any real feed's markup is not read. */
const MAX_DEPTH = 12;
/** A field's text is cut here: no headline or summary needs more, and hostile input gets no further. */
const MAX_CHARS = 100_000;

function collect(value: unknown, depth: number, pieces: string[], budget: { chars: number }): void {
  if (budget.chars <= 0 || depth > MAX_DEPTH) return;
  if (typeof value === "string") {
    if (value.trim() === "") return;
    const piece = value.length > budget.chars ? value.slice(0, budget.chars) : value;
    budget.chars -= piece.length;
    pieces.push(piece);
    return;
  }
  if (typeof value === "number") {
    if (Number.isFinite(value)) collect(String(value), depth, pieces, budget);
    return;
  }
  if (typeof value === "bigint") {
    collect(value.toString(), depth, pieces, budget);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  if (Array.isArray(value)) {
    // A repeated element: the first one that says something.
    for (const element of value) {
      const before = pieces.length;
      collect(element, depth + 1, pieces, budget);
      if (pieces.length > before) return;
    }
    return;
  }
  const fields = value as Record<string, unknown>;
  for (const key of TEXT_KEYS) {
    const own = fields[key];
    if (typeof own === "string" || typeof own === "number") collect(own, depth, pieces, budget);
  }
  // Child elements (inline xhtml: `<div>Example <b>Atom</b></div>`), in the order the parser kept.
  for (const [key, child] of Object.entries(fields)) {
    if (NOT_CONTENT.test(key) || TEXT_KEYS.includes(key as (typeof TEXT_KEYS)[number])) continue;
    collect(child, depth + 1, pieces, budget);
  }
}

/**
 * The text a parsed field carries: a string as it is (HTML included, for the caller to
 * strip), a number written out, an array's first element that has text, an object's own
 * text (`_`, `#text`, `$`) followed by its child elements' text. Undefined when there is
 * none (null, booleans, empty or whitespace-only strings, objects of attributes only).
 */
export function parserText(value: unknown): string | undefined {
  if (typeof value === "string") {
    if (value.length > MAX_CHARS) return value.slice(0, MAX_CHARS);
    return value.trim() === "" ? undefined : value;
  }
  const pieces: string[] = [];
  collect(value, 0, pieces, { chars: MAX_CHARS });
  if (pieces.length === 0) return undefined;
  // Pieces are separate text nodes: a space between them unless one is already there.
  return pieces.reduce((text, piece) => (/\s$/.test(text) || /^\s/.test(piece) ? text + piece : `${text} ${piece}`));
}
