import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fold } from "./analyse.ts";
import { conceptPhrases } from "./concepts.ts";
import { treatyPhrases } from "./treaties.ts";

/**
 * The lexicon names domain vocabulary; it must not carry wording taken from the frozen
 * test split of the shared real-news set. A phrase of three words or more found verbatim
 * in a test headline or lead fails this test. Only the offending phrase is printed.
 */
const TEST_SPLIT = fileURLToPath(new URL("../../../../shared/news/test.jsonl", import.meta.url));

/** A phrase as the words it can stand for, loosely: `mine*` is any word starting "mine". */
function pattern(phrase: string): RegExp {
  const words = phrase.split(/\s+/).map((word) => {
    const letters = fold(
      word
        .replace(/^[\^~=]/, "")
        .replace(/\*$/, "")
        .toLowerCase(),
    ).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const prefix = word.startsWith("~") ? "\\p{L}*" : "";
    const suffix = word.endsWith("*") || word.startsWith("~") ? "\\p{L}*" : "";
    return `${prefix}${letters}${suffix}`;
  });
  return new RegExp(`(?<![\\p{L}\\p{N}])${words.join("[\\s-]+")}(?![\\p{L}\\p{N}])`, "u");
}

const longPhrases = [
  ...conceptPhrases().map(({ concept, phrase }) => ({ owner: concept, phrase })),
  ...treatyPhrases().map(({ treaty, phrase }) => ({ owner: treaty, phrase })),
].filter(({ phrase }) => phrase.split(/\s+/).length >= 3);

describe("the lexicon holds no wording from the frozen test split", () => {
  const present = existsSync(TEST_SPLIT);
  if (!present) console.log(`skipped: the shared test split is not at ${TEST_SPLIT}`);

  it.runIf(present)("no cue, veto or treaty name of three words or more appears verbatim in it", () => {
    const texts = readFileSync(TEST_SPLIT, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { title: string; lead: string | null })
      .map((item) => fold(`${item.title} ${item.lead ?? ""}`.toLowerCase()));

    const found = longPhrases.filter(({ phrase }) => texts.some((text) => pattern(phrase).test(text)));

    expect(found.map(({ owner, phrase }) => `${owner}: ${phrase}`)).toEqual([]);
    expect(longPhrases.length).toBeGreaterThan(50);
  });
});
