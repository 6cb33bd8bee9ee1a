import { fnv1a } from "./hash.ts";
import { words } from "./text.ts";
import type { Timestamp, Verdict } from "./types.ts";

/** What the clusterer remembers of one item: small, and enough to compare. */
export interface Fingerprint {
  minhash: number[];
  countries: string[];
  treaties: string[];
  topics: string[];
  /**
   * Canonical content terms (synonyms folded: "quit", "leave" and "withdraw" are one
   * term) plus the item's countries and treaties. Absent on fingerprints stored
   * before terms existed; the MinHash stands in for them then.
   */
  terms?: string[] | undefined;
  /** When the event was reported: the item's date, else when it was fetched. */
  at: Timestamp;
}

export interface StoryCandidate {
  storyId: string;
  fingerprints: Fingerprint[];
}

export interface ClusterOptions {
  /** Items further apart than this are never one story. */
  windowHours: number;
  /** Minimum similarity for an item to join a story. */
  threshold: number;
}

export const DEFAULT_CLUSTER_OPTIONS: ClusterOptions = { windowHours: 72, threshold: 0.42 };

const HASHES = 48;
const ROWS_PER_BAND = 2;
const LEAD_WORDS = 40;
const SEEDS = Array.from({ length: HASHES }, (_, i) => fnv1a(`seed-${i}`));

const STOPWORDS = new Set(
  (
    "the a an and or of to in on at for by with from as is are was were be been has have had it its " +
    "this that these those after before over under into about amid says said say new news report reports " +
    "reported will would could can may more than not but also who what when where why how their they them " +
    "his her he she we our you your which while up out off all any one two three first last year years week " +
    "day days today yesterday monday tuesday wednesday thursday friday saturday sunday le la les des du de et " +
    "en un une der die das und den dem des ein eine el los las del y por para con и в на с по из о об від та у"
  ).split(" "),
);

function stem(word: string): string {
  if (word.length > 5 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 5 && word.endsWith("ing")) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith("ed")) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

/** Content words of the headline and the lead, stemmed, without stopwords. */
export function contentTokens(title: string, summary = ""): string[] {
  const lead = words(summary).slice(0, LEAD_WORDS);
  const tokens = new Set<string>();
  for (const word of [...words(title), ...lead]) {
    if (STOPWORDS.has(word) || (word.length < 3 && !/\d/.test(word))) continue;
    tokens.add(stem(word));
  }
  return [...tokens];
}

/**
 * Words that reporters swap for one another when they rewrite the same wire story,
 * in the languages the classifier reads. Keys are stems as `stem` leaves them.
 */
const SYNONYMS: Record<string, string> = Object.fromEntries(
  (
    [
      [
        "exit",
        "exit withdraw withdrawal withdrew quit leave leav left ditch pull out aussteig austritt retrait sortie quitter salir retirada выход вихід exits",
      ],
      [
        "mine",
        "mine landmine land antipersonnel anti-personnel personnel minen landminen antipersonenminen mina minas мин мины міни мін",
      ],
      [
        "treaty",
        "treaty convention pact accord agreement abkommen konvention vertrag traite convencion tratado конвенции конвенції договор",
      ],
      [
        "parliament",
        "parliament parliamentary lawmaker legislator mp deputy seima sejm saeima rada duma verkhovna senate parlament",
      ],
      ["vote", "vote back approve pass endorse adopt"],
      ["kill", "kill die dead death fatal killing"],
      ["injure", "injur wound hurt maim"],
      ["send", "send ship supply deliver transfer provide liefern livrer enviar"],
      ["cluster", "cluster submunition bomblet dpicm streumunition sous-munition racimo"],
      ["ratif", "ratify ratification de-ratification deratification ratif revoke"],
      ["notify", "notify notification inform papers file submit"],
      ["effect", "effect force effective"],
    ] as const
  ).flatMap(([canonical, variants]) => variants.split(" ").map((variant) => [variant, canonical])),
);

/** Content terms with synonyms folded together, plus the verdict's entities. */
export function canonicalTerms(
  title: string,
  summary: string,
  entities: { countries: readonly string[]; treaties: readonly string[] },
): string[] {
  const terms = new Set<string>();
  for (const token of contentTokens(title, summary)) terms.add(SYNONYMS[token] ?? SYNONYMS[stem(token)] ?? token);
  for (const country of entities.countries) terms.add(`country:${country}`);
  for (const treaty of entities.treaties) terms.add(`treaty:${treaty}`);
  return [...terms].sort();
}

function minhash(tokens: readonly string[]): number[] {
  const signature = new Array<number>(HASHES).fill(0xffffffff);
  for (const token of tokens) {
    for (let i = 0; i < HASHES; i++) {
      const value = fnv1a(token, SEEDS[i]);
      if (value < (signature[i] ?? 0xffffffff)) signature[i] = value;
    }
  }
  return signature;
}

export function fingerprint(
  item: { title: string; summary?: string | undefined; publishedAt?: Timestamp | undefined; fetchedAt: Timestamp },
  verdict: Pick<Verdict, "countries" | "treaties" | "topics">,
): Fingerprint {
  return {
    minhash: minhash(contentTokens(item.title, item.summary)),
    terms: canonicalTerms(item.title, item.summary ?? "", verdict),
    countries: [...verdict.countries].sort(),
    treaties: [...verdict.treaties].sort(),
    topics: [...verdict.topics].sort(),
    at: item.publishedAt ?? item.fetchedAt,
  };
}

function dayNumber(at: Timestamp): number {
  return Math.floor(Date.parse(at) / 86_400_000);
}

/** One key per country and per treaty for a day, so reports naming more or fewer countries still meet. */
function eventKeys(fp: Fingerprint, day: number): string[] {
  return [
    ...fp.countries.map((country) => `ev:c:${country}|${day}`),
    ...fp.treaties.map((treaty) => `ev:t:${treaty}|${day}`),
  ];
}

/** Index keys under which a story member is stored (LSH bands plus an event key). */
export function indexKeys(fp: Fingerprint): string[] {
  const keys: string[] = [];
  for (let band = 0; band * ROWS_PER_BAND < HASHES; band++) {
    const rows = fp.minhash.slice(band * ROWS_PER_BAND, (band + 1) * ROWS_PER_BAND);
    keys.push(`b${band}:${rows.join(".")}`);
  }
  keys.push(...eventKeys(fp, dayNumber(fp.at)));
  return keys;
}

/** Keys to look up for a new item: its own, plus the event key of neighbouring days. */
export function lookupKeys(fp: Fingerprint): string[] {
  const keys = indexKeys(fp);
  const day = dayNumber(fp.at);
  for (const neighbour of [day - 1, day + 1]) keys.push(...eventKeys(fp, neighbour));
  return keys;
}

function estimatedJaccard(a: readonly number[], b: readonly number[]): number {
  let same = 0;
  for (let i = 0; i < HASHES; i++) if (a[i] === b[i]) same++;
  return same / HASHES;
}

function overlap(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const shared = a.filter((value) => b.includes(value)).length;
  return shared / Math.min(a.length, b.length);
}

function jaccard(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 0;
  const shared = a.filter((value) => b.includes(value)).length;
  return shared / (a.length + b.length - shared);
}

/** Hours within which two reports of one treaty, country and kind of event are taken as one event. */
const EVENT_HOURS = 36;

/** How alike two items are as reports of one event, in [0, 1]. */
export function similarity(a: Fingerprint, b: Fingerprint, options = DEFAULT_CLUSTER_OPTIONS): number {
  const hours = Math.abs(Date.parse(a.at) - Date.parse(b.at)) / 3_600_000;
  if (hours > options.windowHours) return 0;
  const text = Math.max(estimatedJaccard(a.minhash, b.minhash), a.terms && b.terms ? jaccard(a.terms, b.terms) : 0);
  const countries = overlap(a.countries, b.countries);
  const treaties = overlap(a.treaties, b.treaties);
  // Two reports naming different countries are rarely the same event.
  if (a.countries.length > 0 && b.countries.length > 0 && countries === 0) return text * 0.5;
  const topics = jaccard(a.topics, b.topics);
  const entities = 0.5 * countries + 0.3 * treaties + 0.2 * overlap(a.topics, b.topics);
  // The same treaty, the same countries (or none named) and the same kind of news, close in time.
  const sameEvent =
    hours <= EVENT_HOURS &&
    treaties > 0 &&
    topics >= 0.5 &&
    (countries >= 0.5 || a.countries.length === 0 || b.countries.length === 0);
  return Math.min(1, text + 0.35 * entities + (sameEvent ? 0.2 : 0));
}

/** The story a new item belongs to, if any candidate is similar enough. */
export function pickStory(
  fp: Fingerprint,
  candidates: readonly StoryCandidate[],
  options = DEFAULT_CLUSTER_OPTIONS,
): { storyId: string; similarity: number } | undefined {
  let best: { storyId: string; similarity: number } | undefined;
  for (const candidate of candidates) {
    for (const member of candidate.fingerprints) {
      const score = similarity(fp, member, options);
      if (score >= options.threshold && (!best || score > best.similarity)) {
        best = { storyId: candidate.storyId, similarity: score };
      }
    }
  }
  return best;
}

/**
 * An in-memory story index for one-shot runs (the classify command, tests,
 * benchmarks). Stores implement the same lookup over their own tables.
 */
/**
 * How many candidate stories a new item is compared with: those sharing the most index
 * keys with it. A few suffice (the labelled set scores the same from 8 up), and the cap
 * keeps assignment cheap however crowded a popular key gets.
 */
export const CANDIDATE_LIMIT = 16;

/** Story ids ordered by how many of the looked-up keys they share, most first; ties keep first-seen order. */
export function rankBySharedKeys(hits: Iterable<string>, limit: number): string[] {
  const shared = new Map<string, number>();
  for (const id of hits) shared.set(id, (shared.get(id) ?? 0) + 1);
  return [...shared]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([id]) => id);
}

export class MemoryStoryIndex {
  /** Like the stores, a story is compared through its newest few members, so a big story costs no more than a small one. */
  static readonly MEMBERS_COMPARED = 8;
  readonly #members = new Map<string, Fingerprint[]>();
  readonly #byKey = new Map<string, Set<string>>();

  candidates(fp: Fingerprint, limit = CANDIDATE_LIMIT): StoryCandidate[] {
    const hits = lookupKeys(fp).flatMap((key) => [...(this.#byKey.get(key) ?? [])]);
    return rankBySharedKeys(hits, limit).map((storyId) => ({
      storyId,
      fingerprints: this.#members.get(storyId) ?? [],
    }));
  }

  add(storyId: string, fp: Fingerprint): void {
    const members = this.#members.get(storyId) ?? [];
    const newer = members.findIndex((member) => member.at < fp.at);
    members.splice(newer < 0 ? members.length : newer, 0, fp);
    if (members.length > MemoryStoryIndex.MEMBERS_COMPARED) members.pop();
    this.#members.set(storyId, members);
    for (const key of indexKeys(fp)) {
      const ids = this.#byKey.get(key) ?? new Set<string>();
      ids.add(storyId);
      this.#byKey.set(key, ids);
    }
  }
}
