/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Story } from "@treatywatch/core";
import type { Child } from "hono/jsx";
import { categoryName, countryLabel, languageLabel, shorten, topicName, treatyName, utcTime } from "./labels.ts";

/** A time in UTC in the markup; the script shows it in the reader's own zone. */
export function Time(props: { at: string }) {
  return (
    <time datetime={props.at} data-local="">
      {utcTime(props.at)}
    </time>
  );
}

/** Topics, categories, treaties, countries and languages of a story, in words. */
export function Tags(props: { story: Story; label: string }) {
  const { story } = props;
  const tags = [
    ...story.topics.map(topicName),
    ...story.treaties.map(treatyName),
    ...story.countries.map(countryLabel),
    ...story.categories.map(categoryName),
  ];
  if (tags.length === 0) return null;
  return (
    <ul class="tags" aria-label={props.label}>
      {tags.map((tag) => (
        <li>{tag}</li>
      ))}
    </ul>
  );
}

export function outletsOf(story: Pick<Story, "sources">): string[] {
  return [...new Set(story.sources.map((source) => source.outlet))];
}

function reportedBy(story: Story): string {
  const outlets = outletsOf(story);
  const shown = outlets.slice(0, 6).join(", ");
  return outlets.length > 6 ? `${shown} and ${outlets.length - 6} more` : shown;
}

/** One story in a list: headline, when, a short summary, who reported it, what it is about. */
export function StoryCard(props: { story: Story; headingLevel?: 2 | 3 }) {
  const { story } = props;
  const outlets = outletsOf(story).length;
  const headingId = `story-${story.id}`;
  const link = <a href={`/stories/${encodeURIComponent(story.id)}`}>{story.title}</a>;
  return (
    <li class="story">
      <article aria-labelledby={headingId}>
        {props.headingLevel === 3 ? <h3 id={headingId}>{link}</h3> : <h2 id={headingId}>{link}</h2>}
        <p class="meta">
          Updated <Time at={story.updatedAt} /> · {outlets} {outlets === 1 ? "outlet" : "outlets"}
          {story.languages && story.languages.length > 0 ? ` · ${story.languages.map(languageLabel).join(", ")}` : ""}
        </p>
        {story.summary ? <p>{shorten(story.summary, 280)}</p> : null}
        <p class="meta">Reported by {reportedBy(story)}</p>
        <Tags story={story} label="What it is about" />
      </article>
    </li>
  );
}

export interface FieldError {
  /** The form field at fault: its name and its element's id. */
  field: string;
  message: string;
}

/** The errors of a form, each linking to its field, read first by screen readers. */
export function ErrorSummary(props: { errors: readonly FieldError[] }) {
  if (props.errors.length === 0) return null;
  return (
    <div class="errors" role="alert" aria-labelledby="error-summary">
      <h2 id="error-summary">Please correct {props.errors.length === 1 ? "this" : "these"}</h2>
      <ul>
        {props.errors.map((error) => (
          <li>
            <a href={`#${error.field}`}>{error.message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function errorFor(errors: readonly FieldError[], field: string): FieldError | undefined {
  return errors.find((error) => error.field === field);
}

/** A field's error text, referenced by the field's aria-describedby. */
export function FieldErrorText(props: { errors: readonly FieldError[]; field: string }) {
  const error = errorFor(props.errors, props.field);
  return error ? (
    <span class="error" id={`${props.field}-error`}>
      {error.message}
    </span>
  ) : null;
}

export function describedBy(errors: readonly FieldError[], field: string, hint?: string): string | undefined {
  const ids = [hint, errorFor(errors, field) ? `${field}-error` : undefined].filter(Boolean);
  return ids.length > 0 ? ids.join(" ") : undefined;
}

export function Notice(props: { children?: Child }) {
  return (
    <div class="notice" role="status">
      {props.children}
    </div>
  );
}
