import { findCountries } from "./countries.ts";
import { type Category, categoriesFor, type Topic, type TreatyId } from "./taxonomy.ts";
import { foldForMatching } from "./text.ts";
import type { Cue, Verdict } from "./types.ts";

export const CLASSIFIER_VERSION = "2026.11.1";

export interface ClassifyInput {
  title: string;
  summary?: string | undefined;
}

/** A pattern on folded text. Patterns start at a word boundary; stems may run on. */
function rx(source: string): RegExp {
  // Patterns are written in lower case; strip accents the way foldForMatching does for text.
  const folded = source.normalize("NFKD").replace(/\p{M}+/gu, "");
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${folded})`, "giu");
}

interface Rule {
  pattern: RegExp;
  weight: number;
}

/** Phrases that look on-topic and are not; their text is blanked before any cue is read. */
const VETOES: ReadonlyArray<readonly [string, RegExp]> = [
  ["political-landmine", rx("(political|electoral|legal|policy|pr|budget) (land ?mines?|minefields?)")],
  [
    "metaphorical-minefield",
    rx("(a|an|the) (legal|political|diplomatic|regulatory|ethical|economic|tax|emotional|social|financial) minefield"),
  ],
  ["minefield-of", rx("minefield of (issues|questions|problems|rules|regulations|paperwork|emotions)")],
  ["gym-landmine", rx("landmine (press|row|squat|exercise|attachment|workout|rotation|twist|deadlift|thruster)s?")],
  [
    "resource-mining",
    rx(
      "(coal|gold|copper|lithium|iron ore|crypto|bitcoin|data|salt|diamond|silver|uranium|nickel|cobalt|rare earth|open-pit|strip|deep-sea)[ -]min(es?|ing|ers?)(?![\\p{L}])",
    ),
  ],
  ["minecraft", rx("minecraft")],
  ["covid-cluster", rx("(covid|coronavirus|outbreak|infection|cancer|case|measles) clusters?")],
  ["compute-cluster", rx("(kubernetes|k8s|server|compute|gpu|database|hadoop) clusters?")],
];

/** Cues that place an item in this domain at all. */
const ANCHORS: Rule[] = [
  {
    pattern: rx("(anti-?personnel|anti-?tank|anti-?vehicle|butterfly|scatterable|naval|sea|land) ?mines?(?![\\p{L}])"),
    weight: 3,
  },
  {
    pattern: rx(
      "mine (action|clearance|ban|victims?|survivors?|risk|blast|explosion|incident|accident|contamination|detection)",
    ),
    weight: 3,
  },
  { pattern: rx("(stepped on|struck|hit|triggered|detonated|ran over) an? (land ?)?mine(?![\\p{L}])"), weight: 3 },
  { pattern: rx("mine-(free|affected|contaminated|laying|clearing)"), weight: 3 },
  {
    pattern: rx(
      "(de-?mining|deminers?|sappers?|unexploded ordnance|uxos?(?![\\p{L}])|explosive remnants of war|erw(?![\\p{L}])|unexploded (bombs?|shells?|munitions?))",
    ),
    weight: 3,
  },
  { pattern: rx("minefields?(?![\\p{L}])"), weight: 1.5 },
  { pattern: rx("cluster (munitions?|bombs?)|submunitions?|bomblets?|dpicm"), weight: 3 },
  {
    pattern: rx("arms control|nuclear (test|testing|tests|arsenal|warheads?)|non-?proliferation|disarmament"),
    weight: 2,
  },
  // French, German, Spanish, Russian, Ukrainian.
  { pattern: rx("mines? antipersonnel|deminage|armes? a sous-munitions|sous-munitions|restes explosifs"), weight: 3 },
  { pattern: rx("antipersonenminen|landminen|minenraumung|streumunition|blindganger"), weight: 3 },
  { pattern: rx("minas? antipersona|desminado|municiones? en racimo|bombas? de racimo"), weight: 3 },
  { pattern: rx("противопехотн|мины|минн|разминир|кассетн"), weight: 3 },
  { pattern: rx("протипіхотн|міни|мінн|розмінув|касетн"), weight: 3 },
];

const TREATY_RULES: ReadonlyArray<readonly [TreatyId, RegExp]> = [
  [
    "mine-ban",
    rx(
      "ottawa (convention|treaty)|mine ban (treaty|convention)|anti-?personnel mine ban|convention d'ottawa|ottawa-(konvention|abkommen|vertrag)|(tratado|convencion) de ottawa|оттавск|оттавськ",
    ),
  ],
  [
    "ccm",
    rx(
      "convention on cluster munitions|cluster munitions convention|oslo convention|convention sur les armes a sous-munitions|ubereinkommen uber streumunition|convencion sobre municiones en racimo|конвенци\\S* о кассетн|конвенці\\S* про касетн",
    ),
  ],
  ["ccw", rx("convention on (certain )?conventional weapons|ccw(?![\\p{L}])")],
  ["att", rx("arms trade treaty|att(?= (conference|states|secretariat))")],
  ["ctbt", rx("ctbto?(?![\\p{L}])|comprehensive (nuclear-)?test[- ]ban")],
  ["new-start", rx("new start(?![\\p{L}])|снв-3|договор\\S* о снв")],
  ["npt", rx("npt(?![\\p{L}])|non-?proliferation treaty|treaty on the non-?proliferation")],
  ["inf", rx("inf treaty|intermediate-range nuclear forces")],
];

/** Topic cues; they count only once the item is anchored in the domain. */
const TOPIC_RULES: ReadonlyArray<readonly [Topic, RegExp]> = [
  [
    "treaty-status",
    rx(
      "withdr[ae]w|withdrawal|exit(s|ing)? (from )?the|quit(s|ting)?|leav(e|es|ing) the|pull(s|ed|ing)? out|denounc|accede|accession|ratif|de-?ratif|suspend|notif(y|ies|ied|ication)|states parties|state party|signator|compliance|violat|retrait|austritt|retirada|retiro|выход|вихід|денонс",
    ),
  ],
  [
    "mine-use",
    rx(
      "(us(e|es|ed|ing)|laid|lay(s|ing)?|planted|plant(s|ing)?|scatter(ed|s|ing)?|deploy(s|ed|ing)?|emplac\\w*) (of )?(new |banned |anti-?personnel |antipersonnel )?(land ?)?mines|mine-laying|minelaying|mining (of )?(roads|fields|the border|border)",
    ),
  ],
  [
    "casualties",
    rx(
      "killed|injur|wounded|casualt|victims?|maimed|amputat|died|deaths?|dead(?![\\p{L}])|blast|survivors?|погиб|загин|поранен|ранен|muert|tue|getotet",
    ),
  ],
  [
    "clearance",
    rx(
      "de-?mining|deminers?|sappers?|clear(ed|ing|ance)|survey|land release|unexploded|uxos?(?![\\p{L}])|explosive remnants|erw(?![\\p{L}])|mine-free|mine action|deminage|minenraumung|desminado|разминир|розмінув",
    ),
  ],
  [
    "stockpile-transfer",
    rx(
      "stockpiles?|transfer(s|red|ring)?|suppl(y|ies|ied|ying)|ship(s|ped|ment)|deliver(y|ies|ed)|provid(e|es|ed|ing)|send(s|ing)?|sent|product(ion)?|produc(e|es|ed|ing)|manufactur|destr(oy|oyed|uction)|export|import",
    ),
  ],
  [
    "cluster-munitions",
    rx(
      "cluster (munitions?|bombs?)|submunitions?|bomblets?|dpicm|sous-munitions|streumunition|en racimo|кассетн|касетн",
    ),
  ],
  [
    "advocacy-humanitarian",
    rx(
      "human rights watch|amnesty|icbl|icrc|red cross|campaign|condemn|urg(e|es|ed|ing)|call(s|ed)? on|humanitarian|victim assistance|survivors|ngo|activists?|appeal",
    ),
  ],
  [
    "other-arms-control",
    rx(
      "ctbto?(?![\\p{L}])|test[- ]ban|new start(?![\\p{L}])|npt(?![\\p{L}])|non-?proliferation|arms trade treaty|inf treaty|nuclear (test|testing|tests|arsenal|warheads?)|arms control|warheads?",
    ),
  ],
];

const TREATY_TOPICS: Partial<Record<TreatyId, Topic>> = {
  ccw: "other-arms-control",
  att: "other-arms-control",
  ctbt: "other-arms-control",
  "new-start": "other-arms-control",
  npt: "other-arms-control",
  inf: "other-arms-control",
  ccm: "cluster-munitions",
};

function firstMatch(pattern: RegExp, text: string): string | undefined {
  pattern.lastIndex = 0;
  return pattern.exec(text)?.[0];
}

/** Classifies one item: relevance, score, topics, categories, countries, treaties and why. */
export function classify(input: ClassifyInput): Verdict {
  const original = `${input.title}. ${input.summary ?? ""}`;
  let text = foldForMatching(original);
  const why: Cue[] = [];

  for (const [name, pattern] of VETOES) {
    pattern.lastIndex = 0;
    text = text.replace(pattern, (match) => {
      why.push({ kind: "veto", target: name, match, weight: 0 });
      return " ".repeat(match.length);
    });
  }

  let anchorWeight = 0;
  for (const rule of ANCHORS) {
    const match = firstMatch(rule.pattern, text);
    if (!match) continue;
    anchorWeight += rule.weight;
    why.push({ kind: "context", target: "domain", match, weight: rule.weight });
  }

  const treaties: TreatyId[] = [];
  for (const [treaty, pattern] of TREATY_RULES) {
    const match = firstMatch(pattern, text);
    if (!match) continue;
    treaties.push(treaty);
    anchorWeight += 3;
    why.push({ kind: "treaty", target: treaty, match, weight: 3 });
  }

  const topics = new Set<Topic>();
  let topicWeight = 0;
  if (anchorWeight > 0) {
    for (const [topic, pattern] of TOPIC_RULES) {
      if (topic === "treaty-status" && treaties.length === 0) continue;
      const match = firstMatch(pattern, text);
      if (!match) continue;
      topics.add(topic);
      topicWeight += 1;
      why.push({ kind: "topic", target: topic, match, weight: 1 });
    }
    for (const treaty of treaties) {
      const topic = TREATY_TOPICS[treaty];
      if (topic) topics.add(topic);
    }
  }

  const total = anchorWeight + topicWeight * 0.5;
  const score = Math.round((1 - Math.exp(-total / 3)) * 1000) / 1000;
  const relevant = anchorWeight >= 3 && score >= 0.5;
  const countries = relevant ? findCountries(original) : [];
  for (const country of countries) {
    why.push({ kind: "country", target: country.code, match: country.match, weight: 0 });
  }
  const finalTopics = relevant ? [...topics] : [];
  const categories: Category[] = relevant ? categoriesFor(finalTopics) : [];

  return {
    relevant,
    score,
    topics: finalTopics,
    categories,
    countries: countries.map((country) => country.code),
    treaties: relevant ? treaties : [],
    why,
    classifierVersion: CLASSIFIER_VERSION,
  };
}
