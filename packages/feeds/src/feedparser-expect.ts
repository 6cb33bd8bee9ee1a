/**
 * Reads the `Expect:` line of a Python feedparser test document: a Python expression over
 * feedparser's result, such as `not bozo and entries[0]['title'] == 'Example <b>Atom</b>'`.
 * Only what the peer suite uses is read: `and` / `or` of comparisons between a result path
 * and a literal (a string, a number, a tuple of numbers). Anything else is left unread.
 */

export type Literal = string | number | number[];

export interface Comparison {
  /** The path as feedparser names it: `["entries", 0, "title"]`, `["feed", "title_detail", "value"]`. */
  path: Array<string | number>;
  expected: Literal;
}

/** A conjunction of clauses, each a disjunction of comparisons; clauses this reader cannot read are dropped. */
export type Expectation = Comparison[][];

export function expectationOf(document: string): string | undefined {
  return /Expect:\s*(.*)/.exec(document.slice(0, 4096))?.[1]?.trim();
}

/** Splits at a keyword outside quotes, brackets and parentheses. */
function splitTop(text: string, keyword: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === "\\") i++;
      else if (text.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = undefined;
      }
      continue;
    }
    if (char === "'" || char === '"') {
      quote = text.startsWith(char.repeat(3), i) ? char.repeat(3) : char;
      i += quote.length - 1;
    } else if (char === "(" || char === "[") depth++;
    else if (char === ")" || char === "]") depth--;
    else if (depth === 0 && text.startsWith(keyword, i)) {
      parts.push(text.slice(start, i));
      start = i + keyword.length;
      i += keyword.length - 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim());
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"', "0": "\0" };

/** A Python string literal (`'…'`, `"…"`, `"""…"""`, with a `u` prefix or none), or undefined. */
function pythonString(text: string): string | undefined {
  const match = /^u?('''|"""|['"])([\s\S]*)\1$/.exec(text.trim());
  if (!match?.[2] && match?.[2] !== "") return undefined;
  let value = "";
  const body = match[2];
  for (let i = 0; i < body.length; i++) {
    const char = body[i] ?? "";
    if (char !== "\\") {
      value += char;
      continue;
    }
    const next = body[++i] ?? "";
    if (next === "u" || next === "x" || next === "U") {
      const length = next === "x" ? 2 : next === "u" ? 4 : 8;
      value += String.fromCodePoint(Number.parseInt(body.slice(i + 1, i + 1 + length), 16));
      i += length;
    } else value += ESCAPES[next] ?? `\\${next}`;
  }
  return value;
}

function literal(text: string): Literal | undefined {
  const trimmed = text.trim();
  const string = pythonString(trimmed);
  if (string !== undefined) return string;
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const tuple = /^\(([\d,\s-]+)\)$/.exec(trimmed);
  if (tuple?.[1])
    return tuple[1]
      .split(",")
      .filter((part) => part.trim() !== "")
      .map(Number);
  return undefined;
}

function path(text: string): Array<string | number> | undefined {
  const match = /^(feed|entries)((?:\[(?:\d+|'[^']*'|"[^"]*")\])+)$/.exec(text.trim());
  if (!match?.[1] || !match[2]) return undefined;
  const steps: Array<string | number> = [match[1]];
  for (const [, step] of match[2].matchAll(/\[([^\]]+)\]/g)) {
    if (!step) return undefined;
    steps.push(/^\d+$/.test(step) ? Number(step) : step.slice(1, -1));
  }
  return steps;
}

/** `a == b == 'x'` compares each path with the literal. */
function comparisons(text: string): Comparison[] | undefined {
  const sides = splitTop(text, "==");
  if (sides.length < 2) return undefined;
  const expected = literal(sides.at(-1) ?? "");
  if (expected === undefined) return undefined;
  const found: Comparison[] = [];
  for (const side of sides.slice(0, -1)) {
    const steps = path(side);
    if (!steps) return undefined;
    found.push({ path: steps, expected });
  }
  return found;
}

export function parseExpectation(expression: string): Expectation {
  const clauses: Expectation = [];
  for (const conjunct of splitTop(expression, " and ")) {
    const alternatives: Comparison[] = [];
    let readable = true;
    for (const disjunct of splitTop(conjunct, " or ")) {
      const found = comparisons(disjunct);
      if (found) alternatives.push(...found);
      else readable = false;
    }
    if (readable && alternatives.length > 0) clauses.push(alternatives);
  }
  return clauses;
}
