import { describe, expect, it } from "vitest";
import { analyse } from "./analyse.ts";
import { type ConceptId, findConcepts } from "./concepts.ts";
import type { Language } from "./language.ts";

/**
 * Prefixes and compound parts find every form of a word family, and must not reach into
 * common words of another family: a missile is not cancer, a commander is not a sports team,
 * "Beispiel" is no game and "Waffenhandel" is not a trade dispute.
 */
interface Family {
  concept: ConceptId;
  /** Words and phrases of the family, each of which names the concept. */
  intended: string[];
  /** Common words that only look alike, none of which names it. */
  unrelated: string[];
}

const FAMILIES: Readonly<Partial<Record<Language, Family[]>>> = {
  ru: [
    {
      concept: "medicine",
      intended: ["рак", "рака", "от рака", "раковых", "случаев заражения"],
      unrelated: ["ракета", "ракетный удар", "ракетами", "ракетой", "в случае", "случай"],
    },
    {
      concept: "hoax",
      intended: [
        "сообщение о минировании",
        "сообщили о минировании школ",
        "минирование аэропорта",
        "заминировали школы",
        "заминировали суды",
        "ложное сообщение",
      ],
      unrelated: ["аэропорт", "вокзал", "суд", "судно", "судьба", "школа"],
    },
    {
      concept: "sports",
      intended: ["команда", "команды", "матч", "лига"],
      unrelated: ["командование", "командир", "командующий", "лигатура"],
    },
    {
      concept: "other-treaty-subject",
      intended: ["пытки", "пыток", "торговая война", "налог"],
      unrelated: ["пытаться", "пытается", "торговый центр", "торговля оружием"],
    },
    { concept: "war", intended: ["бой", "бои", "боях", "боевые"], unrelated: ["более", "больше", "больница", "бог"] },
    {
      concept: "land",
      intended: ["поле", "полях", "село", "сельский", "лес", "лесополоса", "дорога"],
      unrelated: ["получить", "полиция", "политика", "половина", "селфи", "лестница", "дорогой друг"],
    },
    {
      concept: "civilian",
      intended: ["дети", "детей", "детский", "семья", "семьи"],
      unrelated: ["детали", "детектор", "детонатор", "семь", "семинар"],
    },
    { concept: "parliament", intended: ["рада", "Госдума", "дума"], unrelated: ["радио", "радость", "ради", "думать"] },
    {
      concept: "mining-industry",
      intended: ["уголь", "угля", "медь", "угольная шахта"],
      unrelated: ["угол", "угла", "медаль", "медленно", "медиа", "карьера"],
    },
    { concept: "crypto", intended: ["майнинговая ферма", "биткоин"], unrelated: ["фермер", "фермеры", "ферма"] },
    { concept: "games", intended: ["игра", "игры", "игровой", "игрок"], unrelated: ["игрушка", "игрушки"] },
    { concept: "honour", intended: ["герой", "героев", "героизм"], unrelated: ["героин"] },
    { concept: "kill", intended: ["умер", "умерла", "умершие"], unrelated: ["умеренный", "умеренные"] },
    { concept: "withdraw", intended: ["выход", "выхода", "выходит"], unrelated: ["выходные", "выходец"] },
    { concept: "sign", intended: ["указ", "указом", "подписал"], unrelated: ["указал", "указала", "указывает"] },
    {
      concept: "metaphor",
      intended: ["долг", "долги", "роман"],
      unrelated: ["долгий", "долгосрочный", "Роман Иванов"],
    },
    { concept: "mine", intended: ["мина", "минное поле", "минных"], unrelated: ["Миннесота", "Миннеаполис"] },
  ],
  uk: [
    {
      concept: "medicine",
      intended: ["рак", "раку", "випадки захворювання"],
      unrelated: ["ракета", "ракетний удар", "ракетами", "у випадку", "випадково"],
    },
    {
      concept: "hoax",
      intended: [
        "лист",
        "листи",
        "замінування аеропорту",
        "суди замінували",
        "мінування школи",
        "неправдиве повідомлення",
      ],
      unrelated: ["листопад", "листопада", "листя", "аеропорт", "вокзал", "суддя", "школа"],
    },
    {
      concept: "sports",
      intended: ["команда", "команди", "матч"],
      unrelated: ["командування", "командир", "командувач"],
    },
    {
      concept: "other-treaty-subject",
      intended: ["мито", "мита", "митниця", "податки", "катування"],
      unrelated: ["миттєво", "митрополит", "подати", "подала", "надрукувати"],
    },
    { concept: "war", intended: ["бій", "бої", "боях", "бойові"], unrelated: ["бо", "бог", "бобри", "болото"] },
    {
      concept: "land",
      intended: ["поле", "полях", "село", "ліс", "лісосмуга", "дорога"],
      unrelated: ["політика", "поліція", "половина", "Лісабон"],
    },
    { concept: "civilian", intended: ["сім'я", "сім’ї", "діти"], unrelated: ["сім", "сімдесят"] },
    { concept: "parliament", intended: ["рада", "Верховна Рада"], unrelated: ["радник", "радіо", "думка", "думки"] },
    { concept: "science", intended: ["зірка", "зірок"], unrelated: ["зірвати", "зірвав"] },
    { concept: "crypto", intended: ["майнінгова ферма"], unrelated: ["фермер", "фермери"] },
    { concept: "games", intended: ["гра", "ігри", "ігрова"], unrelated: ["іграшка", "іграшки"] },
    {
      concept: "stockpile-destroy",
      intended: ["склад боєприпасів", "на складі", "знищення"],
      unrelated: ["складна", "у складі"],
    },
    { concept: "withdraw", intended: ["вихід", "виходу", "виходили"], unrelated: ["вихідні", "вихідець"] },
  ],
  de: [
    {
      concept: "medicine",
      intended: ["Coronafälle", "Krankheitsfälle", "Krebs", "Impfung", "geimpft"],
      unrelated: ["Sprengfalle", "Falle", "gefallen", "Unfälle", "glimpflich", "schimpfen"],
    },
    { concept: "games", intended: ["Spiel", "Videospiel", "Spieler"], unrelated: ["Beispiel", "zum Beispiel"] },
    {
      concept: "other-treaty-subject",
      intended: [
        "Handel",
        "Freihandel",
        "Handelsstreit",
        "Zölle",
        "Strafzoll",
        "Steuern",
        "Steuerreform",
        "Tarifvertrag",
      ],
      unrelated: [
        "Waffenhandel",
        "Waffenhandelsabkommen",
        "verhandeln",
        "behandelt",
        "es handelt sich",
        "Steuerung",
        "gezollt",
      ],
    },
    {
      concept: "mine",
      intended: [
        "Minen",
        "Landminen",
        "Antipersonenminen",
        "Tretminen",
        "Schmetterlingsminen",
        "Tellerminen",
        "Sprungminen",
        "Minenfeld",
      ],
      unrelated: ["prominent", "Terminen", "Vitaminen"],
    },
    {
      concept: "nuclear-test",
      intended: ["Atomtest", "Atomwaffentests", "Test"],
      unrelated: ["Protest", "Proteste", "versucht"],
    },
    { concept: "science", intended: ["Stern", "Sterne"], unrelated: ["gestern", "Ostern", "Gastronomie"] },
    { concept: "detection-animal", intended: ["Hund", "Hunde", "Spürhunde"], unrelated: ["Hunderte", "Jahrhundert"] },
    { concept: "take-effect", intended: ["in Kraft", "Inkrafttreten"], unrelated: ["Streitkräfte", "Kraftwerk"] },
    {
      concept: "metaphor",
      intended: ["Lied", "Kostenfalle"],
      unrelated: ["Mitglied", "Mitgliedstaaten", "zufolge", "Erfolg"],
    },
    { concept: "border", intended: ["Grenze", "Grenzgebiet", "Staatsgrenze"], unrelated: ["begrenzt", "unbegrenzt"] },
    {
      concept: "land",
      intended: ["Feld", "Weizenfeld", "Dorf", "Acker"],
      unrelated: ["Düsseldorf", "Vorfeld", "Hacker"],
    },
    { concept: "transfer", intended: ["erhält", "erhalten", "liefert"], unrelated: ["Verhalten", "Verhältnis"] },
    {
      concept: "withdraw",
      intended: ["kündigt", "gekündigt", "aufzukündigen", "Vertragskündigung", "Austritt"],
      unrelated: ["ankündigt", "angekündigt"],
    },
    {
      concept: "stockpile-destroy",
      intended: ["Lager", "Beständen", "Munitionslager"],
      unrelated: ["Lage", "lag", "lagen", "Belagerung"],
    },
    { concept: "clear", intended: ["räumten", "Räumtrupps"], unrelated: ["Räume", "Zeitraum"] },
    { concept: "ban", intended: ["Verbot", "geächtet"], unrelated: ["Beobachtung", "ungeachtet"] },
    { concept: "fund", intended: ["Mittel", "Finanzmittel"], unrelated: ["Mittelmeer", "ermittelt", "unmittelbar"] },
    { concept: "find", intended: ["Fund", "Munitionsfund", "gefunden"], unrelated: ["fünfundzwanzig", "Fundament"] },
  ],
};

function concepts(text: string, language: Language): ConceptId[] {
  return findConcepts(analyse(text, language)).map((match) => match.target);
}

describe("concept word families", () => {
  for (const [language, families] of Object.entries(FAMILIES) as Array<[Language, Family[]]>) {
    describe(language, () => {
      for (const { concept, intended, unrelated } of families) {
        it(`${concept}: ${intended.join(", ")}`, () => {
          const missed = intended.filter((text) => !concepts(text, language).includes(concept));
          expect(missed).toEqual([]);
        });
        it(`${concept} not in: ${unrelated.join(", ")}`, () => {
          const wrong = unrelated.filter((text) => concepts(text, language).includes(concept));
          expect(wrong).toEqual([]);
        });
      }
    });
  }
});
