import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Analysis, analyse, type Token } from "./analyse.ts";
import { canonicalUrl } from "./canonical-url.ts";
import { judge, judgeByFeatures, storedClassifier, unpackClassifier } from "./classifier-model.ts";
import { assess } from "./classify.ts";
import {
  type Fingerprint,
  pickStory,
  pickStoryByScores,
  STORY_MODEL,
  type StoryCandidate,
  type StoryModel,
  similarity,
  similarityByFeatures,
} from "./cluster.ts";
import { CONCEPT_IDS, conceptIndex, conceptKind } from "./concepts.ts";
import { COUNTRY_CODES, countryIndex } from "./countries.ts";
import { composeDigest, composeDigests } from "./digest.ts";
import { feedDateTime, feedDateTimeByWords } from "./feed-date.ts";
import { parseKeywords } from "./keywords.ts";
import { LANGUAGES } from "./language.ts";
import { normaliseEntry } from "./normalise.ts";
import type { Element, Phrase, PhraseIndex, PhraseMatch } from "./phrases.ts";
import { featuresOf, type Reading, read } from "./reading.ts";
import { renderDigest } from "./render.ts";
import { seeded } from "./seeded.ts";
import { foundStory, joinStory } from "./story.ts";
import type { Subscription, SubscriptionFilter } from "./subscription.ts";
import { CATEGORIES, type Category, TOPICS, TREATY_IDS } from "./taxonomy.ts";
import { treatyIndex } from "./treaties.ts";
import type { Story } from "./types.ts";

/**
 * Each fast path here is checked against the obvious code it replaces, on real reports (our
 * labelled sets, and the shared dev split when it is beside the project; never the frozen test
 * split, whose headlines a failure would print) and on
 * generated inputs built to reach the corners real ones rarely do. Equal means equal to the
 * last bit: a verdict, a fingerprint, a similarity or a story may not move.
 */

interface RealReport {
  title: string;
  lead?: string | null;
  published?: string | null;
  language?: string | null;
}

const SETS = ["news", "heldout", "written"].map((set) =>
  fileURLToPath(new URL(`../eval/${set}.jsonl`, import.meta.url)),
);
const SHARED = [fileURLToPath(new URL("../../../../shared/news/dev.jsonl", import.meta.url))];
const sharedPresent = SHARED.every(existsSync);
if (!sharedPresent) console.log(`skipped: the shared real-news dev split is not at ${SHARED.join(", ")}`);

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

/** Each report against the stories of the reports before it: up to 16 stories of up to 8 members, as a lookup gives. */
function storyChoices(prints: readonly Fingerprint[], random: () => number) {
  const choices: Array<{ print: Fingerprint; candidates: StoryCandidate[] }> = [];
  for (let at = 20; at < prints.length; at++) {
    const candidates: StoryCandidate[] = [];
    const stories = 1 + Math.floor(random() * 16);
    for (let story = 0; story < stories; story++) {
      const members = 1 + Math.floor(random() * 8);
      const fingerprints = Array.from(
        { length: members },
        () => prints[Math.max(0, at - 1 - Math.floor(random() * 20))] as Fingerprint,
      );
      candidates.push({ storyId: `story-${story}`, fingerprints });
    }
    choices.push({ print: prints[at] as Fingerprint, candidates });
  }
  return choices;
}

describe("story choice", () => {
  it.each([
    ["real reports", () => realFingerprints(), undefined],
    ["generated fingerprints", () => generatedFingerprints(2_000, 3), undefined],
    [
      "generated fingerprints under a model weighing every feature",
      () => generatedFingerprints(2_000, 4),
      denseModel(5),
    ],
    [
      "real reports at a threshold of 0.02",
      () => realFingerprints(),
      { ...STORY_MODEL, threshold: 0.02 } satisfies StoryModel,
    ],
  ] as const)(
    "picks the story and similarity that scoring every member picks, on %s",
    (_name, prints, model) => {
      const options = { windowHours: 72, threshold: model?.threshold ?? STORY_MODEL.threshold };
      const differing: string[] = [];
      let picked = 0;
      for (const { print, candidates } of storyChoices(prints(), seeded(7))) {
        const fast = pickStory(print, candidates, options, model);
        const obvious = pickStoryByScores(print, candidates, options, model);
        if (obvious) picked++;
        if (fast?.storyId !== obvious?.storyId || !Object.is(fast?.similarity, obvious?.similarity))
          differing.push(`${JSON.stringify(fast)} ≠ ${JSON.stringify(obvious)}`);
      }
      expect(picked).toBeGreaterThan(100);
      expect(differing).toEqual([]);
    },
    120_000,
  );
});

/**
 * Phrase finding as it was first written: each token tried against every phrase its stem, word,
 * first two letters, exact spelling or compound parts can start, worked out afresh each time.
 */
class ReferencePhraseIndex<T> {
  readonly #byStem = new Map<string, Phrase<T>[]>();
  readonly #byWord = new Map<string, Phrase<T>[]>();
  readonly #byPrefix = new Map<string, Phrase<T>[]>();
  readonly #parts: Phrase<T>[] = [];
  readonly #exact = new Map<string, Phrase<T>[]>();

  constructor(phrases: Iterable<Phrase<T>>) {
    const push = (map: Map<string, Phrase<T>[]>, key: string, phrase: Phrase<T>) =>
      map.set(key, [...(map.get(key) ?? []), phrase]);
    for (const phrase of phrases) {
      const first = phrase.elements[0];
      if (!first) continue;
      if (first.type === "stem") push(this.#byStem, first.value, phrase);
      else if (first.type === "word") push(this.#byWord, first.value, phrase);
      else if (first.type === "name") {
        push(this.#byWord, first.value, phrase);
        push(this.#byWord, `${first.value}'s`, phrase);
      } else if (first.type === "exact") push(this.#exact, first.value, phrase);
      else if (first.type === "prefix" && first.value.length >= 2)
        push(this.#byPrefix, first.value.slice(0, 2), phrase);
      else this.#parts.push(phrase);
    }
  }

  find(analysis: Analysis): PhraseMatch<T>[] {
    const { tokens, text } = analysis;
    const matches = (element: Element, token: Token): boolean => {
      switch (element.type) {
        case "stem":
          return token.stem === element.value;
        case "word":
          return token.word === element.value;
        case "name":
          return (
            (token.word === element.value || token.word === `${element.value}'s`) &&
            text.charAt(token.start) !== text.charAt(token.start).toLowerCase()
          );
        case "prefix":
          return token.word.startsWith(element.value);
        case "part":
          return token.word.includes(element.value);
        case "exact":
          return text.slice(token.start, token.end) === element.value;
      }
    };
    const lengthAt = (phrase: Phrase<T>, at: number): number => {
      let position = at;
      for (const [index, element] of phrase.elements.entries()) {
        if (index > 0) while (tokens[position]?.stop && !matches(element, tokens[position] as Token)) position++;
        const token = tokens[position];
        if (!token || !matches(element, token)) return 0;
        position++;
      }
      return position - at;
    };
    const found: PhraseMatch<T>[] = [];
    for (let at = 0; at < tokens.length; at++) {
      const token = tokens[at] as Token;
      const reportedFrom = found.length;
      for (const candidates of [
        this.#byStem.get(token.stem),
        this.#byWord.get(token.word),
        this.#byPrefix.get(token.word.slice(0, 2)),
        this.#exact.get(text.slice(token.start, token.end)),
        this.#parts.filter((phrase) => token.word.includes(phrase.elements[0]?.value ?? "\u0000")),
      ]) {
        for (const phrase of candidates ?? []) {
          if (found.some((match, index) => index >= reportedFrom && match.target === phrase.target)) continue;
          const length = lengthAt(phrase, at);
          if (length === 0) continue;
          const last = tokens[at + length - 1] ?? token;
          found.push({
            target: phrase.target,
            match: text.slice(token.start, last.end),
            from: at,
            to: at + length,
            letters: phrase.elements.reduce((sum, element) => sum + element.value.length, 0),
          });
        }
      }
    }
    return found;
  }
}

/** Texts to read: every real headline and lead, and texts made of their words and the lexicon's, mixed and mangled. */
function textsToRead(): string[] {
  const real = realReports().flatMap((report) =>
    report.lead ? [report.title, `${report.title}. ${report.lead}`] : [report.title],
  );
  const words = real.slice(0, 600).flatMap((text) => text.split(/\s+/));
  const word = fc.oneof(
    fc.constantFrom(...words),
    fc.constantFrom(...words).map((w) => w.toUpperCase()),
    fc.constantFrom("CCM", "NPT", "START", "ДВЗЯИ", "US", "l'ONU", "d'Ottawa", "Antipersonenminen", "разминирования"),
    fc.string({ unit: "grapheme", maxLength: 8 }),
  );
  const generated = fc.sample(
    fc
      .array(fc.tuple(word, fc.constantFrom(" ", " ", ", ", ". ", "-", " de ", " la ")), { maxLength: 40 })
      .map((parts) => parts.map(([w, separator]) => w + separator).join("")),
    { numRuns: 3_000, seed: 16 },
  );
  return [...real, ...generated];
}

describe("phrase finding", () => {
  it("finds what finding every candidate afresh finds, for every index, language and text", () => {
    const texts = textsToRead();
    const indexes: Array<[string, PhraseIndex<unknown>]> = [
      ["countries", countryIndex() as PhraseIndex<unknown>],
      ...LANGUAGES.flatMap(
        (language): Array<[string, PhraseIndex<unknown>]> => [
          [`concepts ${language}`, conceptIndex(language) as PhraseIndex<unknown>],
          [`treaties ${language}`, treatyIndex(language) as PhraseIndex<unknown>],
        ],
      ),
    ];
    const differing: string[] = [];
    let found = 0;
    for (const [name, index] of indexes) {
      const reference = new ReferencePhraseIndex(index.phrases);
      const language = (name.split(" ")[1] ?? "en") as (typeof LANGUAGES)[number];
      for (const text of texts) {
        for (const analysis of name === "countries"
          ? LANGUAGES.map((l) => analyse(text, l))
          : [analyse(text, language)]) {
          const fast = index.find(analysis);
          found += fast.length;
          if (JSON.stringify(fast) !== JSON.stringify(reference.find(analysis))) differing.push(`${name}: ${text}`);
        }
      }
    }
    expect(found).toBeGreaterThan(10_000);
    expect(differing).toEqual([]);
  }, 120_000);
});

describe("the classifier's models", () => {
  it("give each probability the stored models over the features give, on real and generated texts", () => {
    const differing: string[] = [];
    const trained = unpackClassifier(storedClassifier());
    for (const text of textsToRead()) {
      for (const language of [undefined, "en", "ru"]) {
        const reading = read({ title: text, language });
        const fast = judge(reading);
        const obvious = judgeByFeatures(reading, trained);
        if (
          !Object.is(fast.relevance, obvious.relevance) ||
          fast.topics.some((topic, at) => !Object.is(topic.probability, obvious.topics[at]?.probability))
        )
          differing.push(text);
      }
    }
    expect(differing).toEqual([]);
  }, 120_000);

  it("weigh the features of a reading as the models' definition lists them", () => {
    const differing: string[] = [];
    for (const text of textsToRead()) {
      const reading = read({ title: text });
      if (JSON.stringify(featuresOf(reading)) !== JSON.stringify(featuresAsDefined(reading))) differing.push(text);
    }
    expect(differing).toEqual([]);
  }, 120_000);
});

/**
 * A reading's features as the models are defined over them, written out plainly: each concept
 * (and again when the headline says it), each weapon paired with anything else, the treaties,
 * whether a country is named, the content words by stem and the language, each once.
 */
function featuresAsDefined(reading: Reading): string[] {
  const features = new Set<string>([`lang:${reading.language}`]);
  const weapons = new Set<string>();
  const others = new Set<string>();
  for (const concept of reading.concepts) {
    features.add(`c:${concept.target}`);
    if (concept.from < reading.titleTokens) features.add(`t:${concept.target}`);
    if (conceptKind(concept.target) === "weapon") weapons.add(concept.target);
    else others.add(concept.target);
  }
  for (const weapon of weapons) for (const other of others) features.add(`p:${weapon}+${other}`);
  for (const treaty of reading.treaties) features.add(`tr:${treaty.treaty}`);
  if (reading.countries.length > 0) features.add("countries");
  for (const token of reading.analysis.tokens) {
    const content = token.word.length >= 3 && !token.stop && !/^\d+$/.test(token.word);
    if (content) features.add(`s:${reading.language}:${token.stem}`);
  }
  return [...features];
}

/** Real reports folded into stories as ingest folds them, updated one a minute through a day. */
function realStories(): Story[] {
  const stories = new Map<string, Story>();
  const start = Date.parse("2026-11-27T00:00:00.000Z");
  realReports().forEach((report, index) => {
    const fetchedAt = new Date(start + (index % 1_440) * 60_000).toISOString();
    const item = normaliseEntry(
      { guid: `real-${index}`, title: report.title, summary: report.lead ?? "", outlet: `Outlet ${index % 7}` },
      { feedId: `fd_${index % 5}`, feedUrl: "https://news.example.org/feed", fetchedAt },
    );
    if (!item) return;
    const { verdict } = assess(item);
    if (!verdict.relevant) return;
    // Reports of one event (the sets' own labels) fold into one story, as clustering would.
    const key = (report as { cluster?: string | null }).cluster ?? item.id;
    const current = stories.get(key);
    stories.set(
      key,
      current ? joinStory(current, item, verdict, fetchedAt).story : foundStory(item, verdict, fetchedAt),
    );
  });
  return [...stories.values()];
}

/** Filters of every kind the API accepts, with keywords that match, miss, and one that does not parse. */
function generatedSubscriptions(count: number, seed: number): Subscription[] {
  const random = seeded(seed);
  const categories = Object.keys(CATEGORIES) as Category[];
  const keywords = [
    '"Ottawa Convention"',
    "landmine OR mines",
    "withdraw AND NOT hockey",
    "deminers",
    "(cluster OR bomblets) -Oslo",
    '"unclosed',
  ];
  return Array.from({ length: count }, (_, index): Subscription => {
    const filter: SubscriptionFilter = {};
    if (random() < 0.4) filter.countries = some(random, COUNTRY_CODES.slice(0, 60), 3);
    if (random() < 0.2) filter.treaties = some(random, TREATY_IDS, 2);
    if (random() < 0.3) filter.topics = some(random, TOPICS, 2);
    if (random() < 0.1) filter.categories = some(random, categories, 2);
    if (random() < 0.25) filter.keywords = keywords[Math.floor(random() * keywords.length)];
    if (random() < 0.2) filter.minScore = Math.round(random() * 10) / 10;
    const maxStories = random() < 0.3 ? 1 + Math.floor(random() * 5) : undefined;
    return {
      id: `sub_${index}`,
      tenantId: "tn",
      channel: { type: "email", address: `reader${index}@example.org` },
      filter,
      cadence: random() < 0.1 ? { kind: "instant" } : { kind: "daily", hour: 8, timeZone: "UTC", maxStories },
      status: "active",
      createdAt: FETCHED_AT,
      updatedAt: FETCHED_AT,
    };
  });
}

describe("digests through the match index", () => {
  it("give each subscription the digest offering it every story gives, rendered alike", () => {
    const stories = realStories();
    const subscriptions = generatedSubscriptions(2_000, 9);
    const window = {
      period: "2026-11-28",
      windowStart: new Date("2026-11-27T06:00:00.000Z"),
      windowEnd: new Date("2026-11-28T06:00:00.000Z"),
      stories,
      itemSummaries: new Map(stories.flatMap((story) => story.sources.map((source) => [source.itemId, source.title]))),
    };

    const digests = composeDigests(window, subscriptions);

    const differing: string[] = [];
    let listed = 0;
    for (const subscription of subscriptions) {
      const parsed = subscription.filter.keywords ? parseKeywords(subscription.filter.keywords) : undefined;
      const obvious = composeDigest({
        ...window,
        subscriptionId: subscription.id,
        filter: subscription.filter,
        keywords: parsed?.ok ? parsed.expr : undefined,
        maxStories: subscription.cadence.kind === "instant" ? undefined : subscription.cadence.maxStories,
      });
      const fast = digests.get(subscription.id);
      listed += fast?.storyCount ?? 0;
      const options = { unsubscribeUrl: `https://alerts.example.org/v1/unsubscribe?token=${subscription.id}` };
      if (
        JSON.stringify(fast) !== JSON.stringify(obvious) ||
        (fast &&
          obvious &&
          JSON.stringify(renderDigest(fast, options)) !== JSON.stringify(renderDigest(obvious, options)))
      )
        differing.push(subscription.id);
    }
    expect(stories.length).toBeGreaterThan(200);
    expect(listed).toBeGreaterThan(5_000);
    expect(differing).toEqual([]);
  }, 120_000);
});

describe("feed dates", () => {
  const random = seeded(21);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)] as T;
  const pad = (value: number) => String(value).padStart(2, "0");
  /** Dates in the two plain forms, and near them: other zones, spacing, days, times and weekdays that do not hold. */
  function dates(count: number): string[] {
    return Array.from({ length: count }, () => {
      const time = Math.floor((random() * 2 - 0.5) * 4_000_000_000_000);
      const date = new Date(time);
      const zone = pick(["GMT", "UTC", "+0000", "-0500", "+0530", "Z", "EST", "+05:30", "gmt", ""]);
      switch (Math.floor(random() * 6)) {
        case 0:
          return date.toUTCString();
        case 1:
          return date.toUTCString().replace("GMT", zone);
        case 2:
          return date.toISOString();
        case 3:
          return date.toISOString().replace(/\.\d+Z$/, pick(["Z", "+02:00", "-05:00", ".5Z", ".123456Z", "", "+0200"]));
        case 4: {
          // Parts that do not make a date: a day of 31 in any month, an hour past 23, a two-digit year.
          const day = pick(["Mon", "Sun", "Dim", "mon"]);
          const month = pick(["Jan", "Feb", "Nov", "nov", "Mär", "June"]);
          return `${day}, ${pick([1, 9, 29, 31, 99])} ${month} ${pick(["2026", "26", "1969"])} ${pad(Math.floor(random() * 26))}:${pad(Math.floor(random() * 61))}:${pad(Math.floor(random() * 61))} ${zone}`;
        }
        default:
          return `${pick(["", " ", "\t"])}${date.toUTCString().replace(", ", pick([", ", ",  ", " "]))}${pick(["", " "])}`;
      }
    });
  }

  it("reads the plain forms as reading every form word by word reads them", () => {
    const differing = dates(20_000)
      .filter((raw) => !Object.is(feedDateTime(raw), feedDateTimeByWords(raw)))
      .map((raw) => `${raw}: ${feedDateTime(raw)} ≠ ${feedDateTimeByWords(raw)}`);
    expect(differing).toEqual([]);
  });
});

/** `canonicalUrl` as first written: every part of the URL set, whether or not it changes. */
function canonicalUrlAsWritten(input: string | undefined): string | undefined {
  if (!input) return undefined;
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  url.hash = "";
  url.hostname = url.hostname.toLowerCase().replace(/\.$/, "");
  if (url.hostname.startsWith("www.")) url.hostname = url.hostname.slice(4);
  const tracking =
    /^(?:utm_.*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|yclid|_ga|_gl|ref_src|cmpid|ocid|taid|smid)$/;
  const kept = [...url.searchParams.entries()].filter(([name]) => !tracking.test(name.toLowerCase()));
  kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  url.search = new URLSearchParams(kept).toString();
  if (url.pathname.length > 1 && url.pathname.endsWith("/")) url.pathname = url.pathname.slice(0, -1);
  return url.toString();
}

describe("canonical URLs", () => {
  it("are what setting every part of the URL gives, for links of every shape", () => {
    const random = seeded(5);
    const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)] as T;
    const links = Array.from({ length: 5_000 }, () => {
      const scheme = pick(["https://", "http://", "HTTP://", "ftp://", "mailto:", ""]);
      const host = pick([
        "news.example",
        "WWW.News.Example",
        "www.news.example.",
        "www..",
        "xn--80ak6aa92e.com",
        "пример.рф",
        "[::1]",
        "127.0.0.1",
        "a.b.c.example:8080",
        "news.example:443",
        "user:pw@news.example",
      ]);
      const path = pick(["", "/", "/a/b/", "/story/2026/11/28/mines", "/a%20b/", "/ä/ö", "/..//x/./y"]);
      const query = pick([
        "",
        "?",
        "?b=2&a=1",
        "?utm_source=x&id=3",
        "?UTM_Medium=y",
        "?q=a+b%20c&fbclid=1",
        "?x",
        "?a=1&a=0",
        "?%zz=1",
      ]);
      const fragment = pick(["", "#", "#top", "#x?y=1", "#a#b"]);
      return `${pick(["", " "])}${scheme}${host}${path}${query}${fragment}`;
    });
    const differing = links
      .filter((link) => canonicalUrl(link) !== canonicalUrlAsWritten(link))
      .map((link) => `${link}: ${canonicalUrl(link)} ≠ ${canonicalUrlAsWritten(link)}`);
    expect(differing).toEqual([]);
  });
});
