export const TOPICS = [
  "treaty-status",
  "mine-use",
  "casualties",
  "clearance",
  "stockpile-transfer",
  "cluster-munitions",
  "advocacy-humanitarian",
  "other-arms-control",
] as const;
export type Topic = (typeof TOPICS)[number];

/** Each topic's name, then what an item reports to be about it; items can be about several. */
export const TOPIC_LABELS: Record<Topic, string> = {
  "treaty-status": "Treaty status: withdrawal, accession, ratification, compliance or violation of a treaty",
  "mine-use": "Use of landmines: mines or booby traps laid or used, or accusations of it",
  casualties: "Casualties: people killed or injured by mines, explosive remnants, unexploded ordnance, submunitions",
  clearance: "Clearance: demining, survey, mine-free declarations, deminers, detection animals",
  "stockpile-transfer": "Stockpiles and transfers: production, supply or transfer, stockpiles and their destruction",
  "cluster-munitions": "Cluster munitions: anything about them",
  "advocacy-humanitarian":
    "Advocacy and humanitarian response: campaigns, NGO and UN statements, victim assistance, funding, monitor reports",
  "other-arms-control": "Other arms control: CTBT, New START, NPT, ATT, INF and similar treaties",
};

/** A topic's name for people: "Treaty status", "Casualties". */
export function topicName(topic: Topic): string {
  return TOPIC_LABELS[topic].split(":")[0] ?? topic;
}

/** Broad news categories, each with its IPTC Media Topic (top-level QCode). */
export const CATEGORIES = {
  "war-and-conflicts": { label: "Conflict, war and peace", iptc: "medtop:16000000" },
  politics: { label: "Politics", iptc: "medtop:11000000" },
  "human-rights": { label: "Society: human rights", iptc: "medtop:14000000" },
  "disasters-and-accidents": { label: "Disaster, accident and emergency", iptc: "medtop:03000000" },
  "law-and-justice": { label: "Crime, law and justice", iptc: "medtop:02000000" },
  health: { label: "Health", iptc: "medtop:07000000" },
  environment: { label: "Environment", iptc: "medtop:06000000" },
} as const;
export type Category = keyof typeof CATEGORIES;

export const TREATIES = {
  "mine-ban": {
    name: "Mine Ban Treaty",
    aka: ["Ottawa Convention", "Anti-Personnel Mine Ban Convention"],
  },
  ccm: { name: "Convention on Cluster Munitions", aka: ["Oslo Convention"] },
  ccw: { name: "Convention on Certain Conventional Weapons", aka: ["CCW"] },
  att: { name: "Arms Trade Treaty", aka: ["ATT"] },
  ctbt: { name: "Comprehensive Nuclear-Test-Ban Treaty", aka: ["CTBT"] },
  "new-start": { name: "New START", aka: ["Strategic Arms Reduction Treaty"] },
  npt: { name: "Treaty on the Non-Proliferation of Nuclear Weapons", aka: ["NPT"] },
  inf: { name: "Intermediate-Range Nuclear Forces Treaty", aka: ["INF Treaty"] },
} as const;
export type TreatyId = keyof typeof TREATIES;
export const TREATY_IDS = Object.keys(TREATIES) as TreatyId[];

/** Topics that stand for the conflict itself rather than diplomacy or aid. */
const TOPIC_CATEGORIES: Record<Topic, Category[]> = {
  "treaty-status": ["politics"],
  "mine-use": ["war-and-conflicts"],
  casualties: ["war-and-conflicts", "disasters-and-accidents"],
  clearance: ["war-and-conflicts"],
  "stockpile-transfer": ["war-and-conflicts", "politics"],
  "cluster-munitions": ["war-and-conflicts"],
  "advocacy-humanitarian": ["human-rights"],
  "other-arms-control": ["politics"],
};

export function categoriesFor(topics: readonly Topic[]): Category[] {
  const found = new Set<Category>();
  for (const topic of topics) for (const category of TOPIC_CATEGORIES[topic]) found.add(category);
  return [...found];
}
