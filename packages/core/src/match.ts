import { type KeywordExpr, matchKeywordTokens, parseKeywords } from "./keywords.ts";
import type { StoryChange } from "./story.ts";
import type { Subscription } from "./subscription.ts";
import type { FilterMatch } from "./subscription-filter.ts";
import { words } from "./text.ts";
import type { Story } from "./types.ts";

const DIMENSIONS = ["topic", "category", "country", "treaty"] as const;
type Dimension = (typeof DIMENSIONS)[number];
const NO_DIMENSION = -1;

function wantedValues(subscription: Subscription, dimension: Dimension): readonly string[] | undefined {
  const { filter } = subscription;
  switch (dimension) {
    case "topic":
      return filter.topics;
    case "category":
      return filter.categories;
    case "country":
      return filter.countries;
    case "treaty":
      return filter.treaties;
  }
}

function storyValues(story: Story, dimension: Dimension): readonly string[] {
  switch (dimension) {
    case "topic":
      return story.topics;
    case "category":
      return story.categories;
    case "country":
      return story.countries;
    case "treaty":
      return story.treaties;
  }
}

export interface SubscriptionMatch {
  subscription: Subscription;
  reasons: FilterMatch["reasons"];
}

/**
 * Subscriptions indexed by one necessary condition of their filter each, so a story
 * is tested only against those that could want it. Built once per process and
 * rebuilt when subscriptions change; read-only afterwards.
 */
export interface MatchIndex {
  readonly size: number;
  /** The subscriptions whose filters the story passes, in no particular order. */
  match(story: Story): SubscriptionMatch[];
  /** How many filters the last `match` had to test (for tests and metrics). */
  readonly lastCandidates: number;
}

/**
 * Words of which a story's text must contain at least one for the expression to match,
 * or undefined when there is no such set (e.g. `NOT war`).
 */
export function necessaryWords(expr: KeywordExpr): string[] | undefined {
  switch (expr.kind) {
    case "term": {
      const longest = [...expr.words].sort((a, b) => b.length - a.length)[0];
      return longest === undefined ? undefined : [longest];
    }
    case "not":
      return undefined;
    case "and": {
      const options = expr.operands.map(necessaryWords).filter((set): set is string[] => set !== undefined);
      return options.sort((a, b) => a.length - b.length)[0];
    }
    case "or": {
      const union = new Set<string>();
      for (const operand of expr.operands) {
        const set = necessaryWords(operand);
        if (set === undefined) return undefined;
        for (const word of set) union.add(word);
      }
      return [...union];
    }
  }
}

/**
 * One filter dimension: its values interned to small ids, every subscription's wanted ids in one
 * flat array (`wanted[offsets[s]..offsets[s + 1]]`, empty when the filter leaves it open), and the
 * posting list of subscriptions anchored on each value.
 */
interface DimensionTable {
  readonly dimension: Dimension;
  readonly ids: Map<string, number>;
  readonly names: string[];
  readonly offsets: Int32Array;
  readonly wanted: Int32Array;
  /** How many subscriptions want each value: the cost of anchoring on it. */
  readonly wantedBy: number[];
  postings: Int32Array[];
}

function dimensionTable(dimension: Dimension, subscriptions: readonly Subscription[]): DimensionTable {
  const ids = new Map<string, number>();
  const names: string[] = [];
  const offsets = new Int32Array(subscriptions.length + 1);
  const flat: number[] = [];
  const wantedBy: number[] = [];
  subscriptions.forEach((subscription, ordinal) => {
    const values = wantedValues(subscription, dimension) ?? [];
    const first = flat.length;
    for (const value of values) {
      let id = ids.get(value);
      if (id === undefined) {
        id = names.length;
        ids.set(value, id);
        names.push(value);
        wantedBy.push(0);
      }
      // A value listed twice counts once towards the cost but stays in the reasons twice, as the filter reads.
      if (!flat.slice(first).includes(id)) wantedBy[id] = (wantedBy[id] ?? 0) + 1;
      flat.push(id);
    }
    offsets[ordinal + 1] = flat.length;
  });
  return { dimension, ids, names, offsets, wanted: Int32Array.from(flat), wantedBy, postings: [] };
}

/** The distinct wanted ids of one subscription in one dimension. */
function distinctWanted(table: DimensionTable, ordinal: number): number[] {
  return [...new Set(table.wanted.subarray(table.offsets[ordinal], table.offsets[ordinal + 1]))];
}

/** The dimension whose posting lists are shortest for this subscription, or -1 when it constrains none. */
function anchorOf(tables: readonly DimensionTable[], ordinal: number): number {
  let best = NO_DIMENSION;
  let bestCost = Number.POSITIVE_INFINITY;
  tables.forEach((table, dimension) => {
    const ids = distinctWanted(table, ordinal);
    if (ids.length === 0) return;
    const cost = ids.reduce((sum, id) => sum + (table.wantedBy[id] ?? 0), 0);
    if (cost < bestCost) {
      best = dimension;
      bestCost = cost;
    }
  });
  return best;
}

/** Subscription ordinals sorted by anchor dimension and value (keyword expression when unanchored). */
function postingOrder(subscriptions: readonly Subscription[], expressionOf: readonly number[]): number[] {
  const tables = DIMENSIONS.map((dimension) => dimensionTable(dimension, subscriptions));
  const keys = subscriptions.map((_, ordinal) => {
    const dimension = anchorOf(tables, ordinal);
    const table = tables[dimension];
    const value = table ? Math.min(...distinctWanted(table, ordinal)) : (expressionOf[ordinal] ?? NO_DIMENSION);
    return { ordinal, dimension, value };
  });
  keys.sort((a, b) => a.dimension - b.dimension || a.value - b.value || a.ordinal - b.ordinal);
  return keys.map((key) => key.ordinal);
}

function toPostings(lists: readonly number[][]): Int32Array[] {
  return lists.map((list) => Int32Array.from(list));
}

export interface MatchIndexOptions {
  /**
   * What keywords that do not parse do: "never" (the default) lets their subscription match
   * nothing, as an alert must not fire on a filter it cannot read; "ignored" reads them as no
   * keywords at all, as a digest does.
   */
  unparsableKeywords?: "never" | "ignored";
}

/**
 * Builds the index. Subscriptions whose keywords do not parse never match, unless `options`
 * says to read them as naming no keywords.
 *
 * Each subscription is anchored on the one constrained dimension (topic, category, country, treaty)
 * whose values fewest others want; a story visits only the posting lists of its own values, and the
 * other dimensions of a visited subscription are checked against a per-story table of present values.
 * Subscriptions that constrain none of the four are grouped by keyword expression, each group indexed
 * by a word a matching text must contain, and each distinct expression is evaluated once a story.
 */
export function buildMatchIndex(subscriptions: readonly Subscription[], options: MatchIndexOptions = {}): MatchIndex {
  const accepted: Subscription[] = [];
  const acceptedExpressions: number[] = [];
  const expressions: KeywordExpr[] = [];
  const expressionIds = new Map<string, number>();
  for (const subscription of subscriptions) {
    const source = subscription.filter.keywords;
    if (source === undefined || source.trim() === "") {
      accepted.push(subscription);
      acceptedExpressions.push(NO_DIMENSION);
      continue;
    }
    let id = expressionIds.get(source);
    if (id === undefined) {
      const parsed = parseKeywords(source);
      if (!parsed.ok) {
        if (options.unparsableKeywords === "ignored") {
          accepted.push(subscription);
          acceptedExpressions.push(NO_DIMENSION);
        }
        continue;
      }
      id = expressions.length;
      expressions.push(parsed.expr);
      expressionIds.set(source, id);
    }
    accepted.push(subscription);
    acceptedExpressions.push(id);
  }
  // Laid out posting by posting, so a story's candidates are read in runs rather than scattered.
  const order = postingOrder(accepted, acceptedExpressions);
  const indexed = order.flatMap((ordinal) => accepted[ordinal] ?? []);
  const expressionOf = order.map((ordinal) => acceptedExpressions[ordinal] ?? NO_DIMENSION);

  const size = indexed.length;
  const tables = DIMENSIONS.map((dimension) => dimensionTable(dimension, indexed));
  const expressionIdOf = Int32Array.from(expressionOf);
  const minScores = Float64Array.from(indexed, (subscription) => subscription.filter.minScore ?? Number.NaN);
  // Distinct minimum scores, so a story words each score reason once.
  const minScoreValues = [...new Set(minScores)];
  const minScoreIds = new Map(minScoreValues.map((value, id) => [value, id]));
  const minScoreIdOf = Int32Array.from(minScores, (value) => minScoreIds.get(value) ?? 0);
  const postingLists = tables.map((table) => table.names.map((): number[] => []));
  const open: number[] = [];
  const byExpression = expressions.map((): number[] => []);
  for (let ordinal = 0; ordinal < size; ordinal++) {
    const dimension = anchorOf(tables, ordinal);
    const table = tables[dimension];
    const lists = postingLists[dimension];
    if (table && lists) {
      for (const id of distinctWanted(table, ordinal)) lists[id]?.push(ordinal);
      continue;
    }
    const expression = expressionIdOf[ordinal] ?? NO_DIMENSION;
    if (expression === NO_DIMENSION) open.push(ordinal);
    else byExpression[expression]?.push(ordinal);
  }
  tables.forEach((table, dimension) => {
    table.postings = toPostings(postingLists[dimension] ?? []);
  });
  const openOrdinals = Int32Array.from(open);
  const expressionMembers = toPostings(byExpression);
  // Expressions with an unanchored group, by a word the text must contain (or always tried).
  const expressionsByWord = new Map<string, number[]>();
  const alwaysTried: number[] = [];
  expressions.forEach((expr, id) => {
    if ((expressionMembers[id]?.length ?? 0) === 0) return;
    const needed = necessaryWords(expr);
    if (!needed) {
      alwaysTried.push(id);
      return;
    }
    for (const word of new Set(needed)) {
      const list = expressionsByWord.get(word);
      if (list) list.push(id);
      else expressionsByWord.set(word, [id]);
    }
  });

  // Per-story scratch space, reused across calls: the index is read-only, matching is single-threaded.
  const present = tables.map((table) => new Uint8Array(table.names.length));
  const visited = new Uint32Array(size);
  const matched = new Int32Array(size);
  const expressionVisited = new Uint32Array(expressions.length);
  const expressionState = new Uint8Array(expressions.length);
  const expressionReason: (string | undefined)[] = new Array(expressions.length);
  let generation = 0;
  let lastCandidates = 0;

  return {
    size,
    get lastCandidates() {
      return lastCandidates;
    },
    match(story) {
      generation++;
      if (generation === 0xffffffff) {
        visited.fill(0);
        expressionVisited.fill(0);
        generation = 1;
      }
      const storyIds = tables.map((table, dimension) => {
        const seen = present[dimension] ?? new Uint8Array(0);
        seen.fill(0);
        const ids: number[] = [];
        for (const value of storyValues(story, table.dimension)) {
          const id = table.ids.get(value);
          if (id === undefined || seen[id]) continue;
          seen[id] = 1;
          ids.push(id);
        }
        return ids;
      });
      const tokens = words([story.title, story.summary, ...story.sources.map((source) => source.title)].join("\n"));
      expressionState.fill(0);
      const singleReasons = tables.map((table) => new Array<string | undefined>(table.names.length));

      const keywordsMatch = (expression: number): boolean => {
        const state = expressionState[expression];
        if (state !== 0) return state === 1;
        const expr = expressions[expression];
        const result = expr ? matchKeywordTokens(expr, tokens) : { matched: false, terms: [] };
        expressionState[expression] = result.matched ? 1 : 2;
        expressionReason[expression] =
          result.matched && result.terms.length > 0 ? `keywords: ${result.terms.join(", ")}` : undefined;
        return result.matched;
      };

      const reasonFor = (dimension: number, from: number, to: number): string => {
        const table = tables[dimension];
        const seen = present[dimension];
        const cache = singleReasons[dimension];
        if (!table || !seen || !cache) return "";
        if (to === from + 1) {
          // A single wanted value of a matched subscription is one the story has.
          const id = table.wanted[from] ?? 0;
          const cached = cache[id];
          if (cached !== undefined) return cached;
        }
        let only = NO_DIMENSION;
        let common = 0;
        for (let k = from; k < to; k++) {
          const id = table.wanted[k] ?? 0;
          if (seen[id] === 1) {
            only = id;
            common++;
          }
        }
        if (common === 1) {
          const cached = cache[only];
          if (cached !== undefined) return cached;
          const reason = `${table.dimension}: ${table.names[only]}`;
          cache[only] = reason;
          return reason;
        }
        const values: string[] = [];
        for (let k = from; k < to; k++) {
          const id = table.wanted[k] ?? 0;
          if (seen[id] === 1) values.push(table.names[id] ?? "");
        }
        return `${table.dimension}: ${values.join(", ")}`;
      };
      const scoreReasons = new Array<string | undefined>(minScoreValues.length);
      const scoreReason = (ordinal: number): string => {
        const id = minScoreIdOf[ordinal] ?? 0;
        let reason = scoreReasons[id];
        if (reason === undefined) {
          reason = `score: ${story.score} ≥ ${minScoreValues[id]}`;
          scoreReasons[id] = reason;
        }
        return reason;
      };

      const scratch: string[] = ["", "", "", "", "", ""];
      let candidates = 0;
      let found = 0;
      const consider = (ordinal: number, anchor: number) => {
        candidates++;
        for (let dimension = 0; dimension < tables.length; dimension++) {
          if (dimension === anchor) continue;
          const table = tables[dimension];
          const seen = present[dimension];
          if (!table || !seen) continue;
          const from = table.offsets[ordinal] ?? 0;
          const to = table.offsets[ordinal + 1] ?? 0;
          if (from === to) continue;
          let hit = false;
          for (let k = from; k < to && !hit; k++) hit = seen[table.wanted[k] ?? 0] === 1;
          if (!hit) return;
        }
        const minScore = minScores[ordinal] ?? Number.NaN;
        if (!Number.isNaN(minScore) && !(story.score >= minScore)) return;
        const expression = expressionIdOf[ordinal] ?? NO_DIMENSION;
        if (expression !== NO_DIMENSION && !keywordsMatch(expression)) return;
        matched[found++] = ordinal;
      };
      // Reasons are written once the matches are known, in one pass over them.
      const materialise = (ordinal: number): SubscriptionMatch | undefined => {
        const subscription = indexed[ordinal];
        // Compared with undefined rather than tested for truth, which would read the (cold) object itself.
        if (subscription === undefined) return undefined;
        let count = 0;
        for (let dimension = 0; dimension < tables.length; dimension++) {
          const table = tables[dimension];
          if (!table) continue;
          const from = table.offsets[ordinal] ?? 0;
          const to = table.offsets[ordinal + 1] ?? 0;
          if (from === to) continue;
          const single = to === from + 1 ? singleReasons[dimension]?.[table.wanted[from] ?? 0] : undefined;
          scratch[count++] = single ?? reasonFor(dimension, from, to);
        }
        const expression = expressionIdOf[ordinal] ?? NO_DIMENSION;
        const keywordReason = expression === NO_DIMENSION ? undefined : expressionReason[expression];
        if (keywordReason !== undefined) scratch[count++] = keywordReason;
        const minScore = minScores[ordinal] ?? Number.NaN;
        if (!Number.isNaN(minScore)) scratch[count++] = scoreReason(ordinal);
        // Sliced from scratch space so each match's list is allocated once, at its size.
        return { subscription, reasons: scratch.slice(0, count) };
      };

      tables.forEach((table, dimension) => {
        for (const id of storyIds[dimension] ?? []) {
          const posting = table.postings[id];
          if (!posting) continue;
          for (let k = 0; k < posting.length; k++) {
            const ordinal = posting[k] ?? 0;
            if (visited[ordinal] === generation) continue;
            visited[ordinal] = generation;
            consider(ordinal, dimension);
          }
        }
      });
      for (let k = 0; k < openOrdinals.length; k++) consider(openOrdinals[k] ?? 0, NO_DIMENSION);
      const tryExpression = (expression: number) => {
        if (expressionVisited[expression] === generation) return;
        expressionVisited[expression] = generation;
        if (!keywordsMatch(expression)) return;
        const members = expressionMembers[expression] ?? new Int32Array(0);
        for (let k = 0; k < members.length; k++) consider(members[k] ?? 0, NO_DIMENSION);
      };
      for (const expression of alwaysTried) tryExpression(expression);
      for (const word of new Set(tokens)) {
        for (const expression of expressionsByWord.get(word) ?? []) tryExpression(expression);
      }
      lastCandidates = candidates;
      const matches: SubscriptionMatch[] = [];
      for (let k = 0; k < found; k++) {
        const match = materialise(matched[k] ?? 0);
        if (match) matches.push(match);
      }
      return matches;
    },
  };
}

/**
 * What changed materially between two versions of a story, one line a change
 * (`outlet: Northern Wire`, `country: UA`), for an update alert to say why it came.
 */
export function storyChanges(previous: Story, next: Story): string[] {
  const added = (label: string, before: readonly string[], after: readonly string[]) =>
    after.filter((value) => !before.includes(value)).map((value) => `${label}: ${value}`);
  return [
    ...added(
      "outlet",
      previous.sources.map((source) => source.outlet),
      [...new Set(next.sources.map((source) => source.outlet))],
    ),
    ...added("topic", previous.topics, next.topics),
    ...added("country", previous.countries, next.countries),
    ...added("treaty", previous.treaties, next.treaties),
  ];
}

/** The clustering step's change list in the same words as `storyChanges`. */
export function describeStoryChanges(changes: readonly StoryChange[]): string[] {
  return changes.map(describeStoryChange);
}

function describeStoryChange(change: StoryChange): string {
  switch (change.kind) {
    case "new-outlet":
      return `outlet: ${change.outlet}`;
    case "new-topic":
      return `topic: ${change.topic}`;
    case "new-country":
      return `country: ${change.country}`;
    case "new-treaty":
      return `treaty: ${change.treaty}`;
    case "new-figures":
      return `figures: ${change.figures.join(", ")}`;
  }
}
