import { describe, expect, it } from "vitest";
import { findCountries } from "./countries.ts";

const codesIn = (text: string) => findCountries(text).map((country) => country.code);

describe("findCountries", () => {
  it.each([
    ["abbreviations as written", "U.S. and UK envoys met DRC officials", ["US", "GB", "CD"]],
    ["an abbreviation only in capitals", "tell us what the uk said", []],
    ["the longest name first", "Papua New Guinea and South Sudan sign on", ["PG", "SS"]],
    ["a shorter name after a longer one elsewhere", "South Sudan then Sudan", ["SS", "SD"]],
    [
      "accents and other scripts, in a text of another language",
      "Côte d'Ivoire, Österreich and Украина",
      ["CI", "AT", "UA"],
    ],
    ["names inside punctuation", "(Kyiv)—Kinshasa/Seoul.", ["UA", "CD", "KR"]],
    ["the order of first mention", "Cambodia, then Angola, then Cambodia again", ["KH", "AO"]],
    ["a city that names a treaty", "the Ottawa Convention turns 25", []],
    ["a city that is only a city", "talks in Ottawa on the Ottawa Convention", ["CA"]],
    ["a demonym and an inflection by the name's stem", "Ukrainian deminers return to Україні", ["UA"]],
    ["a short name only whole", "Omani dates in Omaha, then Oman", ["OM"]],
    ["a name spaced oddly", "North  Korea", ["KP"]],
    ["a name that is a common word in lower case only as the name", "выброс газа на шахте; удар по Газе", ["PS"]],
    ["a short name only with its capital", "кроме того, к перу; Того и Перу", ["TG", "PE"]],
    ["a short name in capitals and with a possessive", "IRAN and Iraq's oil", ["IR", "IQ"]],
  ])("%s", (_case, text, codes) => {
    expect(codesIn(text)).toEqual(codes);
  });

  it("gives the words as they stand in the text", () => {
    expect(findCountries("Angriff auf KIEW und Kharkiv")).toEqual([{ code: "UA", match: "KIEW" }]);
  });
});
