import { describe, expect, it } from "vitest";
import { classifierVersion, classify } from "./classify.ts";
import { CATEGORIES } from "./taxonomy.ts";

describe("classify: look-alikes do not fire", () => {
  it.each([
    ["political landmine", "Medicaid cuts emerge as political landmine for House Republicans"],
    ["a landmine for a party", "Abortion vote is a landmine for Republicans in the midterms"],
    ["minefield as a metaphor", "How to navigate the mortgage minefield as rates keep rising"],
    ["etiquette minefield", "Plus-ones and cash gifts: the wedding etiquette minefield"],
    ["coal mining", "Death toll in coal mine explosion rises to 41"],
    ["gold mining", "Informal gold mine collapses, killing miners"],
    ["crypto mining", "Bitcoin miners brace for squeeze after the halving"],
    ["Minecraft", "'A Minecraft Movie' breaks box office records"],
    ["tax treaty", "Senate approves long-stalled US-Chile tax treaty"],
    ["Treaty of Waitangi", "Huge crowds in Wellington protest Treaty of Waitangi bill"],
    ["Ottawa Senators", "Senators stave off elimination against Maple Leafs in Ottawa"],
    ["Ottawa city council", "Ottawa city council approves 2025 budget with property tax increase"],
    ["Ottawa venue", "What's on this fall at the former Ottawa Convention Centre"],
    ["COVID cluster", "Care home Covid-19 cluster grows as infections soar"],
    ["server cluster", "AWS outage leaves Kubernetes clusters stranded"],
    ["gym landmine", "How to do a landmine row for a stronger back"],
    ["union ratification", "UAW members ratify contracts with Detroit automakers"],
    ["concealed carry CCW", "Sheriff's office clears backlog of CCW permit applications"],
    ["a new start in sport", "'A new start': manager hails squad after opening-day win"],
    ["board game mines", "Best board games with sea mines, subs and hidden fleets"],
    ["French metaphor", "Budget 2025 : Michel Barnier avance en terrain miné à l'Assemblée"],
    ["German metaphor", "Ampel im Minenfeld der Schuldenbremse"],
    ["Spanish mining", "Derrumbe en la mina de oro deja muertos y desaparecidos"],
  ])("%s: %s", (_name, title) => {
    const verdict = classify({ title });

    expect(verdict.relevant).toBe(false);
    expect(verdict.topics).toEqual([]);
  });

  it("names the veto that fired", () => {
    const verdict = classify({ title: "Pension reform proves a political landmine for the government" });

    expect(verdict.why).toContainEqual(expect.objectContaining({ kind: "veto", target: "metaphor" }));
  });
});

describe("classify: real stories fire, headline-only and in full", () => {
  it.each([
    ["Finland completes withdrawal from Ottawa Convention on landmines", ["treaty-status"], ["mine-ban"], ["FI"]],
    [
      "Poland, Baltic states to quit treaty banning anti-personnel mines",
      ["treaty-status"],
      ["mine-ban"],
      ["PL", "EE", "LV", "LT"],
    ],
    [
      "Lithuania becomes first state to leave the cluster bomb treaty",
      ["treaty-status", "cluster-munitions"],
      ["ccm"],
      ["LT"],
    ],
    ["Three soldiers hurt by landmine near the Thai-Cambodian border", ["casualties"], [], ["TH", "KH"]],
    ["Deminers clear 300 hectares of farmland in Kharkiv region", ["clearance"], [], ["UA"]],
    ["US will send Ukraine nonpersistent antipersonnel mines", ["stockpile-transfer"], [], ["US", "UA"]],
    [
      "Slovakia completes destruction of cluster munition stockpile",
      ["stockpile-transfer", "cluster-munitions"],
      [],
      ["SK"],
    ],
    ["Putin suspends Russia's participation in New START", ["other-arms-control"], ["new-start"], ["RU"]],
    ["Russia's Duma votes to revoke ratification of nuclear test ban treaty", ["other-arms-control"], ["ctbt"], ["RU"]],
    ["Trump orders Pentagon to start testing nuclear weapons", ["other-arms-control"], [], ["US"]],
    ["Russian forces scatter mines by drone behind Ukrainian lines", ["mine-use"], [], ["RU", "UA"]],
  ])("%s", (title, topics, treaties, countries) => {
    const verdict = classify({ title });

    expect(verdict.relevant).toBe(true);
    expect(verdict.topics).toEqual(expect.arrayContaining(topics));
    expect(verdict.treaties).toEqual(treaties);
    expect(verdict.countries).toEqual(expect.arrayContaining(countries));
  });

  it.each([
    [
      "a story that uses a look-alike in passing",
      "Cluster bomb decision becomes a political landmine for Washington's allies",
      "Britain, Canada and Spain, all parties to the convention banning cluster munitions, signalled unease.",
    ],
    [
      "a summary that carries the cue",
      "Rights group says Ukraine fired banned 'butterfly' mines near Izium",
      "Rocket-delivered PFM-1 mines were scattered while Russian forces held the city.",
    ],
    [
      "Ottawa the treaty amid Ottawa the city",
      "The landmine treaty signed in Ottawa faces its biggest test yet",
      "Canada championed the 1997 ban; now five European allies are moving to leave it.",
    ],
  ])("%s", (_name, title, summary) => {
    expect(classify({ title, summary }).relevant).toBe(true);
  });
});

describe("classify: reads beyond English", () => {
  it.each([
    ["fr", "L'Ukraine engage sa sortie de la convention d'Ottawa sur les mines antipersonnel", "mine-ban", "UA"],
    ["de", "Polen und die baltischen Staaten wollen das Verbot von Antipersonenminen aufkündigen", "mine-ban", "PL"],
    ["es", "EE UU enviará minas antipersona a Ucrania pese a la convención de Ottawa", "mine-ban", "UA"],
    ["ru", "Верховная Рада проголосовала за выход Украины из Оттавской конвенции", "mine-ban", "UA"],
    ["uk", "Зеленський підписав указ про вихід України з Оттавської конвенції", "mine-ban", "UA"],
    ["ru", "Госдума приняла закон об отзыве ратификации ДВЗЯИ", "ctbt", undefined],
    ["de", "USA liefern Streumunition an die Ukraine, Kritik aus Oslo-Übereinkommen-Staaten", "ccm", "US"],
  ])("%s: %s", (_language, title, treaty, country) => {
    const verdict = classify({ title });

    expect(verdict.relevant).toBe(true);
    expect(verdict.treaties).toContain(treaty);
    if (country) expect(verdict.countries).toContain(country);
  });

  it.each([
    ["fr", "Le déminage des champs reprend près de Kherson"],
    ["de", "Minenräumung in der Ukraine: Bauern warten auf ihre Felder"],
    ["es", "Colombia avanza en el desminado humanitario de Antioquia"],
    ["ru", "Саперы продолжают разминирование полей в Харьковской области"],
    ["uk", "Сапери продовжують розмінування полів на Харківщині"],
  ])("%s clearance: %s", (_language, title) => {
    const verdict = classify({ title });

    expect(verdict.relevant).toBe(true);
    expect(verdict.topics).toContain("clearance");
  });

  it.each([
    ["es", "El informe anual del Landmine Monitor cuenta más víctimas", "mine-action-organisation"],
    ["fr", "Le Mines Advisory Group forme des démineuses au Zimbabwe", "mine-action-organisation"],
    ["de", "Finnland will die Lager antipersoneller Minen wieder auffüllen", "landmine"],
  ])("%s names and inflected forms: %s", (_language, title, concept) => {
    const verdict = classify({ title });

    expect(verdict.relevant).toBe(true);
    expect(verdict.why.map((cue) => cue.target)).toContain(concept);
  });
});

describe("classify: the verdict", () => {
  it("lists the cues that fired, is versioned and maps categories to IPTC codes", () => {
    const verdict = classify({
      title: "Landmine kills two children in Cambodia's Battambang province",
      summary: "The boys were herding cattle when the device exploded.",
    });

    expect(verdict.classifierVersion).toBe(classifierVersion());
    expect(verdict.score).toBeGreaterThan(0.5);
    expect(verdict.score).toBeLessThanOrEqual(1);
    expect(verdict.why).toContainEqual(expect.objectContaining({ kind: "context", target: "landmine" }));
    expect(verdict.why).toContainEqual(expect.objectContaining({ kind: "topic", target: "casualties" }));
    expect(verdict.why).toContainEqual(expect.objectContaining({ kind: "country", target: "KH", match: "Cambodia's" }));
    for (const category of verdict.categories) expect(CATEGORIES[category].iptc).toMatch(/^medtop:\d{8}$/);
  });

  it("is deterministic", () => {
    const input = { title: "Baltic states notify UN they are leaving landmine ban treaty" };

    expect(classify(input)).toEqual(classify(input));
  });
});

describe("classify: input no headline looks like", () => {
  const megabyte = "landmine ".repeat(120_000);
  it.each([
    ["an empty title", { title: "" }],
    ["whitespace only", { title: " \n\t " }],
    ["binary bytes", { title: "\u0000\u0001\uFFFD\u0007PK\u0003\u0004\uD800".repeat(50) }],
    ["digits and punctuation", { title: "2025-06-27 — 12:00 // 3.14%" }],
    ["a megabyte of text", { title: megabyte, summary: megabyte }],
    ["mixed scripts", { title: "Україна mines 地雷 ألغام Minen мины minas", summary: "🙂 ∑ ≠ ∞" }],
    ["a language we do not read", { title: "地雷が爆発し二人が負傷", language: "ja" }],
  ])("%s gets a verdict", (_name, input) => {
    const verdict = classify(input);

    expect(typeof verdict.relevant).toBe("boolean");
    expect(verdict.score).toBeGreaterThanOrEqual(0);
    expect(verdict.score).toBeLessThanOrEqual(1);
    expect(verdict.classifierVersion).toBe(classifierVersion());
  });

  it("reads no more than the start of a very long text", () => {
    const long = classify({ title: `Deminers clear a minefield near Kherson. ${"More words. ".repeat(50_000)}` });

    expect(long.relevant).toBe(true);
    expect(long.why.every((cue) => cue.match.length < 500)).toBe(true);
  });
});
