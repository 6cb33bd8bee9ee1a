/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Cadence, Story, Subscription, SubscriptionFilter } from "@treatywatch/core";
import { CadenceSchema, ChannelSchema, FilterSchema } from "../routes/subscriptions/schema.ts";
import { describedBy, type FieldError, FieldErrorText, Time } from "./components.tsx";
import { readCountries, TOPICS, TREATY_IDS, topicDescription, treatyName, writeCountries } from "./labels.ts";

/** The sign-up and manage forms as typed: every field a string, so a rejected form shows again as it was. */
export interface FormValues {
  topics: string[];
  treaties: string[];
  countries: string;
  keywords: string;
  cadence: string;
  hour: string;
  weekday: string;
  timeZone: string;
  email: string;
}

/** Reads the fields by name from a query or a posted form; `all` gives every value of a name. */
export function readForm(all: (name: string) => string[]): FormValues {
  const one = (name: string) => all(name)[0]?.trim() ?? "";
  return {
    topics: all("topics"),
    treaties: all("treaties"),
    countries: one("countries"),
    keywords: one("keywords"),
    cadence: one("cadence") || "instant",
    hour: one("hour") || "8",
    weekday: one("weekday") || "1",
    timeZone: one("timeZone") || "UTC",
    email: one("email"),
  };
}

export function formOf(subscription: Pick<Subscription, "filter" | "cadence">): FormValues {
  const { filter, cadence } = subscription;
  return {
    topics: filter.topics ?? [],
    treaties: filter.treaties ?? [],
    countries: writeCountries(filter.countries),
    keywords: filter.keywords ?? "",
    cadence: cadence.kind,
    hour: cadence.kind === "instant" ? "8" : String(cadence.hour),
    weekday: cadence.kind === "weekly" ? String(cadence.weekday) : "1",
    timeZone: cadence.kind === "instant" ? "UTC" : cadence.timeZone,
    email: "",
  };
}

/** A field's id and name in the form, for a path in the API's schemas. */
const FIELD_OF: Record<string, string> = {
  topics: "topics",
  treaties: "treaties",
  countries: "countries",
  keywords: "keywords",
  kind: "cadence",
  hour: "hour",
  weekday: "weekday",
  timeZone: "timeZone",
  address: "email",
};

const LABEL_OF: Record<string, string> = {
  topics: "Topics",
  treaties: "Treaties",
  countries: "Countries",
  keywords: "Keywords",
  cadence: "How often",
  hour: "Hour",
  weekday: "Day",
  timeZone: "Time zone",
  email: "Email address",
};

function issuesOf(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldError[] {
  return issues.map((issue) => {
    const field = FIELD_OF[String(issue.path[0])] ?? "keywords";
    return { field, message: `${LABEL_OF[field]}: ${issue.message}` };
  });
}

const nonEmpty = <T,>(values: T[]): T[] | undefined => (values.length > 0 ? values : undefined);

/** The filter the form asks for, checked by the API's own schema. */
export function filterOf(values: FormValues): { filter: SubscriptionFilter; errors: FieldError[] } {
  const countries = readCountries(values.countries);
  const errors: FieldError[] = countries.unknown.map((name) => ({
    field: "countries",
    message: `Countries: no country is called “${name}”; use its English name or its two-letter code`,
  }));
  const parsed = FilterSchema.safeParse({
    topics: nonEmpty(values.topics),
    treaties: nonEmpty(values.treaties),
    countries: nonEmpty(countries.codes),
    keywords: values.keywords || undefined,
  });
  if (!parsed.success) return { filter: {}, errors: [...errors, ...issuesOf(parsed.error.issues)] };
  return { filter: parsed.data, errors };
}

/** The cadence the form asks for, checked by the API's own schema. */
export function cadenceOf(values: FormValues): { cadence: Cadence; errors: FieldError[] } {
  const hour = Number(values.hour);
  const weekday = Number(values.weekday);
  const wanted =
    values.cadence === "instant"
      ? { kind: "instant" }
      : values.cadence === "weekly"
        ? { kind: "weekly", weekday, hour, timeZone: values.timeZone }
        : { kind: values.cadence, hour, timeZone: values.timeZone };
  const parsed = CadenceSchema.safeParse(wanted);
  if (!parsed.success) return { cadence: { kind: "instant" }, errors: issuesOf(parsed.error.issues) };
  return { cadence: parsed.data, errors: [] };
}

/** The email address the form gives, checked as the API checks a channel. */
export function addressOf(values: FormValues): { address: string; errors: FieldError[] } {
  const parsed = ChannelSchema.safeParse({ type: "email", address: values.email });
  if (!parsed.success || parsed.data.type !== "email") {
    return {
      address: "",
      errors: [{ field: "email", message: "Email address: enter an address like name@example.org" }],
    };
  }
  return { address: parsed.data.address, errors: [] };
}

function Checkboxes(props: {
  name: string;
  legend: string;
  hint: string;
  options: readonly { value: string; label: string }[];
  checked: readonly string[];
  errors: readonly FieldError[];
}) {
  return (
    <fieldset
      id={props.name}
      tabindex={-1}
      aria-describedby={describedBy(props.errors, props.name, `${props.name}-hint`)}
      data-previews=""
    >
      <legend>{props.legend}</legend>
      <span class="hint" id={`${props.name}-hint`}>
        {props.hint}
      </span>
      <FieldErrorText errors={props.errors} field={props.name} />
      <div class="choices">
        {props.options.map((option) => (
          <label class="choice">
            <input
              type="checkbox"
              name={props.name}
              value={option.value}
              checked={props.checked.includes(option.value)}
            />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function TextField(props: {
  name: string;
  label: string;
  hint: string;
  value: string;
  errors: readonly FieldError[];
  type?: "text" | "email";
  autocomplete?: string;
  required?: boolean;
  previews?: boolean;
}) {
  const invalid = props.errors.some((error) => error.field === props.name);
  return (
    <div class="field">
      <label for={props.name}>{props.label}</label>
      <span class="hint" id={`${props.name}-hint`}>
        {props.hint}
      </span>
      <FieldErrorText errors={props.errors} field={props.name} />
      <input
        type={props.type ?? "text"}
        id={props.name}
        name={props.name}
        value={props.value}
        autocomplete={props.autocomplete ?? "off"}
        spellcheck={props.type === "email" ? false : undefined}
        required={props.required}
        aria-invalid={invalid ? "true" : undefined}
        aria-describedby={describedBy(props.errors, props.name, `${props.name}-hint`)}
        data-previews={props.previews ? "" : undefined}
      />
    </div>
  );
}

/** What to follow: topics, treaties, countries and keywords. */
export function FilterFields(props: { values: FormValues; errors: readonly FieldError[] }) {
  const { values, errors } = props;
  return (
    <>
      <Checkboxes
        name="topics"
        legend="Topics"
        hint="Any of these. Leave all unticked for every topic."
        options={TOPICS.map((topic) => ({ value: topic, label: topicDescription(topic) }))}
        checked={values.topics}
        errors={errors}
      />
      <Checkboxes
        name="treaties"
        legend="Treaties"
        hint="Any of these. Leave all unticked for every treaty."
        options={TREATY_IDS.map((treaty) => ({ value: treaty, label: treatyName(treaty) }))}
        checked={values.treaties}
        errors={errors}
      />
      <fieldset>
        <legend>Places and words</legend>
        <TextField
          name="countries"
          label="Countries"
          hint="Names or two-letter codes, separated by commas, e.g. Ukraine, Lithuania. Empty for anywhere."
          value={values.countries}
          errors={errors}
          previews
        />
        <TextField
          name="keywords"
          label="Keywords"
          hint='Words and "quoted phrases" with AND, OR, NOT (or -) and parentheses, e.g. "Ottawa Convention" AND (withdraw OR withdrawal) NOT hockey.'
          value={values.keywords}
          errors={errors}
          previews
        />
      </fieldset>
    </>
  );
}

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const TIME_ZONES = Intl.supportedValuesOf("timeZone");

/** How often: at once, or daily or weekly at an hour in the reader's time zone. */
export function CadenceFields(props: { values: FormValues; errors: readonly FieldError[] }) {
  const { values, errors } = props;
  const zones =
    TIME_ZONES.includes(values.timeZone) || !values.timeZone ? TIME_ZONES : [values.timeZone, ...TIME_ZONES];
  const options = [
    ["instant", "As it happens", "One email per story, when it is first reported and when it grows."],
    ["daily", "Daily digest", "One email a day with the day's stories, grouped by topic."],
    ["weekly", "Weekly digest", "One email a week."],
  ] as const;
  return (
    <fieldset id="cadence" tabindex={-1}>
      <legend>How often</legend>
      <FieldErrorText errors={errors} field="cadence" />
      {options.map(([value, label, hint]) => (
        <label class="choice">
          <input type="radio" name="cadence" value={value} checked={values.cadence === value} />
          <span>
            {label}
            <span class="hint">{hint}</span>
          </span>
        </label>
      ))}
      <div class="row">
        <div class="field" data-cadence="weekly">
          <label for="weekday">Day</label>
          <select id="weekday" name="weekday">
            {WEEKDAYS.map((day, index) => (
              <option value={String(index + 1)} selected={values.weekday === String(index + 1)}>
                {day}
              </option>
            ))}
          </select>
        </div>
        <div class="field" data-cadence="daily weekly">
          <label for="hour">Hour</label>
          <FieldErrorText errors={errors} field="hour" />
          <select id="hour" name="hour" aria-describedby={describedBy(errors, "hour")}>
            {Array.from({ length: 24 }, (_, hour) => (
              <option value={String(hour)} selected={values.hour === String(hour)}>
                {`${String(hour).padStart(2, "0")}:00`}
              </option>
            ))}
          </select>
        </div>
        <div class="field" data-cadence="daily weekly">
          <label for="timeZone">Time zone</label>
          <FieldErrorText errors={errors} field="timeZone" />
          <select
            id="timeZone"
            name="timeZone"
            data-detect-zone=""
            aria-describedby={describedBy(errors, "timeZone")}
            aria-invalid={errors.some((error) => error.field === "timeZone") ? "true" : undefined}
          >
            {zones.map((zone) => (
              <option value={zone} selected={values.timeZone === zone}>
                {zone.replaceAll("_", " ")}
              </option>
            ))}
          </select>
        </div>
      </div>
    </fieldset>
  );
}

export const PREVIEW_SHOWN = 8;

export type PreviewResult =
  | { ok: true; matches: Array<{ story: Story; reasons: string[] }>; capped: boolean }
  | { ok: false; errors: FieldError[] };

/** The recent stories a filter would have sent, or why the filter cannot be read yet. */
export function PreviewResults(props: { result: PreviewResult }) {
  const { result } = props;
  if (!result.ok) {
    return (
      <>
        <p>The preview waits for the filter to make sense:</p>
        <ul>
          {result.errors.map((error) => (
            <li class="error">{error.message}</li>
          ))}
        </ul>
      </>
    );
  }
  const count = result.matches.length;
  if (count === 0) return <p>No story of the last 30 days matches. Alerts will come when one does.</p>;
  return (
    <>
      <p>
        {result.capped ? `More than ${count - 1}` : count} {count === 1 ? "story" : "stories"} of the last 30 days match
        {count === 1 ? "es" : ""}
        {count > PREVIEW_SHOWN ? `; the latest ${PREVIEW_SHOWN}` : ""}:
      </p>
      <ol>
        {result.matches.slice(0, PREVIEW_SHOWN).map(({ story, reasons }) => (
          <li>
            <a href={`/stories/${encodeURIComponent(story.id)}`}>{story.title}</a>{" "}
            <span class="meta">
              <Time at={story.updatedAt} />
              {reasons.length > 0 ? ` · ${reasons.join("; ")}` : ""}
            </span>
          </li>
        ))}
      </ol>
    </>
  );
}

/** The live preview beside the form; the script refreshes it as the filter changes. */
export function PreviewSection(props: { result: PreviewResult | undefined }) {
  return (
    <section class="preview" aria-labelledby="preview-heading">
      <h2 id="preview-heading">Recent stories this would have sent</h2>
      <div id="preview" aria-live="polite">
        {props.result ? (
          <PreviewResults result={props.result} />
        ) : (
          <p>Choose what to follow to see matching stories here.</p>
        )}
      </div>
    </section>
  );
}
