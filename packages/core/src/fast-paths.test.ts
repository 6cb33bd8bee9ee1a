import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { assess } from "./classify.ts";
import { type Fingerprint, STORY_MODEL, type StoryModel, similarity, similarityByFeatures } from "./cluster.ts";
import { CONCEPT_IDS } from "./concepts.ts";

/**
 * Each fast path here is checked against the obvious code it replaces, on real reports (our
 * labelled sets, and the shared real-news splits when they are beside the project) and on
 * generated inputs built to reach the corners real ones rarely do. Equal means equal to the
 * last bit: a verdict, a fingerprint, a similarity or a story may not move.
 */

interface RealReport {
  title: string;
  lead?: string | null;
  published?: string | null;
  language?: string | null;
}

const SETS = [
  fileURLToPath(new URL("../eval/news.jsonl", import.meta.url)),
  fileURLToPath(new URL("../eval/written.jsonl", import.meta.url)),
];
const SHARED = ["dev", "test"].map((split) =>
  fileURLToPath(new URL(`../../../../shared/news/${split}.jsonl`, import.meta.url)),
);
const sharedPresent = SHARED.every(existsSync);
if (!sharedPresent) console.log(`skipped: the shared real-news splits are not at ${SHARED.join(", ")}`);

function realReports(): RealReport[] {
  return [...SETS, ...(sharedPresent ? SHARED : [])].flatMap((file) =>
    readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as RealReport),
  );
}

const FETCHED_AT = "2026-11-28T12:00:00.000Z";

/** Every real report read twice, headline only and with its lead and declared language. */
function realFingerprints(): Fingerprint[] {
  return realReports().flatMap((report) => {
    const publishedAt = report.published ? new Date(report.published).toISOString() : undefined;
    return [
      assess({ title: report.title, fetchedAt: FETCHED_AT, publishedAt }).fingerprint,
      assess({
        title: report.title,
        summary: report.lead ?? undefined,
        language: report.language ?? undefined,
        fetchedAt: FETCHED_AT,
        publishedAt,
      }).fingerprint,
    ];
  });
}

/** A small seeded generator (mulberry32), so a failure can be replayed. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function some<T>(random: () => number, values: readonly T[], most: number): T[] {
  const count = Math.floor(random() * (most + 1));
  return Array.from({ length: count }, () => values[Math.floor(random() * values.length)] as T);
}

/**
 * Fingerprints from small vocabularies, so pairs share values often: repeated values, empty and
 * missing lists, undated and legacy (MinHash, no stems) fingerprints, languages unknown and alike.
 */
function generatedFingerprints(count: number, seed: number): Fingerprint[] {
  const random = seeded(seed);
  const words = Array.from({ length: 60 }, (_, index) => `w${index.toString(36)}`);
  const names = ["magav", "zelen", "koste", "ottav", "nato", "seima"];
  const start = Date.parse("2026-11-20T00:00:00.000Z");
  return Array.from({ length: count }, (): Fingerprint => {
    const legacy = random() < 0.1;
    return {
      at: new Date(start + Math.floor(random() * 10 * 86_400_000)).toISOString(),
      dated: random() < 0.8 ? true : random() < 0.5 ? false : undefined,
      language: random() < 0.1 ? undefined : (["en", "fr", "ru", "uk"] as const)[Math.floor(random() * 4)],
      relevant: random() < 0.1 ? undefined : random() < 0.8,
      countries: some(random, ["UA", "LT", "LV", "EE", "FI", "PL"], 3),
      treaties: some(random, ["mine-ban", "ccm", "npt"], 2),
      topics: some(random, ["treaty-status", "mine-use", "casualties", "clearance"], 2),
      concepts: random() < 0.1 ? undefined : some(random, CONCEPT_IDS, 8),
      names: random() < 0.1 ? undefined : some(random, names, 3),
      figures: random() < 0.1 ? undefined : some(random, ["12", "107", "3", "2024"], 2),
      years: random() < 0.1 ? undefined : some(random, ["2024", "2025"], 2),
      terms: legacy ? undefined : some(random, words, 30),
      minhash: legacy ? Array.from({ length: 16 }, () => Math.floor(random() * 2 ** 32)) : undefined,
    };
  });
}

/** A model with a weight on every feature name `pairFeatures` can emit, so no slot goes unread. */
function denseModel(seed: number): StoryModel {
  const random = seeded(seed);
  const weights: Record<string, number> = {};
  for (const name of Object.keys(STORY_MODEL.weights)) weights[name] = Math.round((random() * 4 - 2) * 1000) / 1000;
  for (const concept of CONCEPT_IDS) {
    for (const name of [`both:${concept}`, `one:${concept}`]) {
      weights[name] = random() * 2 - 1;
      weights[`same|${name}`] = random() * 2 - 1;
      weights[`other|${name}`] = random() * 2 - 1;
    }
  }
  return { bias: random() - 0.5, weights, threshold: 0.5 };
}

/** Pairs whose similarity differs, by either measure, from the definition. */
function mismatches(prints: readonly Fingerprint[], pairs: Iterable<[number, number]>, model?: StoryModel) {
  const wrong: string[] = [];
  let compared = 0;
  for (const [i, j] of pairs) {
    const a = prints[i] as Fingerprint;
    const b = prints[j] as Fingerprint;
    const fast = similarity(a, b, undefined, model);
    const obvious = similarityByFeatures(a, b, undefined, model);
    compared++;
    if (!Object.is(fast, obvious)) wrong.push(`${i}×${j}: ${fast} ≠ ${obvious}`);
  }
  return { compared, wrong };
}

function* nearPairs(count: number, reach: number): Generator<[number, number]> {
  for (let i = 0; i < count; i++)
    for (let j = Math.max(0, i - reach); j < Math.min(count, i + reach); j++) yield [i, j];
}

describe("story similarity", () => {
  it("is the story model over pairFeatures for every pair of nearby real reports", () => {
    const prints = realFingerprints();

    const { compared, wrong } = mismatches(prints, nearPairs(prints.length, 15));

    expect(compared).toBeGreaterThan(50_000);
    expect(wrong).toEqual([]);
  }, 60_000);

  it.each([
    ["the trained model", undefined],
    ["a model weighing every feature", denseModel(2)],
  ])(
    "is the model over pairFeatures on generated fingerprints, under %s",
    (_name, model) => {
      const prints = generatedFingerprints(1_500, 1);

      const { compared, wrong } = mismatches(prints, nearPairs(prints.length, 30), model);

      expect(compared).toBeGreaterThan(80_000);
      expect(wrong).toEqual([]);
    },
    60_000,
  );
});
