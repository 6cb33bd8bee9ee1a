import { describe, expect, it } from "vitest";
import { foldForMatching, htmlToText, looksLikeHtml } from "./text.ts";

describe("foldForMatching", () => {
  it.each([
    ["plain ASCII, lower-cased", "Ottawa Treaty", "ottawa treaty"],
    ["accents stripped", "Côte d'Ivoire DÉMINAGE", "cote d'ivoire deminage"],
    ["typographic dashes and quotes made plain", "anti‑personnel — Kyiv’s", "anti-personnel - kyiv's"],
    ["compatibility forms decomposed", "ﬁeld", "field"],
    ["Cyrillic kept, й and ї folded as patterns are", "Разминирование Київ й", "разминирование киів и"],
    ["control characters left alone", "A\u0007B", "a\u0007b"],
  ])("%s", (_case, text, folded) => {
    expect(foldForMatching(text)).toBe(folded);
  });
});

describe("htmlToText", () => {
  it.each([
    ["text without markup, whitespace folded", "  Mines\n cleared\u00a0 ", "Mines cleared"],
    ["entities without tags decoded", "Mines &amp; ordnance &lt;UXO&gt;", "Mines & ordnance <UXO>"],
    ["tags removed, blocks spaced", "<p>Mines</p><p>cleared &amp; <b>counted</b></p>", "Mines cleared & counted"],
    ["scripts and comments dropped", "<script>alert(1)</script>Mines<!-- hidden -->", "Mines"],
    ["CDATA kept as text", "<![CDATA[Mines & more]]>", "Mines & more"],
    ["a < before no letter is text, not a tag", "Mines <<< cleared >>> &amp; 3 < 4", "Mines <<< cleared >>> & 3 < 4"],
    ["declarations and instructions dropped", "<!DOCTYPE html><?xml-stylesheet href='a'?>Mines", "Mines"],
    ["a tag with a quoted > in it", '<a title="x">Mines</a>', "Mines"],
    ["a comment left open runs to the end", "Mines <!-- cleared", "Mines"],
    ["a script left open runs to the end", "Mines <script>cleared", "Mines"],
    ["an entity written in full decoded, with or without its semicolon", "&copy; 2026 &copy 2026", "© 2026 © 2026"],
    [
      "a query string's &copy= and &not are no entities",
      "?page=1&copy=2&notify=1 &amp; done",
      "?page=1&copy=2&notify=1 & done",
    ],
  ])("%s", (_case, html, text) => {
    expect(htmlToText(html)).toBe(text);
  });
});

describe("looksLikeHtml", () => {
  it.each([
    ["a close tag", "Mines <b>cleared</b>", true],
    ["an entity", "Mines &amp; UXO", true],
    ["a numeric entity", "It&#8217;s cleared", true],
    ["a self-closing tag", "Mines<br/>cleared", true],
    ["an ampersand that starts no entity", "AT&T and Q&A", false],
    ["an entity's name without its semicolon", "?page=1&copy=2;mode=x & done", false],
    ["an entity HTML does not define", "Fish &chips; tonight", false],
    ["angle brackets without a close tag", "Tags <b> and <i> explained", false],
    ["a close tag of no HTML element", "Treaty text </Protocol V> &amp; annex", false],
    ["a comparison", "1 < 2 > 0", false],
  ])("%s", (_case, text, html) => {
    expect(looksLikeHtml(text)).toBe(html);
  });
});
