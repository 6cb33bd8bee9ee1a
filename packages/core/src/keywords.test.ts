import { describe, expect, it } from "vitest";
import { type KeywordExpr, matchKeywords, parseKeywords } from "./keywords.ts";

function parsed(source: string): KeywordExpr {
  const result = parseKeywords(source);
  if (!result.ok) throw new Error(`expected ${source} to parse: ${result.message}`);
  return result.expr;
}

const HEADLINE = "Finland completes its withdrawal from the Ottawa Convention on anti-personnel landmines";

describe("matchKeywords", () => {
  it.each([
    ["landmines", true],
    ["Landmines", true],
    ["landmine", false],
    ['"Ottawa Convention"', true],
    ['"Convention Ottawa"', false],
    ["finland landmines", true],
    ["finland AND senators", false],
    ["senators OR landmines", true],
    ["landmines NOT senators", true],
    ["landmines -finland", false],
    ["(senators OR hockey) OR (finland AND withdrawal)", true],
    ["NOT (senators OR hockey)", true],
    ['"anti-personnel"', true],
    ["withdrawal AND NOT (ratification OR accession)", true],
  ])("%s against the Finland headline is %s", (source, expected) => {
    expect(matchKeywords(parsed(source), HEADLINE).matched).toBe(expected);
  });

  it("reports the positive terms that matched, not the negated ones", () => {
    const result = matchKeywords(parsed('"Ottawa Convention" OR cluster NOT senators'), HEADLINE);

    expect(result).toEqual({ matched: true, terms: ["Ottawa Convention"] });
  });

  it("folds accents on both sides", () => {
    expect(matchKeywords(parsed("Côte"), "Demining in Cote d'Ivoire").matched).toBe(true);
  });
});

describe("parseKeywords", () => {
  it("binds AND tighter than OR", () => {
    expect(parsed("a OR b c")).toEqual({
      kind: "or",
      operands: [
        { kind: "term", words: ["a"], text: "a" },
        {
          kind: "and",
          operands: [
            { kind: "term", words: ["b"], text: "b" },
            { kind: "term", words: ["c"], text: "c" },
          ],
        },
      ],
    });
  });

  it.each([
    ['"unclosed', "unclosed quote", 0],
    ["(landmine", "missing closing parenthesis", 0],
    ["landmine)", "unexpected closing parenthesis", 8],
    ["landmine OR", "expected a word, a quoted phrase or (", 11],
    ["AND landmine", "unexpected AND", 0],
    ['""', '"" has no letters or digits', 0],
    ["", "expected a word, a quoted phrase or (", 0],
  ])("rejects %j: %s at %i", (source, message, position) => {
    expect(parseKeywords(source)).toEqual({ ok: false, message, position });
  });

  it("rejects nesting beyond its depth limit as a value", () => {
    const result = parseKeywords(`${"(".repeat(40)}a${")".repeat(40)}`);

    expect(result.ok).toBe(false);
  });
});
