import type { CitedSentence, Digest, DigestEntry, DigestReference } from "./digest.ts";
import { CATEGORIES, type Category, TOPIC_LABELS, type Topic } from "./taxonomy.ts";
import type { Story, StorySource } from "./types.ts";

/** A message rendered both ways: plain text, and HTML that reads well without CSS. */
export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** Only http(s) links are rendered as links; anything else (a feed's javascript: or data: URL) is shown as text. */
export function safeHref(link: string | undefined): string | undefined {
  if (!link) return undefined;
  try {
    const url = new URL(link);
    return url.protocol === "http:" || url.protocol === "https:" ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

export function topicLabel(topic: Topic): string {
  return TOPIC_LABELS[topic];
}

export function categoryLabel(category: Category): string {
  return CATEGORIES[category].label;
}

function page(title: string, body: string): string {
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>\n${body}\n</body></html>\n`;
}

/**
 * The page where a subscriber changes their filter and cadence, pauses or stops: the same
 * capability token as the one-click unsubscribe link (`…/v1/unsubscribe?token=T` → `…/manage/T`).
 */
export function manageLinkFor(unsubscribeUrl: string): string | undefined {
  try {
    const url = new URL(unsubscribeUrl);
    const token = url.searchParams.get("token");
    if (!token || !url.pathname.endsWith("/v1/unsubscribe")) return undefined;
    url.pathname = `${url.pathname.slice(0, -"/v1/unsubscribe".length)}/manage/${encodeURIComponent(token)}`;
    url.search = "";
    return url.toString();
  } catch {
    return undefined;
  }
}

function footer(unsubscribeUrl: string): { text: string; html: string } {
  const manage = manageLinkFor(unsubscribeUrl);
  return {
    text: `\n--\nYou get this because you subscribed to treatywatch alerts.\n${manage ? `Change or pause them: ${manage}\n` : ""}Unsubscribe: ${unsubscribeUrl}\n`,
    html: `<hr>\n<p>You get this because you subscribed to treatywatch alerts. ${manage ? `<a href="${escapeHtml(manage)}">Change or pause them</a> or <a href="${escapeHtml(unsubscribeUrl)}">unsubscribe</a>` : `<a href="${escapeHtml(unsubscribeUrl)}">Unsubscribe</a>`}.</p>`,
  };
}

/** What an alert shows of a story; a webhook payload's story has it too. */
export type AlertStory = Pick<Story, "title" | "summary"> & {
  sources: readonly Pick<StorySource, "outlet" | "title" | "link" | "publishedAt">[];
};

export interface AlertRenderInput {
  story: AlertStory;
  /** Why it matched, e.g. `country: UA`. */
  reasons: readonly string[];
  /** For an update: what changed. */
  changes?: readonly string[] | undefined;
  unsubscribeUrl: string;
}

/** One story alert: headline, summary, every source with its date as given, and why it came. */
export function renderAlert(input: AlertRenderInput): RenderedMessage {
  const { story } = input;
  const subject = `${input.changes ? "Update: " : ""}${story.title}`;
  const sources = story.sources.map((source, index) => {
    const date = referenceDate(source.publishedAt);
    return { number: index + 1, source, date, href: safeHref(source.link) };
  });
  const end = footer(input.unsubscribeUrl);
  const text = [
    story.title,
    "",
    story.summary,
    "",
    ...(input.changes?.length ? [`What changed: ${input.changes.join("; ")}`, ""] : []),
    "Sources:",
    ...sources.map(
      ({ number, source, date, href }) =>
        `[${number}] ${source.outlet}: ${source.title}${date ? ` (${date})` : ""}${href ? `\n    ${href}` : ""}`,
    ),
    "",
    `Why you got this: ${input.reasons.join("; ") || "your filter matches every story"}`,
    end.text,
  ].join("\n");
  const html = page(
    subject,
    [
      `<h1>${escapeHtml(story.title)}</h1>`,
      `<p>${escapeHtml(story.summary)}</p>`,
      input.changes?.length ? `<p><strong>What changed:</strong> ${escapeHtml(input.changes.join("; "))}</p>` : "",
      "<h2>Sources</h2>",
      "<ol>",
      ...sources.map(({ source, date, href }) => {
        const title = href ? `<a href="${escapeHtml(href)}">${escapeHtml(source.title)}</a>` : escapeHtml(source.title);
        return `<li>${escapeHtml(source.outlet)}: ${title}${date ? ` (${escapeHtml(date)})` : ""}</li>`;
      }),
      "</ol>",
      `<p>Why you got this: ${escapeHtml(input.reasons.join("; ") || "your filter matches every story")}</p>`,
      end.html,
    ]
      .filter(Boolean)
      .join("\n"),
  );
  return { subject, text, html };
}

/** The double opt-in mail: nothing is sent to an address until its owner follows the link. */
export function renderConfirmation(input: { confirmUrl: string; description: string }): RenderedMessage {
  const subject = "Confirm your treatywatch subscription";
  const text = [
    "Someone, hopefully you, asked to receive treatywatch alerts at this address:",
    "",
    `  ${input.description}`,
    "",
    "To start receiving them, confirm here:",
    input.confirmUrl,
    "",
    "If this was not you, ignore this mail: nothing more will be sent.",
    "",
  ].join("\n");
  const html = page(
    subject,
    [
      "<p>Someone, hopefully you, asked to receive treatywatch alerts at this address:</p>",
      `<p><strong>${escapeHtml(input.description)}</strong></p>`,
      `<p><a href="${escapeHtml(input.confirmUrl)}">Confirm the subscription</a></p>`,
      `<p>Or paste this link into your browser: ${escapeHtml(input.confirmUrl)}</p>`,
      "<p>If this was not you, ignore this mail: nothing more will be sent.</p>",
    ].join("\n"),
  );
  return { subject, text, html };
}

/**
 * The notice to a tenant's contact that a webhook was disabled: which one, why, since
 * when, and the request that enables it again.
 */
export function renderEndpointDisabled(input: {
  subscriptionId: string;
  url: string;
  reason: string;
  disabledAt: string;
  verifyUrl: string;
}): RenderedMessage {
  const subject = `treatywatch disabled a webhook: ${input.url}`;
  const enable = `POST ${input.verifyUrl}`;
  const text = [
    "treatywatch stopped sending alerts to one of your webhooks.",
    "",
    `  Subscription: ${input.subscriptionId}`,
    `  URL:          ${input.url}`,
    `  Why:          ${input.reason}`,
    `  Disabled at:  ${input.disabledAt}`,
    "",
    "Until it is enabled, no alerts are made for it; those already waiting are logged as failed.",
    "When the endpoint answers again, enable it with your API key (it is sent a signed",
    "verification ping, and a 2xx answer turns the subscription active):",
    "",
    `  ${enable}`,
    "",
  ].join("\n");
  const html = page(
    subject,
    [
      "<p>treatywatch stopped sending alerts to one of your webhooks.</p>",
      "<ul>",
      `<li>Subscription: <code>${escapeHtml(input.subscriptionId)}</code></li>`,
      `<li>URL: <code>${escapeHtml(input.url)}</code></li>`,
      `<li>Why: ${escapeHtml(input.reason)}</li>`,
      `<li>Disabled at: ${escapeHtml(input.disabledAt)}</li>`,
      "</ul>",
      "<p>Until it is enabled, no alerts are made for it; those already waiting are logged as failed.</p>",
      "<p>When the endpoint answers again, enable it with your API key: it is sent a signed verification ping, and a 2xx answer turns the subscription active.</p>",
      `<pre>${escapeHtml(enable)}</pre>`,
    ].join("\n"),
  );
  return { subject, text, html };
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** `2026-03-02T07:10:00Z` → `2 March 2026`; an absent date stays absent. */
export function referenceDate(publishedAt: string | undefined): string | undefined {
  if (!publishedAt) return undefined;
  const date = new Date(publishedAt);
  if (Number.isNaN(date.getTime())) return undefined;
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** `Sentence.` with citations 1 and 2 → `Sentence[1][2].` */
function citedText(sentence: CitedSentence): string {
  const marks = sentence.citations.map((number) => `[${number}]`).join("");
  const end = /[.!?]$/.exec(sentence.text)?.[0] ?? "";
  return `${sentence.text.slice(0, sentence.text.length - end.length)}${marks}${end || "."}`;
}

function referenceText(reference: DigestReference): string {
  const date = referenceDate(reference.publishedAt);
  return `[${reference.number}] ${reference.outlet}, "${reference.title}"${date ? `, ${date}` : ""}.${reference.link ? ` ${reference.link}` : ""}`;
}

function referenceHtml(reference: DigestReference): string {
  const date = referenceDate(reference.publishedAt);
  const href = safeHref(reference.link);
  const title = href ? `<a href="${escapeHtml(href)}">${escapeHtml(reference.title)}</a>` : escapeHtml(reference.title);
  return `<li value="${reference.number}">${escapeHtml(reference.outlet)}, “${title}”${date ? `, ${escapeHtml(date)}` : ""}</li>`;
}

/** Category names as a reader says them: "Conflict, war and peace", not `war-and-conflicts`. */
export function categoryNames(categories: readonly Category[]): string {
  return categories.map(categoryLabel).join("; ") || "General news";
}

/**
 * An entry's text and HTML, made once: digests of one window share their entries, so a story
 * many subscribers get is rendered once for all of them.
 */
const renderedEntries = new WeakMap<DigestEntry, { text: string; html: string }>();

function renderedEntry(entry: DigestEntry): { text: string; html: string } {
  let rendered = renderedEntries.get(entry);
  if (!rendered) {
    rendered = { text: entryText(entry), html: entryHtml(entry) };
    renderedEntries.set(entry, rendered);
  }
  return rendered;
}

function entryText(entry: DigestEntry): string {
  return [
    entry.headline,
    entry.summary.map(citedText).join(" "),
    ["References:", ...entry.references.map(referenceText)].join("\n"),
    `Categories: ${categoryNames(entry.categories)}`,
  ]
    .filter(Boolean)
    .join("\n");
}

function entryHtml(entry: DigestEntry): string {
  return [
    `<h3>${escapeHtml(entry.headline)}</h3>`,
    entry.summary.length ? `<p>${escapeHtml(entry.summary.map(citedText).join(" "))}</p>` : "",
    "<ol>",
    ...entry.references.map(referenceHtml),
    "</ol>",
    `<p><small>Categories: ${escapeHtml(categoryNames(entry.categories))}</small></p>`,
  ]
    .filter(Boolean)
    .join("\n");
}

/** A digest as a subject, plain text and plain HTML, in the order it was composed. */
export function renderDigest(
  digest: Digest,
  options: { unsubscribeUrl: string /** Where every matching story is listed. */; moreUrl?: string | undefined },
): RenderedMessage {
  const total = digest.storyCount + digest.omitted;
  const count = `${total} ${total === 1 ? "story" : "stories"}`;
  const subject = `treatywatch digest ${digest.period}: ${count}`;
  const end = footer(options.unsubscribeUrl);
  const more = digest.omitted > 0 ? `…and ${digest.omitted} more ${digest.omitted === 1 ? "story" : "stories"}` : "";
  const moreHref = safeHref(options.moreUrl);
  const text = [
    subject,
    ...digest.sections.flatMap((section) => [
      "",
      section.label.toUpperCase(),
      "",
      section.entries.map((entry) => renderedEntry(entry).text).join("\n\n"),
    ]),
    ...(more ? ["", moreHref ? `${more}: ${moreHref}` : `${more}.`] : []),
    end.text,
  ].join("\n");
  const html = page(
    subject,
    [
      `<h1>${escapeHtml(subject)}</h1>`,
      ...digest.sections.flatMap((section) => [
        `<h2>${escapeHtml(section.label)}</h2>`,
        ...section.entries.map((entry) => renderedEntry(entry).html),
      ]),
      ...(more
        ? [`<p>${moreHref ? `<a href="${escapeHtml(moreHref)}">${escapeHtml(more)}</a>` : escapeHtml(`${more}.`)}</p>`]
        : []),
      end.html,
    ].join("\n"),
  );
  return { subject, text, html };
}
