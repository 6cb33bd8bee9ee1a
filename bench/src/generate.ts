import type { RawEntry } from "@treatywatch/core";
import { seeded } from "@treatywatch/core/seeded";

export function pick<T>(random: () => number, values: readonly T[]): T {
  const value = values[Math.floor(random() * values.length)];
  if (value === undefined) throw new Error("pick from an empty list");
  return value;
}

const PLACES: readonly (readonly [country: string, town: string])[] = [
  ["Ukraine", "Kharkiv"],
  ["Finland", "Helsinki"],
  ["Lithuania", "Vilnius"],
  ["Latvia", "Riga"],
  ["Estonia", "Tallinn"],
  ["Poland", "Warsaw"],
  ["Cambodia", "Battambang"],
  ["Laos", "Xieng Khouang"],
  ["Colombia", "Antioquia"],
  ["Afghanistan", "Helmand"],
  ["Myanmar", "Rakhine"],
  ["Syria", "Idlib"],
  ["Iraq", "Mosul"],
  ["Yemen", "Taiz"],
  ["Angola", "Cuito Cuanavale"],
  ["Mozambique", "Cabo Delgado"],
  ["Bosnia and Herzegovina", "Tuzla"],
  ["Croatia", "Vukovar"],
  ["Azerbaijan", "Aghdam"],
  ["Armenia", "Yerevan"],
  ["Sri Lanka", "Jaffna"],
  ["Vietnam", "Quang Tri"],
  ["Libya", "Tripoli"],
  ["Sudan", "Khartoum"],
  ["Somalia", "Mogadishu"],
  ["Mali", "Mopti"],
  ["Ethiopia", "Tigray"],
  ["Lebanon", "Nabatieh"],
  ["Zimbabwe", "Mukumbura"],
  ["Thailand", "Surin"],
];

const TREATY_NAMES = [
  "the Ottawa Convention",
  "the Mine Ban Treaty",
  "the Convention on Cluster Munitions",
  "the Arms Trade Treaty",
  "the Comprehensive Nuclear-Test-Ban Treaty",
  "the New START treaty",
];

const WITHDRAW = ["withdraw from", "quit", "leave", "pull out of", "exit"];

/** Headline and lead templates; `{c}` a country, `{t}` a town, `{x}` a treaty, `{n}` a number. */
const RELEVANT: readonly (readonly [headline: string, lead: string])[] = [
  ["{c} moves to {w} {x}", "Lawmakers in {c} voted {n} to 12 to begin leaving {x}, citing the war on its border."],
  [
    "Landmine blast kills {n} civilians near {t}",
    "A mine exploded under a farm vehicle near {t} in {c}, officials said.",
  ],
  ["Deminers clear {n} hectares of minefields around {t}", "Teams in {c} removed anti-personnel mines near {t}."],
  ["{c} destroys {n} stockpiled anti-personnel mines", "The destruction in {c} was observed by treaty inspectors."],
  ["Cluster munitions used in strike on {t}, monitor says", "Researchers found cluster munition remnants in {c}."],
  ["{c} parliament ratifies {x}", "The vote in {c} passed with {n} members in favour."],
  ["Campaigners urge {c} to stay in {x}", "Humanitarian groups said {n} survivors in {c} depend on mine clearance."],
  ["Unexploded ordnance found at school in {t}", "Police in {c} cordoned off {n} metres around the site."],
  ["{c} signals it may resume nuclear testing", "Diplomats said the move would undermine {x} and the NPT."],
];

/** Look-alikes the classifier must turn down. */
const LOOKALIKES: readonly (readonly [headline: string, lead: string])[] = [
  ["Budget is a political landmine for {c} finance minister", "Opposition parties in {c} prepared {n} amendments."],
  ["Gold mining output in {c} rises {n} percent", "Mining companies near {t} expanded production this quarter."],
  ["Senators edge rivals {n}-3 in Ottawa overtime thriller", "The crowd at the arena in Ottawa saw a late goal."],
  ["Tax treaty between {c} and Canada enters into force", "The double taxation treaty covers {n} kinds of income."],
  ["Minecraft update adds {n} new cave blocks", "Players can mine deeper than before in the new release."],
  ["COVID clusters reported at {n} schools in {t}", "Health officials in {c} traced the clusters to two events."],
  ["Union members ratify contract after {n}-day strike", "Workers in {t} voted to ratify the three-year deal."],
  ["Data mining firm in {t} raises {n} million", "The start-up in {c} sells analytics to retailers."],
];

/** Detail that varies every report's wording, as real reports do. */
const PEOPLE = [
  "Olena Kovalenko",
  "Mikko Virtanen",
  "Ana Souza",
  "Sok Dara",
  "Jonas Petraitis",
  "Amina Yusuf",
  "Carlos Rojas",
  "Laila Ahmadi",
  "Ivan Horvat",
  "Nadia Haddad",
  "Tomas Berzins",
  "Grace Okafor",
  "Minh Tran",
  "Sara Lindqvist",
  "Omar Farouk",
  "Elena Marin",
  "Kiri Walker",
  "Ruth Mensah",
  "Piotr Nowak",
  "Aylin Demir",
];
const ROLES = [
  "a district official",
  "a deminer",
  "a police spokesperson",
  "a field researcher",
  "a farmer",
  "a diplomat",
  "a health worker",
  "an army engineer",
  "a council member",
  "an aid coordinator",
  "a teacher",
];
const THINGS = [
  "tractors",
  "orchards",
  "roads",
  "bridges",
  "villages",
  "schools",
  "fields",
  "riverbanks",
  "warehouses",
  "rail lines",
  "wells",
  "clinics",
  "pastures",
  "forests",
  "markets",
  "border posts",
];
const STATES = [
  "still closed",
  "being surveyed",
  "marked with warning signs",
  "reopened",
  "under guard",
  "badly damaged",
  "awaiting clearance",
  "checked twice",
  "fenced off",
  "handed back to residents",
];
const WHEN = [
  "",
  "",
  "",
  " on Tuesday",
  " overnight",
  " this week",
  " as talks stall",
  " despite a ceasefire",
  " after heavy rain",
  " ahead of the review conference",
  " amid new fighting",
  " for the first time",
];

const OUTLETS = [
  "Northern Wire",
  "Meridian Dispatch",
  "Borderlands Post",
  "Harbour Ledger",
  "Civic Herald",
  "Daily Atlas",
];
const PREFIXES = ["", "", "Update: ", "Breaking: ", ""];

function fill(template: string, slots: Record<string, string>): string {
  return template.replace(/\{(\w)\}/g, (_, slot: string) => slots[slot] ?? "");
}

export interface GeneratedEntry extends RawEntry {
  guid: string;
  link?: string | undefined;
  title: string;
  summary: string;
  published: string;
}

export interface CorpusOptions {
  seed: number;
  /** Newest report time; items spread backwards from here. */
  end: Date;
  /** How many items a day the corpus carries (sets how far back it reaches). */
  perDay: number;
  /** Share of look-alike items. */
  lookalikeShare?: number;
}

/**
 * News-like entries: events reported by one to four outlets in reworded headlines,
 * with look-alikes mixed in, spread evenly over time (newest last).
 */
export function generateEntries(count: number, options: CorpusOptions): GeneratedEntry[] {
  const random = seeded(options.seed);
  const entries: GeneratedEntry[] = [];
  const spacingMs = 86_400_000 / options.perDay;
  const startMs = options.end.getTime() - count * spacingMs;
  let event = 0;
  while (entries.length < count) {
    event++;
    const lookalike = random() < (options.lookalikeShare ?? 0.4);
    const [headline, lead] = pick(random, lookalike ? LOOKALIKES : RELEVANT);
    const [country, town] = pick(random, PLACES);
    const slots = {
      c: country,
      t: town,
      x: pick(random, TREATY_NAMES),
      n: String(2 + Math.floor(random() * 400)),
      w: pick(random, WITHDRAW),
    };
    const reports = 1 + Math.floor(random() * 4);
    for (let report = 0; report < reports && entries.length < count; report++) {
      const index = entries.length;
      const outlet = OUTLETS[(event + report) % OUTLETS.length] ?? "Northern Wire";
      const title = `${pick(random, PREFIXES)}${fill(headline, { ...slots, w: pick(random, WITHDRAW) })}${pick(random, WHEN)}`;
      const detail =
        `${pick(random, PEOPLE)}, ${pick(random, ROLES)}, said ${2 + Math.floor(random() * 90)} ` +
        `${pick(random, THINGS)} near ${town} were ${pick(random, STATES)}.`;
      const summary = `${fill(lead, slots)} ${detail}`;
      entries.push({
        guid: `urn:bench:${options.seed}:${index}`,
        link: `https://news.example.org/${options.seed}/${event}/${report}`,
        title,
        summary,
        published: new Date(startMs + index * spacingMs).toUTCString(),
        outlet,
      });
    }
  }
  return entries;
}

function xmlText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** An RSS 2.0 document carrying the entries. */
export function toRss(title: string, entries: readonly GeneratedEntry[]): string {
  const items = entries
    .map(
      (entry) =>
        `<item><title>${xmlText(entry.title)}</title><link>${xmlText(entry.link ?? "")}</link>` +
        `<guid isPermaLink="false">${xmlText(entry.guid)}</guid><pubDate>${entry.published}</pubDate>` +
        `<description>${xmlText(entry.summary)}</description></item>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>${xmlText(title)}</title><link>https://news.example.org/</link><description>generated</description>\n${items}\n</channel></rss>\n`;
}

/** Cuts entries into feeds of `perFeed` items each. */
export function chunk<T>(values: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < values.length; start += size) chunks.push(values.slice(start, start + size));
  return chunks;
}
