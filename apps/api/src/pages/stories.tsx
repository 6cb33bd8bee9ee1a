/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Hono } from "hono";
import { dataVersionOf } from "../lib/data-version.ts";
import type { AppEnv } from "../lib/env.ts";
import { cachedPage, RenderedCache, sendRendered } from "../lib/rendered-cache.ts";
import { StoryListQuery } from "../routes/stories/schema.ts";
import { type FieldError, StoryCard } from "./components.tsx";
import { feedLinks } from "./feed.ts";
import { COUNTRIES_BY_NAME, LANGUAGES, languageLabel, TOPICS, TREATY_IDS, topicName, treatyName } from "./labels.ts";
import { Layout, renderPage } from "./layout.tsx";
import { describeFilter, filterQuery, type ListFilter, subscribeQuery } from "./list-filter.ts";
import { pageHeaders, problemPage } from "./respond.tsx";

/** Stories on one page of the list: the JSON list's default page. */
export const STORIES_PER_PAGE = 20;
const CACHED_PAGES = 256;

const ListQuery = StoryListQuery.pick({ cursor: true, topic: true, country: true, treaty: true, language: true });

function Select(props: {
  name: string;
  label: string;
  value: string | undefined;
  all: string;
  options: readonly { value: string; label: string }[];
}) {
  return (
    <div>
      <label for={`filter-${props.name}`}>{props.label}</label>
      <select id={`filter-${props.name}`} name={props.name}>
        <option value="">{props.all}</option>
        {props.options.map((option) => (
          <option value={option.value} selected={option.value === props.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function FilterForm(props: { filter: Partial<ListFilter> }) {
  const { filter } = props;
  const languages: string[] = [...LANGUAGES];
  if (filter.language && !languages.includes(filter.language)) languages.push(filter.language);
  return (
    <form class="filters" method="get" action="/" aria-label="Filter stories">
      <Select
        name="topic"
        label="Topic"
        value={filter.topic}
        all="All topics"
        options={TOPICS.map((topic) => ({ value: topic, label: topicName(topic) }))}
      />
      <Select
        name="treaty"
        label="Treaty"
        value={filter.treaty}
        all="All treaties"
        options={TREATY_IDS.map((treaty) => ({ value: treaty, label: treatyName(treaty) }))}
      />
      <Select
        name="country"
        label="Country"
        value={filter.country}
        all="All countries"
        options={COUNTRIES_BY_NAME.map((country) => ({ value: country.code, label: country.name }))}
      />
      <Select
        name="language"
        label="Language"
        value={filter.language}
        all="All languages"
        options={languages.map((language) => ({ value: language, label: languageLabel(language) }))}
      />
      <div class="actions">
        <button type="submit">Show stories</button>
        <a href="/">Clear</a>
      </div>
    </form>
  );
}

/** The list page's query, with the empty fields an unfiltered form sends left out. */
function listQueryOf(query: Record<string, string>) {
  const present = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== ""));
  return ListQuery.safeParse(present);
}

export function registerStoriesPage(pages: Hono<AppEnv>) {
  const cache = new RenderedCache(CACHED_PAGES);
  pages.get("/", pageHeaders("public"), async (c) => {
    const parsed = listQueryOf(c.req.query());
    if (!parsed.success) {
      const errors: FieldError[] = parsed.error.issues.map((issue) => ({
        field: `filter-${String(issue.path[0] ?? "query")}`,
        message: `${String(issue.path[0] ?? "query")}: ${issue.message}`,
      }));
      return problemPage(c, 400, "These filters are not valid", errors, <FilterForm filter={{}} />);
    }
    const { cursor, ...filter } = parsed.data;
    const { store } = c.var.services;
    const render = async () => {
      const page = await store.listStories({ ...filter, cursor, limit: STORIES_PER_PAGE });
      const heading = describeFilter(filter);
      return renderPage(
        <Layout
          title={cursor ? `${heading}, older` : heading === "All stories" ? "treatywatch" : heading}
          description="Arms-control treaty and landmine news, each story with every outlet that reported it."
          current="stories"
          feeds={feedLinks(c.var.options.publicUrl, heading, filterQuery(filter))}
        >
          <h1>{heading === "All stories" ? "Latest stories" : heading}</h1>
          <p class="lede">
            Arms-control treaty and landmine news from many outlets, folded into stories. Newest updates first.
          </p>
          <FilterForm filter={filter} />
          {page.data.length === 0 ? (
            <p>
              No stories match these filters yet. <a href="/">See all stories</a> or{" "}
              <a href={`/subscribe${subscribeQuery(filter)}`}>get an email when one comes</a>.
            </p>
          ) : (
            <ol class="stories" aria-label="Stories">
              {page.data.map((story) => (
                <StoryCard story={story} />
              ))}
            </ol>
          )}
          <nav class="pager" aria-label="More stories">
            {cursor ? <a href={`/${filterQuery(filter)}`}>Newest stories</a> : <span />}
            {page.nextCursor ? (
              <a href={`/${filterQuery(filter, { cursor: page.nextCursor })}`} rel="next">
                Older stories
              </a>
            ) : null}
          </nav>
          <p class="meta">
            Follow these stories in a feed reader: <a href={`/feed/atom${filterQuery(filter)}`}>Atom</a>,{" "}
            <a href={`/feed/rss${filterQuery(filter)}`}>RSS</a> or{" "}
            <a href={`/feed/json${filterQuery(filter)}`}>JSON Feed</a>, or{" "}
            <a href={`/subscribe${subscribeQuery(filter)}`}>by email</a>.
          </p>
        </Layout>,
      );
    };
    // The feed links name the public URL, which behind CloudFront is the host the viewer asked for.
    const key = JSON.stringify([
      c.var.options.publicUrl,
      cursor,
      filter.topic,
      filter.country,
      filter.treaty,
      filter.language,
    ]);
    return sendRendered(
      c,
      await cachedPage(cache, await dataVersionOf(store), key, render),
      "text/html; charset=utf-8",
    );
  });
}
