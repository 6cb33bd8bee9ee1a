import { verdictOf } from "./classify.ts";
import { DEFAULT_CLUSTER_OPTIONS, fingerprint, MemoryStoryIndex, pickStory } from "./cluster.ts";
import { stableId } from "./hash.ts";
import { plausibleDate, splitOutletSuffix } from "./normalise.ts";
import { read } from "./reading.ts";
import { htmlToText } from "./text.ts";
import type { Timestamp, Verdict } from "./types.ts";

/** One line of the classify command's input. */
export interface BatchInput {
  id: string;
  title: string;
  summary?: string | undefined;
  link?: string | undefined;
  source?: string | undefined;
  published?: string | undefined;
  /** The item's language if known (ISO 639-1 or a BCP 47 tag); detected otherwise. */
  language?: string | undefined;
}

export type BatchOutput = Pick<
  Verdict,
  "relevant" | "score" | "topics" | "categories" | "countries" | "treaties" | "why"
> & { id: string; storyId: string; language: string };

/**
 * Classifies items and clusters them into stories in input order, in memory:
 * the engine of `treatywatch classify` and of the evaluation.
 */
export class BatchClassifier {
  readonly #index = new MemoryStoryIndex();
  /** Stories folded into another, each pointing at the story it joined. */
  readonly #merged = new Map<string, string>();
  readonly #now: Timestamp;

  constructor(now: Timestamp) {
    this.#now = now;
  }

  next(input: BatchInput): BatchOutput {
    // Search feeds end a headline with its outlet; the outlet's name is not news.
    const title = input.source
      ? splitOutletSuffix(htmlToText(input.title), input.source).title
      : htmlToText(input.title);
    const summary = input.summary ? htmlToText(input.summary) : "";
    const item = {
      title,
      summary,
      language: input.language,
      publishedAt: plausibleDate(input.published, this.#now),
      fetchedAt: this.#now,
    };
    const reading = read(item);
    const verdict = verdictOf(reading);
    const print = fingerprint(item, verdict, reading);
    const pick = pickStory(print, this.#index.candidates(print), DEFAULT_CLUSTER_OPTIONS);
    const { storyId, absorbed } = this.#index.place(print, pick, pick ? "" : this.#newStoryId(input.id));
    for (const id of absorbed) this.#merged.set(id, storyId);
    return {
      id: input.id,
      language: verdict.language ?? "",
      relevant: verdict.relevant,
      score: verdict.score,
      topics: verdict.topics,
      categories: verdict.categories,
      countries: verdict.countries,
      treaties: verdict.treaties,
      storyId,
      why: verdict.why,
    };
  }

  /**
   * A new story's id, from the item's: the same input gives the same ids. An id already used
   * (inputs may repeat ids) takes a counter, so a story merged away never returns under it.
   */
  #newStoryId(itemId: string): string {
    let id = stableId("sty", itemId);
    for (let n = 2; this.#index.has(id) || this.#merged.has(id); n++) id = stableId("sty", `${itemId}#${n}`);
    return id;
  }

  /** The story a story id given earlier belongs to now: a later item may have shown two stories to be one. */
  storyOf(storyId: string): string {
    let current = storyId;
    for (let next = this.#merged.get(current); next !== undefined; next = this.#merged.get(current)) current = next;
    return current;
  }
}
