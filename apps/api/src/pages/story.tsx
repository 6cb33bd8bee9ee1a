/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import {
  type CitedSentence,
  type Cue,
  describeStoryChanges,
  referenceDate,
  type Store,
  type StoredItem,
  type Story,
  safeHref,
  storyGrowth,
  summarise,
} from "@treatywatch/core";
import type { Hono } from "hono";
import { dataVersionOf } from "../lib/data-version.ts";
import type { AppEnv } from "../lib/env.ts";
import { cachedPage, RenderedCache, sendRendered } from "../lib/rendered-cache.ts";
import { outletsOf, Tags, Time } from "./components.tsx";
import { countryLabel, languageLabel, topicName, treatyName } from "./labels.ts";
import { Layout, renderPage } from "./layout.tsx";
import { subscribeQuery } from "./list-filter.ts";
import { pageHeaders, sendPage } from "./respond.tsx";

const CACHED_PAGES = 256;
/** Reports read for one story's page: its sources and their verdicts. */
const MAX_REPORTS = 500;
const SUMMARY_SENTENCES = 4;
const CUES_SHOWN = 6;

async function reportsOf(store: Store, storyId: string): Promise<StoredItem[]> {
  const reports: StoredItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listItems({ storyId, limit: 100, cursor });
    reports.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor && reports.length < MAX_REPORTS);
  return reports;
}

/** `Sentence.` cited by sources 1 and 2 reads `Sentence [1] [2].`, each mark linking to its source. */
function CitedSummary(props: { sentences: readonly CitedSentence[] }) {
  return (
    <p>
      {props.sentences.map((sentence) => {
        const end = /[.!?]$/.exec(sentence.text)?.[0] ?? ".";
        const text = sentence.text.replace(/[.!?]$/, "");
        return (
          <>
            {text}
            {sentence.citations.map((number) => (
              <>
                {" "}
                <a href={`#source-${number}`} aria-label={`source ${number}`}>
                  [{number}]
                </a>
              </>
            ))}
            {end}{" "}
          </>
        );
      })}
    </p>
  );
}

interface CueSeen {
  match: string;
  outlets: string[];
}

/** Each distinct cue text for one target, with the outlets whose reports it fired in. */
function cuesFor(
  reports: readonly StoredItem[],
  kinds: readonly Cue["kind"][],
  target?: string,
  keep: (cue: Cue) => boolean = () => true,
): CueSeen[] {
  const seen = new Map<string, CueSeen>();
  for (const { item, verdict } of reports) {
    for (const cue of verdict.why) {
      if (!kinds.includes(cue.kind) || (target !== undefined && cue.target !== target) || !keep(cue)) continue;
      const key = cue.match.toLowerCase();
      const entry = seen.get(key) ?? { match: cue.match, outlets: [] };
      if (!entry.outlets.includes(item.outlet)) entry.outlets.push(item.outlet);
      seen.set(key, entry);
    }
  }
  return [...seen.values()].sort((a, b) => b.outlets.length - a.outlets.length).slice(0, CUES_SHOWN);
}

function CueList(props: { cues: readonly CueSeen[] }) {
  if (props.cues.length === 0) return <dd>decided with the story's other reports</dd>;
  return (
    <dd>
      {props.cues.map((cue, index) => (
        <>
          {index > 0 ? "; " : ""}
          <q>{cue.match}</q> <span class="meta">({cue.outlets.join(", ")})</span>
        </>
      ))}
    </dd>
  );
}

function Why(props: { story: Story; reports: readonly StoredItem[] }) {
  const { story, reports } = props;
  const rows = [
    ...story.topics.map((topic) => ({ label: `Topic: ${topicName(topic)}`, cues: cuesFor(reports, ["topic"], topic) })),
    ...story.treaties.map((treaty) => ({
      label: `Treaty: ${treatyName(treaty)}`,
      cues: cuesFor(reports, ["treaty"], treaty),
    })),
    ...story.countries.map((country) => ({
      label: `Country: ${countryLabel(country)}`,
      cues: cuesFor(reports, ["country"], country),
    })),
  ];
  // What counted for relevance: the words the model weighed in favour, not its overall figure.
  const anchors = cuesFor(reports, ["context"], undefined, (cue) => cue.target !== "model" && cue.weight > 0);
  const vetoes = cuesFor(reports, ["veto"]);
  return (
    <section aria-labelledby="why">
      <h2 id="why">Why it is here</h2>
      <dl class="why">
        {anchors.length > 0 ? (
          <>
            <dt>On topic because of</dt>
            <CueList cues={anchors} />
          </>
        ) : null}
        {rows.map((row) => (
          <>
            <dt>{row.label}</dt>
            <CueList cues={row.cues} />
          </>
        ))}
        {vetoes.length > 0 ? (
          <>
            <dt>Look-alike wording set aside</dt>
            <CueList cues={vetoes} />
          </>
        ) : null}
      </dl>
    </section>
  );
}

function Growth(props: { story: Story; reports: readonly StoredItem[] }) {
  const position = new Map(props.story.sources.map((source, index) => [source.itemId, index]));
  const inSourceOrder = [...props.reports].sort(
    (a, b) => (position.get(a.item.id) ?? Infinity) - (position.get(b.item.id) ?? Infinity),
  );
  const steps = storyGrowth(inSourceOrder);
  if (steps.length === 0) return null;
  return (
    <section aria-labelledby="growth">
      <h2 id="growth">How the story grew</h2>
      <ol class="timeline">
        {steps.map((step) => (
          <li>
            <Time at={step.at} />: <strong>{step.outlet}</strong>{" "}
            {step.founded
              ? "reported it first"
              : step.changes.length > 0
                ? `joined, adding ${describeStoryChanges(step.changes).join("; ")}`
                : "joined with nothing new"}
          </li>
        ))}
      </ol>
    </section>
  );
}

function StoryPage(props: { story: Story; reports: readonly StoredItem[] }) {
  const { story, reports } = props;
  const summaries = new Map(reports.map(({ item }) => [item.id, item.summary]));
  const sentences = summarise(story, summaries, SUMMARY_SENTENCES);
  const outlets = outletsOf(story);
  return (
    <article aria-labelledby="story-title">
      <h1 id="story-title">{story.title}</h1>
      <p class="meta">
        First seen <Time at={story.firstSeenAt} />, updated <Time at={story.updatedAt} /> · {outlets.length}{" "}
        {outlets.length === 1 ? "outlet" : "outlets"}
        {story.languages && story.languages.length > 0 ? ` · ${story.languages.map(languageLabel).join(", ")}` : ""}
      </p>
      <Tags story={story} label="What it is about" />
      <section aria-labelledby="summary">
        <h2 id="summary">Summary</h2>
        {sentences.length > 0 ? <CitedSummary sentences={sentences} /> : <p>The sources give headlines only.</p>}
      </section>
      <section aria-labelledby="sources">
        <h2 id="sources">Sources</h2>
        <ol class="sources">
          {story.sources.map((source, index) => {
            const href = safeHref(source.link);
            const date = referenceDate(source.publishedAt);
            return (
              <li id={`source-${index + 1}`}>
                <strong>{source.outlet}</strong>: {href ? <a href={href}>{source.title}</a> : source.title}{" "}
                <span class="meta">
                  {date && source.publishedAt ? <time datetime={source.publishedAt}>{date}</time> : "no date given"}
                </span>
              </li>
            );
          })}
        </ol>
      </section>
      <Why story={story} reports={reports} />
      <Growth story={story} reports={reports} />
      <p class="actions">
        <a class="button" href={`/subscribe${subscribeQuery(storyFilter(story))}`}>
          Get email alerts for stories like this
        </a>
        <a href={`/v1/stories/${encodeURIComponent(story.id)}`}>This story as JSON</a>
      </p>
    </article>
  );
}

/** The sign-up filter a story suggests: its first topic, treaty and country. */
function storyFilter(story: Story) {
  return { topic: story.topics[0], treaty: story.treaties[0], country: story.countries[0] };
}

export function registerStoryPage(pages: Hono<AppEnv>) {
  const cache = new RenderedCache(CACHED_PAGES);
  pages.get("/stories/:id", pageHeaders("public"), async (c) => {
    const id = c.req.param("id");
    const { store } = c.var.services;
    // The version before the story: a page is kept under a version no newer than what it shows.
    const version = await dataVersionOf(store);
    const story = id.length <= 64 ? await store.getStory(id) : undefined;
    if (!story) {
      return sendPage(
        c,
        404,
        <Layout title="Story not found" noindex>
          <h1>Story not found</h1>
          <p>
            There is no story <code>{id.slice(0, 64)}</code>. <a href="/">See the latest stories</a>.
          </p>
        </Layout>,
      );
    }
    // A story merged into another lives on at the merged story's address.
    if (story.id !== id) return c.redirect(`/stories/${encodeURIComponent(story.id)}`, 308);
    const render = async () =>
      renderPage(
        <Layout
          title={story.title}
          description={story.summary.slice(0, 200)}
          current="stories"
          feeds={[{ type: "application/json", title: "This story as JSON", href: `/v1/stories/${story.id}` }]}
        >
          <StoryPage story={story} reports={await reportsOf(store, story.id)} />
        </Layout>,
      );
    return sendRendered(c, await cachedPage(cache, version, story.id, render), "text/html; charset=utf-8");
  });
}
