import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { eld } from "eld/small";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eldLanguage, eldScores } from "./detect-language.ts";
import { LANGUAGES } from "./language.ts";
import { TABLE_LANGUAGES } from "./language-table.ts";
import { languageTableSource } from "./language-table-source.ts";

/**
 * Detection reads a cut of eld's table with eld's method; it must give eld's own answer (the
 * full detector restricted to our languages) on every text.
 */
eld.setLanguageSubset([...LANGUAGES]);
const eldAnswer = (text: string) => eld.detect(text).language || undefined;

/** Our scores as eld reports them (each raw score per n-gram, scaled to [0, 1)), and eld's. */
function bothScores(text: string) {
  const { scores, ngrams } = eldScores(text);
  const ours: Record<string, number> = {};
  TABLE_LANGUAGES.forEach((language, position) => {
    const raw = scores[position] as number;
    if (raw > 0) ours[language] = raw / ngrams / (raw / ngrams + 25);
  });
  return { ours, eld: eld.detect(text).getScores() };
}

// Never the frozen test split: a failing check would print its headlines.
const SETS = [
  "../eval/news.jsonl",
  "../eval/heldout.jsonl",
  "../eval/written.jsonl",
  "../../../../shared/news/dev.jsonl",
]
  .map((path) => fileURLToPath(new URL(path, import.meta.url)))
  .filter(existsSync);

function realTexts(): string[] {
  return SETS.flatMap((file) =>
    readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .flatMap((line) => {
        const { title, lead } = JSON.parse(line) as { title: string; lead?: string | null };
        return lead ? [title, `${title} ${lead.slice(0, 120)}`, `${title}. ${lead}`] : [title];
      }),
  );
}

/** Words of every language we read, and of others, to build texts from. */
const WORDS = [
  ...realTexts()
    .slice(0, 400)
    .flatMap((text) => text.split(/\s+/)),
  "l'ONU",
  "don’t",
  "п'ять",
  "Straße",
  "ñandú",
  "日本語",
  "עברית",
  "😀",
  "𝒜𝒷𝒸",
  "2026",
  "x".repeat(90),
];

describe("language detection on eld's table cut to our languages", () => {
  it("is the table the installed eld gives", async () => {
    const committed = readFileSync(fileURLToPath(new URL("./language-table.ts", import.meta.url)), "utf8");

    expect(committed).toBe(await languageTableSource());
  });

  it("answers as eld does on real headlines and leads", () => {
    const texts = realTexts();

    const differing = texts.filter((text) => eldLanguage(text) !== eldAnswer(text));
    const scoredOtherwise = texts.filter((text) => {
      const { ours, eld } = bothScores(text);
      return JSON.stringify(ours, Object.keys(ours).sort()) !== JSON.stringify(eld, Object.keys(eld).sort());
    });

    expect(texts.length).toBeGreaterThan(1_000);
    expect(differing).toEqual([]);
    expect(scoredOtherwise).toEqual([]);
  });

  it("answers as eld does on texts made of any words, scripts, spacing and lengths", () => {
    const word = fc.oneof(
      fc.constantFrom(...WORDS),
      fc.string({ unit: "grapheme", maxLength: 12 }),
      // Compounds long enough to pass eld's cut of a word at 70 bytes.
      fc.array(fc.constantFrom(...WORDS), { minLength: 2, maxLength: 8 }).map((words) => words.join("")),
    );
    const separator = fc.constantFrom(" ", "  ", ", ", " - ", "\n", "'", "’", ". ", "");
    const text = fc
      .array(fc.tuple(word, separator), { maxLength: 120 })
      .map((parts) => parts.map(([w, s]) => w + s).join(""));

    fc.assert(
      fc.property(text, (input) => {
        expect(eldLanguage(input)).toBe(eldAnswer(input));
        const { ours, eld } = bothScores(input);
        expect(ours).toEqual(eld);
      }),
      { numRuns: 3_000, seed: 16 },
    );
  });
});
