import { words } from "./text.ts";

/**
 * A parsed keyword expression. Grammar (AND binds tighter than OR; adjacent terms are ANDed):
 *   or   := and ("OR" and)*
 *   and  := not (["AND"] not)*
 *   not  := "NOT" not | "-" not | atom
 *   atom := word | "quoted phrase" | "(" or ")"
 */
export type KeywordExpr =
  | { kind: "term"; words: string[]; text: string }
  | { kind: "not"; operand: KeywordExpr }
  | { kind: "and"; operands: KeywordExpr[] }
  | { kind: "or"; operands: KeywordExpr[] };

export type KeywordParse = { ok: true; expr: KeywordExpr } | { ok: false; message: string; position: number };

type Token =
  | { kind: "word"; text: string; position: number }
  | { kind: "phrase"; text: string; position: number }
  | { kind: "and" | "or" | "not" | "minus" | "open" | "close"; position: number };

class KeywordSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

const MAX_EXPRESSION_LENGTH = 1000;
const MAX_DEPTH = 32;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i] ?? "";
    if (/\s/.test(char)) {
      i++;
    } else if (char === "(" || char === ")") {
      tokens.push({ kind: char === "(" ? "open" : "close", position: i });
      i++;
    } else if (char === '"') {
      const end = source.indexOf('"', i + 1);
      if (end < 0) throw new KeywordSyntaxError("unclosed quote", i);
      tokens.push({ kind: "phrase", text: source.slice(i + 1, end), position: i });
      i = end + 1;
    } else if (char === "-" && i + 1 < source.length && !/[\s)]/.test(source[i + 1] ?? "")) {
      tokens.push({ kind: "minus", position: i });
      i++;
    } else {
      const start = i;
      while (i < source.length && !/[\s()"]/.test(source[i] ?? "")) i++;
      const text = source.slice(start, i);
      const operator = text === "AND" ? "and" : text === "OR" ? "or" : text === "NOT" ? "not" : undefined;
      tokens.push(operator ? { kind: operator, position: start } : { kind: "word", text, position: start });
    }
  }
  return tokens;
}

class Parser {
  private index = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly length: number,
  ) {}

  parse(): KeywordExpr {
    const expr = this.or(0);
    const extra = this.tokens[this.index];
    if (extra) throw new KeywordSyntaxError("unexpected closing parenthesis", extra.position);
    return expr;
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private or(depth: number): KeywordExpr {
    const operands = [this.and(depth)];
    while (this.peek()?.kind === "or") {
      this.index++;
      operands.push(this.and(depth));
    }
    return operands.length === 1 && operands[0] ? operands[0] : { kind: "or", operands };
  }

  private and(depth: number): KeywordExpr {
    const operands = [this.not(depth)];
    for (;;) {
      const next = this.peek();
      if (!next || next.kind === "or" || next.kind === "close") break;
      if (next.kind === "and") this.index++;
      operands.push(this.not(depth));
    }
    return operands.length === 1 && operands[0] ? operands[0] : { kind: "and", operands };
  }

  private not(depth: number): KeywordExpr {
    const next = this.peek();
    if (next?.kind === "not" || next?.kind === "minus") {
      if (depth >= MAX_DEPTH) throw new KeywordSyntaxError("expression nests too deeply", next.position);
      this.index++;
      return { kind: "not", operand: this.not(depth + 1) };
    }
    return this.atom(depth);
  }

  private atom(depth: number): KeywordExpr {
    const token = this.peek();
    if (!token) throw new KeywordSyntaxError("expected a word, a quoted phrase or (", this.length);
    this.index++;
    if (token.kind === "word" || token.kind === "phrase") {
      const folded = words(token.text);
      if (folded.length === 0) throw new KeywordSyntaxError(`"${token.text}" has no letters or digits`, token.position);
      return { kind: "term", words: folded, text: token.text };
    }
    if (token.kind === "open") {
      if (depth >= MAX_DEPTH) throw new KeywordSyntaxError("expression nests too deeply", token.position);
      const inner = this.or(depth + 1);
      const close = this.peek();
      if (close?.kind !== "close") throw new KeywordSyntaxError("missing closing parenthesis", token.position);
      this.index++;
      return inner;
    }
    throw new KeywordSyntaxError(`unexpected ${token.kind.toUpperCase()}`, token.position);
  }
}

/** Parses a keyword expression; a malformed one is a value, with the position at fault. */
export function parseKeywords(source: string): KeywordParse {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    return { ok: false, message: `longer than ${MAX_EXPRESSION_LENGTH} characters`, position: MAX_EXPRESSION_LENGTH };
  }
  try {
    return { ok: true, expr: new Parser(tokenize(source), source.length).parse() };
  } catch (error) {
    if (error instanceof KeywordSyntaxError) return { ok: false, message: error.message, position: error.position };
    throw error;
  }
}

function containsSequence(haystack: readonly string[], needle: readonly string[]): boolean {
  outer: for (let start = 0; start + needle.length <= haystack.length; start++) {
    for (let offset = 0; offset < needle.length; offset++) {
      if (haystack[start + offset] !== needle[offset]) continue outer;
    }
    return true;
  }
  return false;
}

/** Whether the text satisfies the expression, and the terms that made it so. */
export function matchKeywords(expr: KeywordExpr, text: string): { matched: boolean; terms: string[] } {
  return matchKeywordTokens(expr, words(text));
}

/** `matchKeywords` over text already split by `words`, so one text can be tested against many expressions. */
export function matchKeywordTokens(
  expr: KeywordExpr,
  tokens: readonly string[],
): { matched: boolean; terms: string[] } {
  const terms = new Set<string>();
  const evaluate = (node: KeywordExpr, positive: boolean): boolean => {
    switch (node.kind) {
      case "term": {
        const found = containsSequence(tokens, node.words);
        if (found && positive) terms.add(node.text);
        return found;
      }
      case "not":
        return !evaluate(node.operand, !positive);
      case "and":
        return node.operands.every((operand) => evaluate(operand, positive));
      case "or":
        return node.operands.map((operand) => evaluate(operand, positive)).some(Boolean);
    }
  };
  const matched = evaluate(expr, true);
  return { matched, terms: matched ? [...terms] : [] };
}
