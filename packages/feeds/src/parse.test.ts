import { htmlToText } from "@treatywatch/core";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { parseFeed } from "./parse.ts";

const FEED_URL = "https://news.example/feeds/main.xml";

function rssDocument(title: string, options: { encoding?: string; channelAttrs?: string; link?: string } = {}): string {
  const declaration = options.encoding ? `<?xml version="1.0" encoding="${options.encoding}"?>` : "";
  return `${declaration}<rss version="2.0"${options.channelAttrs ?? ""}><channel><title>${title}</title><ttl>90</ttl><item><guid>a-1</guid><title>${title}</title><link>${options.link ?? "/a-1"}</link></item></channel></rss>`;
}

async function parsedTitle(body: Uint8Array | string, contentType?: string): Promise<string | undefined> {
  const result = await parseFeed(body, contentType, { url: FEED_URL });
  if (!result.ok) throw new Error(result.error.message);
  return result.feed.entries[0]?.title;
}

describe("parseFeed character sets", () => {
  it.each([
    ["koi8-r", "Россия присоединилась к конвенции"],
    ["windows-1251", "Украина вышла из Оттавской конвенции"],
    ["iso-8859-1", "Genève accueille la réunion des États parties"],
  ])("decodes %s named in the XML declaration", async (charset, title) => {
    const bytes = iconv.encode(rssDocument(title, { encoding: charset }), charset);

    expect(await parsedTitle(bytes, "application/rss+xml")).toBe(title);
  });

  it.each([
    ["utf-16le", "a byte-order mark", true],
    ["utf-16be", "a byte-order mark", true],
    ["utf-16le", "no byte-order mark", false],
    ["utf-16be", "no byte-order mark", false],
  ])("decodes %s with %s", async (charset, _mark, bom) => {
    const title = "Разминирование в Харькове — Déminage";
    const text = `${bom ? "\ufeff" : ""}${rssDocument(title, { encoding: "utf-16" })}`;

    expect(await parsedTitle(iconv.encode(text, charset), "application/rss+xml")).toBe(title);
  });

  it("lets the HTTP header win over the XML declaration", async () => {
    const title = "Минная опасность в Харьковской области";
    const bytes = iconv.encode(rssDocument(title, { encoding: "utf-8" }), "windows-1251");

    expect(await parsedTitle(bytes, "text/xml; charset=windows-1251")).toBe(title);
  });

  it("lets a byte-order mark win over both", async () => {
    const title = "Déminage au Cambodge";
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(rssDocument(title, { encoding: "iso-8859-1" })),
    ]);

    expect(await parsedTitle(bytes, "text/xml; charset=iso-8859-1")).toBe(title);
  });
});

describe("parseFeed links", () => {
  it("resolves relative links against the feed URL and reads <ttl>", async () => {
    const result = await parseFeed(rssDocument("Mine action update"), "application/rss+xml", { url: FEED_URL });

    expect(result).toMatchObject({
      ok: true,
      feed: { ttlMinutes: 90, entries: [{ link: "https://news.example/a-1" }] },
    });
  });

  it("resolves relative links against xml:base, itself relative to the feed URL", async () => {
    const body = rssDocument("Mine action update", { channelAttrs: ' xml:base="/archive/2025/"', link: "a-1.html" });

    const result = await parseFeed(body, "application/rss+xml", { url: FEED_URL });

    expect(result.ok && result.feed.entries[0]?.link).toBe("https://news.example/archive/2025/a-1.html");
  });

  it.each([
    ["https://jsonfeed.org/version/1"],
    ["https://jsonfeed.org/version/1.1"],
    ["http://jsonfeed.org/version/1"],
    ["1.1"],
    ["1.0"],
  ])("reads JSON Feed %s with relative item URLs", async (version) => {
    const body = JSON.stringify({
      version,
      title: "Humanitarian Brief",
      items: [{ id: "j-1", url: "/briefs/j-1", title: "Cluster munition survey begins", author: { name: "Desk" } }],
    });

    const result = await parseFeed(body, "application/feed+json", { url: FEED_URL });

    expect(result).toMatchObject({
      ok: true,
      feed: { format: "json", entries: [{ guid: "j-1", link: "https://news.example/briefs/j-1", author: "Desk" }] },
    });
  });
});

describe("parseFeed refusals", () => {
  it.each([
    [
      "an entity that refers to another",
      '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><rss><channel><title>&b;</title></channel></rss>',
      /^document type declaration refused: an entity whose value holds a reference or markup/,
    ],
    [
      "an external entity",
      '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><title>&x;</title></channel></rss>',
      /^document type declaration refused: an external entity/,
    ],
    ["an HTML page", "<!DOCTYPE html><html><body>Welcome</body></html>", /HTML page/],
    ["an empty body", "", /empty/],
    ["JSON that is not a feed", '{"hello":"world"}', /not a JSON Feed/],
    ["a JSON Feed of a version yet to come", '{"version":"2.0","items":[]}', /unknown version/],
    ["an HTML page with no doctype", "<head><title>Moved</title></head><body>Gone</body>", /HTML page/],
    [
      "malformed XML",
      '<rss version="2.0"><channel><item></channel></rss>',
      /^Unexpected close tag \(line 1, column \d+\)$/,
    ],
  ])("refuses %s as a parse error, in one line", async (_name, body, message) => {
    const result = await parseFeed(body, undefined, { url: FEED_URL });

    expect(result).toMatchObject({ ok: false, error: { kind: "parse", message: expect.stringMatching(message) } });
  });
});

/** An RSS document with a DOCTYPE: the guid, title and description of its one item as given. */
const rssWithDoctype = (doctype: string, item: string) =>
  `<?xml version="1.0" encoding="utf-8"?>${doctype}\n<rss version="2.0"><channel><title>Desk</title><item>${item}</item></channel></rss>`;

/** The classic billion laughs: ten entities, each the one before it ten times over. */
const BILLION_LAUGHS = `<!DOCTYPE lolz [
  <!ENTITY lol "lol">
${Array.from({ length: 9 }, (_, level) => `  <!ENTITY lol${level + 1} "${`&lol${level || ""};`.repeat(10)}">`).join("\n")}
]>`;

describe("parseFeed reads a document by its root element, whatever DOCTYPE it carries", () => {
  const XHTML_DOCTYPE =
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">';

  it.each([
    ["RSS", "<rss><channel><title>found</title></channel></rss>"],
    [
      "Atom under a prefix",
      '<atom:feed xmlns:atom="http://www.w3.org/2005/Atom"><atom:title>found</atom:title></atom:feed>',
    ],
    [
      "RSS 1.0",
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>found</title></channel></rdf:RDF>',
    ],
  ])("reads %s behind an XHTML DOCTYPE naming an external DTD, never fetched", async (_format, document) => {
    const body = `<?xml version="1.0" encoding="utf-8"?>${XHTML_DOCTYPE}\n<!-- a comment -->\n${document}`;

    const result = await parseFeed(body, "application/xml", { url: FEED_URL });

    expect(result).toMatchObject({ ok: true, feed: { title: "found" } });
  });

  it("reads RSS whose channel quotes an HTML page in its head", async () => {
    const body =
      "<rss><channel><title>found</title><description><![CDATA[<html><body>Welcome</body></html>]]></description></channel></rss>";

    const result = await parseFeed(body, "application/xml", { url: FEED_URL });

    expect(result).toMatchObject({ ok: true, feed: { title: "found" } });
  });

  it.each([
    ["an XHTML page", `<?xml version="1.0"?>${XHTML_DOCTYPE}<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>`],
    ["a page whose root is <head>", '<?xml version="1.0"?>\n<!-- moved --><head><title>Moved</title></head>'],
    ["an HTML page that leaves out <html> and <head>", '<!DOCTYPE html><meta charset="utf-8"><title>Moved</title>'],
  ])("still refuses %s as an HTML page", async (_name, body) => {
    const result = await parseFeed(body, "application/xml", { url: FEED_URL });

    expect(result).toMatchObject({ ok: false, error: { kind: "parse", message: "an HTML page, not a feed" } });
  });
});

describe("parseFeed reads a DOCTYPE's internal entities of plain text, and refuses any other", () => {
  it("substitutes a declared entity in text and attributes, escaped, and leaves CDATA as written", async () => {
    const doctype = `<!DOCTYPE rss [
  <!-- the site's prefix -->
  <!ENTITY id "tag:example.com,">
  <!ENTITY desk 'Mine Action "Desk" >'>
]>`;
    const body = rssWithDoctype(
      doctype,
      `<guid isPermaLink='false'>&id;2006-05-04:/blog/</guid><title>&desk;</title><category domain="&desk;">x</category><description><![CDATA[&id; as written]]></description>`,
    );

    const result = await parseFeed(body, "application/rss+xml", { url: FEED_URL });

    expect(result).toMatchObject({
      ok: true,
      feed: { entries: [{ guid: "tag:example.com,2006-05-04:/blog/", summary: "&id; as written" }] },
    });
    expect(htmlToText(result.ok ? (result.feed.entries[0]?.title ?? "") : "")).toBe('Mine Action "Desk" >');
  });

  it("keeps the first of two declarations of one entity, as XML does", async () => {
    const body = rssWithDoctype('<!DOCTYPE rss [<!ENTITY id "first"><!ENTITY id "second">]>', "<guid>&id;</guid>");

    expect((await firstEntry(body))?.guid).toBe("first");
  });

  it("takes 64 entities and a value of 1,024 characters", async () => {
    const entities = Array.from({ length: 63 }, (_, index) => `<!ENTITY e${index} "${index}">`).join("");
    const body = rssWithDoctype(
      `<!DOCTYPE rss [${entities}<!ENTITY long "${"x".repeat(1_024)}">]>`,
      "<guid>&e0;&e62;&long;</guid>",
    );

    expect((await firstEntry(body))?.guid).toBe(`062${"x".repeat(1_024)}`);
  });

  it("takes references that grow the document by up to 1 MiB", async () => {
    // Each reference of 3 characters gives 1,024: 1,000 of them grow the document by 1,021,000.
    const items = Array.from({ length: 20 }, (_, index) => `<item><guid>${index}:${"&k;".repeat(50)}</guid></item>`);
    const body = `<!DOCTYPE rss [<!ENTITY k "${"k".repeat(1_024)}">]><rss version="2.0"><channel>${items.join("")}</channel></rss>`;

    const result = await parseFeed(body, "application/rss+xml", { url: FEED_URL });

    expect(result.ok && result.feed.entries.map((entry) => entry.guid)).toEqual(
      Array.from({ length: 20 }, (_, index) => `${index}:${"k".repeat(50 * 1_024)}`),
    );
  });

  it.each([
    [
      "billion laughs",
      BILLION_LAUGHS,
      "&lol9;",
      /^document type declaration refused: an entity whose value holds a reference or markup/,
    ],
    [
      "an external entity",
      '<!DOCTYPE rss [<!ENTITY passwd SYSTEM "file:///etc/passwd">]>',
      "&passwd;",
      /^document type declaration refused: an external entity \(SYSTEM or PUBLIC\)$/,
    ],
    [
      "a public external entity",
      '<!DOCTYPE rss [<!ENTITY lat1 PUBLIC "-//W3C//ENTITIES Latin 1//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml-lat1.ent">]>',
      "&lat1;",
      /^document type declaration refused: an external entity \(SYSTEM or PUBLIC\)$/,
    ],
    [
      "a parameter entity",
      '<!DOCTYPE rss [<!ENTITY % lat1 SYSTEM "http://www.w3.org/TR/xhtml1/DTD/xhtml-lat1.ent"> %lat1;]>',
      "x",
      /^document type declaration refused: a parameter entity \(%\)$/,
    ],
    [
      "a parameter entity of plain text",
      "<!DOCTYPE rss [<!ENTITY % p \"<!ENTITY id 'x'>\"> %p;]>",
      "&id;",
      /^document type declaration refused: a parameter entity \(%\)$/,
    ],
    [
      "markup in a value",
      '<!DOCTYPE rss [<!ENTITY b "<b>bold</b>">]>',
      "&b;",
      /^document type declaration refused: an entity whose value holds a reference or markup \(&, < or %\)$/,
    ],
    [
      "a character reference in a value",
      '<!DOCTYPE rss [<!ENTITY c "&#169; Desk">]>',
      "&c;",
      /^document type declaration refused: an entity whose value holds a reference or markup \(&, < or %\)$/,
    ],
    [
      "65 entities",
      `<!DOCTYPE rss [${Array.from({ length: 65 }, (_, index) => `<!ENTITY e${index} "${index}">`).join("")}]>`,
      "&e0;",
      /^document type declaration refused: more than 64 entities$/,
    ],
    [
      "a value of 1,025 characters",
      `<!DOCTYPE rss [<!ENTITY v "${"v".repeat(1_025)}">]>`,
      "&v;",
      /^document type declaration refused: an entity value longer than 1,024 characters$/,
    ],
    [
      "references that grow the document by more than 1 MiB",
      `<!DOCTYPE rss [<!ENTITY k "${"k".repeat(1_024)}">]>`,
      "&k;".repeat(1_100),
      /^document type declaration refused: entities that grow the document by more than 1 MiB$/,
    ],
    [
      "a predefined entity declared as other text",
      '<!DOCTYPE rss [<!ENTITY amp "x">]>',
      "a&amp;b",
      /^document type declaration refused: a declaration of amp, lt, gt, quot or apos other than as its own character$/,
    ],
    [
      "a character reference declared as an entity",
      '<!DOCTYPE rss [<!ENTITY #38 "x">]>',
      "a&#38;b",
      /^document type declaration refused: an entity whose name is not an XML name$/,
    ],
    [
      "an entity named from a digit",
      '<!DOCTYPE rss [<!ENTITY 1st "x">]>',
      "&1st;",
      /^document type declaration refused: an entity whose name is not an XML name$/,
    ],
    [
      "an element declaration",
      "<!DOCTYPE rss [<!ELEMENT rss ANY>]>",
      "x",
      /^document type declaration refused: a declaration other than an entity$/,
    ],
    [
      "a second DOCTYPE",
      '<!DOCTYPE rss><!DOCTYPE rss [<!ENTITY id "x">]>',
      "&id;",
      /^document type declaration refused: a DOCTYPE that cannot be read, or an entity declared outside the DOCTYPE$/,
    ],
    [
      "an internal subset never closed",
      '<!DOCTYPE rss [<!ENTITY id "x">',
      "&id;",
      /^document type declaration refused: /,
    ],
  ])("refuses %s, in one line", async (_name, doctype, guid, message) => {
    const result = await parseFeed(rssWithDoctype(doctype, `<guid>${guid}</guid>`), "application/rss+xml", {
      url: FEED_URL,
    });

    expect(result).toMatchObject({ ok: false, error: { kind: "parse", message: expect.stringMatching(message) } });
  });

  it("substitutes in attribute values alone of a tag's parts, whatever a value holds before", async () => {
    const body = `<!DOCTYPE rss [<!ENTITY site "https://desk.example/news/">]><rss version="2.0"><channel><title>Desk</title><item note='a > b' xml:base="&site;"><guid>1</guid><link>a-1</link></item></channel></rss>`;

    expect((await firstEntry(body))?.link).toBe("https://desk.example/news/a-1");
  });

  it.each([
    ["a CDATA section's opening after <", '<!ENTITY o "![CDATA[">', "<guid>a<&o;</guid>b]]></guid>"],
    ["a comment's opening after <", '<!ENTITY c "!--">', "<guid>a<&c;</guid>b--></guid>"],
    ["an element's name after <", '<!ENTITY n "item">', "<guid>a</guid></item><&n;><guid>b</guid></&n;><item>"],
    ["an element's name after </", '<!ENTITY n "guid">', "<guid>a</&n;>"],
    ["an attribute's name", '<!ENTITY a "isPermaLink">', '<guid &a;="false">https://desk.example/a</guid>'],
    ["an instruction's target after <", '<!ENTITY p "?x">', "<title>a<&p; b?></title>"],
  ])("reads no reference in markup, so %s makes none and the feed is ill-formed", async (_name, entity, item) => {
    const result = await parseFeed(rssWithDoctype(`<!DOCTYPE rss [${entity}]>`, item), "application/rss+xml", {
      url: FEED_URL,
    });

    expect(result).toMatchObject({ ok: false, error: { kind: "parse" } });
  });

  it("reads no reference inside a processing instruction", async () => {
    // Read there, these references would grow the document by more than 1 MiB, and be refused.
    const body = rssWithDoctype(
      `<!DOCTYPE rss [<!ENTITY k "${"k".repeat(1_024)}">]>`,
      `<guid>a<?pi ${"&k;".repeat(1_100)}?></guid>`,
    );

    expect((await firstEntry(body))?.guid).toBe("a");
  });

  it.each([
    ["amp", '<!ENTITY amp "&#38;#38;">'],
    ["lt", '<!ENTITY lt "&#38;#60;">'],
    ["gt", "<!ENTITY gt '>'>"],
    ["quot", "<!ENTITY quot '&#34;'>"],
    ["apos", '<!ENTITY apos "&#x27;">'],
  ])("passes over a declaration of %s as its own character, as XML allows", async (_name, entity) => {
    const body = rssWithDoctype(
      `<!DOCTYPE rss [${entity}<!ENTITY id "x">]>`,
      "<guid>&id;:&amp;&lt;&gt;&quot;&apos;</guid><link>https://desk.example/?a=1&amp;b=2</link>",
    );

    expect(await firstEntry(body)).toMatchObject({ guid: `x:&<>"'`, link: "https://desk.example/?a=1&b=2" });
  });

  it("reads entities named by any XML name", async () => {
    const body = rssWithDoctype(
      '<!DOCTYPE rss [<!ENTITY société "S"><!ENTITY _a.b-c:d9 "A">]>',
      "<guid>&société;&_a.b-c:d9;</guid>",
    );

    expect((await firstEntry(body))?.guid).toBe("SA");
  });

  it("names the line a fault is written on after a reference to a value of several lines", async () => {
    const body = rssWithDoctype(
      '<!DOCTYPE rss [<!ENTITY lines "one\ntwo\r\nthree\tfour">]>',
      "<title>&lines;</title>\n<guid>x</bad>",
    );

    const result = await parseFeed(body, "application/rss+xml", { url: FEED_URL });

    // The DOCTYPE keeps its two line breaks: the channel is on line 4, the fault on 5.
    expect(result).toMatchObject({ ok: false, error: { message: expect.stringMatching(/\(line 5, /) } });
  });

  it("keeps a value's line breaks and tabs in text and in attributes", async () => {
    const body = `<!DOCTYPE rss [<!ENTITY lines "one\ntwo\tthree">]><rss version="2.0"><channel><title>Desk</title><item><guid isPermaLink="false">&lines;</guid></item></channel></rss>`;

    expect((await firstEntry(body))?.guid).toBe("one\ntwo\tthree");
  });

  it.each([
    ["a parameter entity reference", "%p;", /^document type declaration refused: a parameter entity \(%\)$/],
    ["a processing instruction", "<?pi?>", /^document type declaration refused: a declaration other than an entity$/],
    [
      "65 entities",
      Array.from({ length: 65 }, (_, index) => `<!ENTITY e${index} "${index}">`).join(""),
      /^document type declaration refused: more than 64 entities$/,
    ],
  ])("refuses a subset at %s, whatever follows it", async (_name, subset, message) => {
    // What follows is never read: a declaration left open to the end of the document.
    const body = `<!DOCTYPE rss [${subset}<!ENTITY open "${"x".repeat(100_000)}`;

    const result = await parseFeed(body, "application/rss+xml", { url: FEED_URL });

    expect(result).toMatchObject({ ok: false, error: { kind: "parse", message: expect.stringMatching(message) } });
  });

  it("refuses an internal subset of 10 MB never closed, without running out of stack", async () => {
    const result = await parseFeed(`<!DOCTYPE rss [${"<!".repeat(5_000_000)}`, "application/xml", { url: FEED_URL });

    expect(result).toMatchObject({
      ok: false,
      error: { kind: "parse", message: expect.stringMatching(/^document type/) },
    });
  });
});

const utf8 = (text: string) => Buffer.from(text, "utf8");

describe("parseFeed encoding damage", () => {
  it("keeps a UTF-8 feed with invalid bytes, replaced with U+FFFD, and reports the damage", async () => {
    const body = Buffer.concat([
      utf8('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Déminage</title>'),
      utf8("<item><guid>1</guid><title>Mines "),
      Buffer.from([0xc3, 0x28, 0xff]),
      utf8(" cleared</title></item><item><guid>2</guid><title>Kyiv ✓ intact</title></item></channel></rss>"),
    ]);

    const result = await parseFeed(body, "application/rss+xml", { url: FEED_URL });

    expect(result).toMatchObject({
      ok: true,
      feed: {
        title: "Déminage",
        entries: [{ title: "Mines \ufffd(\ufffd cleared" }, { title: "Kyiv ✓ intact" }],
        damage: { kind: "encoding", message: "2 invalid UTF-8 sequences replaced with U+FFFD" },
      },
    });
  });

  it("reads a feed that names no character set and is not UTF-8 as windows-1252", async () => {
    const body = iconv.encode(rssDocument("Genève accueille la réunion — déminage"), "windows-1252");

    const result = await parseFeed(body, "application/rss+xml", { url: FEED_URL });

    expect(result).toMatchObject({
      ok: true,
      feed: {
        entries: [{ title: "Genève accueille la réunion — déminage" }],
        damage: { kind: "encoding", message: expect.stringMatching(/read as windows-1252/) },
      },
    });
  });

  it("reads a character set nobody knows as UTF-8, and says so", async () => {
    const result = await parseFeed(utf8(rssDocument("Déminage", { encoding: "x-unheard-of" })), undefined, {
      url: FEED_URL,
    });

    expect(result).toMatchObject({
      ok: true,
      feed: {
        entries: [{ title: "Déminage" }],
        damage: { message: 'unknown character set "x-unheard-of": read as UTF-8' },
      },
    });
  });

  it("reports nothing for a clean feed", async () => {
    const result = await parseFeed(utf8(rssDocument("Déminage")), "application/rss+xml", { url: FEED_URL });

    expect(result.ok && result.feed.damage).toBeUndefined();
  });
});

const atom = (entry: string, head = "") =>
  `<feed xmlns="http://www.w3.org/2005/Atom">${head}<title>Atom desk</title><entry>${entry}</entry><entry><id>tag:ok</id><title>Second entry</title></entry></feed>`;

describe("parseFeed reads what rss-parser gives as something other than a string", () => {
  it.each([
    [
      "an xhtml title, kept as the markup it is, in order",
      atom(
        '<id>tag:1</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><b>Example</b> Atom &amp; co</div></title>',
      ),
      { guid: "tag:1", title: '<div xmlns="http://www.w3.org/1999/xhtml"><b>Example</b> Atom &amp; co</div>' },
    ],
    [
      "an html title",
      atom('<id>tag:1</id><title type="html">Example &lt;b&gt;Atom&lt;/b&gt;</title>'),
      { guid: "tag:1", title: "Example <b>Atom</b>" },
    ],
    [
      "a date it cannot parse",
      atom("<id>tag:1</id><title>Dated</title><published>soon</published>"),
      { published: "soon" },
    ],
    [
      "a link without attributes",
      atom("<id>tag:1</id><title>Linked</title><link>/a/1</link>"),
      { link: "https://news.example/a/1" },
    ],
    [
      "a guid with attributes",
      '<rss version="2.0"><channel><item><guid isPermaLink="false">g-1</guid><title>Guid</title></item><item><title>Second</title></item></channel></rss>',
      { guid: "g-1" },
    ],
  ])("%s", async (_case, body, entry) => {
    const result = await parseFeed(body, undefined, { url: FEED_URL });

    expect(result).toMatchObject({ ok: true, feed: { entries: [entry, { title: expect.any(String) }] } });
  });

  it.each([
    ["numbers", { id: 7, title: 2025, url: "/n/7" }, { guid: "7", title: "2025", link: "https://news.example/n/7" }],
    [
      "objects and arrays",
      { id: ["x-1"], title: { "#text": "Mines" }, summary: [null, "Cleared"] },
      { guid: "x-1", title: "Mines", summary: "Cleared" },
    ],
    [
      "values that say nothing",
      { id: true, title: null, summary: {} },
      { guid: undefined, title: undefined, summary: undefined },
    ],
  ])("JSON Feed items with %s", async (_case, item, entry) => {
    const body = JSON.stringify({ version: "https://jsonfeed.org/version/1.1", title: { x: 1 }, items: [item] });

    const result = await parseFeed(body, "application/feed+json", { url: FEED_URL });

    expect(result).toMatchObject({ ok: true, feed: { format: "json", entries: [entry] } });
  });
});

const rss = (item: string, channel = "") =>
  `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Desk</title>${channel}<item>${item}</item></channel></rss>`;

async function firstEntry(body: string) {
  const result = await parseFeed(body, "application/xml", { url: FEED_URL });
  if (!result.ok) throw new Error(result.error.message);
  return result.feed.entries[0];
}

describe("parseFeed reads markup written as elements inside a text field", () => {
  it("keeps an RSS description's words in their order", async () => {
    const entry = await firstEntry(
      rss("<title>Survey</title><description><b>Mines</b> cleared <i>near</i> <b>Huambo</b> today</description>"),
    );

    expect(htmlToText(entry?.summary ?? "")).toBe("Mines cleared near Huambo today");
  });

  it("reads escaped HTML inside a wrapping element as the HTML it is", async () => {
    const entry = await firstEntry(
      atom(
        '<id>tag:1</id><title>Survey</title><content type="html"><div>Mines &lt;b&gt;cleared&lt;/b&gt;</div></content>',
      ),
    );

    expect(htmlToText(entry?.contentHtml ?? entry?.summary ?? "")).toBe("Mines cleared");
  });

  it("leaves a CDATA description as it is", async () => {
    const entry = await firstEntry(
      rss("<title>Survey</title><description><![CDATA[<p>Mines & <b>UXO</b></p>]]></description>"),
    );

    expect(entry?.summary).toBe("<p>Mines & <b>UXO</b></p>");
  });

  it("reads a CDATA description that quotes its own closing tag", async () => {
    const entry = await firstEntry(
      rss(
        "<title>Feed markup</title><description><![CDATA[<p>End the field with <code></description></code></p>]]></description>",
      ),
    );

    expect(entry?.summary).toBe("<p>End the field with <code></description></code></p>");
  });
});

/**
 * Hostile markup a feed can carry. Each document would take minutes or more where a step
 * reads the text again for every piece of it; read once, each takes milliseconds, so a
 * regression fails here by the test's time limit rather than by a timed assertion.
 */
describe("parseFeed reads hostile markup in one pass", () => {
  it("a feed opened by many comments", async () => {
    const result = await parseFeed(`${"<!---->".repeat(28)}${rss("<title>After the comments</title>")}`, undefined, {
      url: FEED_URL,
    });

    expect(result).toMatchObject({ ok: true, feed: { entries: [{ title: "After the comments" }] } });
  });

  it("an HTML page opened by many comments", async () => {
    const result = await parseFeed(`${"<!---->".repeat(28)}<head><title>Moved</title></head>`, undefined, {
      url: FEED_URL,
    });

    expect(result).toMatchObject({ ok: false, error: { kind: "parse", message: "an HTML page, not a feed" } });
  });

  it("text fields of many names never closed", async () => {
    const opened = Array.from({ length: 60_000 }, (_, index) => `<p${index}:title>`).join(" word ");
    const result = await parseFeed(rss(`<title>Opened</title>${opened}`), undefined, { url: FEED_URL });

    expect(result).toMatchObject({ ok: false, error: { kind: "parse" } });
  });

  it("a description of CDATA sections never closed, read as the text it is", async () => {
    const entry = await firstEntry(
      rss(`<title>Sections</title><description>${"<b>x</b> <![CDATA[ ".repeat(60_000)}</description>`),
    );

    expect(entry?.title).toBe("Sections");
    expect(entry?.summary).toContain("<![CDATA[ <b>x</b>");
  });
});

describe("parseFeed reads a feed under a namespace prefix", () => {
  it("reads Atom whose elements carry a prefix", async () => {
    const body =
      '<a:feed xmlns:a="http://www.w3.org/2005/Atom" xmlns="http://www.w3.org/1999/xhtml"><a:title>Prefixed desk</a:title>' +
      '<a:entry><a:id>tag:p-1</a:id><a:title>Demining resumes</a:title><a:link href="/p/1"/>' +
      '<a:updated>2025-03-01T10:00:00Z</a:updated><a:content type="xhtml"><div><p>Teams <b>return</b></p></div></a:content></a:entry></a:feed>';

    const result = await parseFeed(body, "application/atom+xml", { url: FEED_URL });

    expect(result).toMatchObject({
      ok: true,
      feed: {
        format: "atom",
        title: "Prefixed desk",
        entries: [{ guid: "tag:p-1", title: "Demining resumes", link: "https://news.example/p/1" }],
      },
    });
    expect(result.ok && htmlToText(result.feed.entries[0]?.summary ?? "")).toBe("Teams return");
  });

  it("reads an Atom entry that declares a prefix of its own for Atom", async () => {
    const body =
      '<feed xmlns="http://www.w3.org/2005/Atom"><title>Desk</title>' +
      '<p0:entry xmlns:p0="http://www.w3.org/2005/Atom"><p0:id>tag:p0</p0:id><p0:title>Fields cleared</p0:title></p0:entry></feed>';

    expect(await firstEntry(body)).toMatchObject({ guid: "tag:p0", title: "Fields cleared" });
  });

  it("reads RSS 1.0 whose elements carry a prefix", async () => {
    const body =
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:r="http://purl.org/rss/1.0/">' +
      '<r:channel rdf:about="https://news.example/"><r:title>RDF desk</r:title></r:channel>' +
      '<r:item rdf:about="https://news.example/r/1"><r:title>Stockpile destroyed</r:title><r:link>https://news.example/r/1</r:link></r:item></rdf:RDF>';

    expect(await firstEntry(body)).toMatchObject({ title: "Stockpile destroyed", link: "https://news.example/r/1" });
  });

  it("leaves Atom elements inside RSS under their prefix", async () => {
    const body = rss(
      "<title>Item</title>",
      '<atom:link rel="self" href="https://news.example/self.xml"/><link>https://news.example/home</link>',
    );

    const result = await parseFeed(body, "application/xml", { url: FEED_URL });

    expect(result.ok && result.feed.link).toBe("https://news.example/home");
  });
});

describe("parseFeed repairs an ampersand that starts no entity", () => {
  it("reads a bare & and an HTML entity as text, keeps every item, and says what it repaired", async () => {
    const body =
      '<rss version="2.0"><channel><title>Desk</title>' +
      "<item><title>Before</title><link>https://news.example/a?id=1</link></item>" +
      "<item><title>Mines&nbsp;&amp; UXO</title><link>https://news.example/b?id=2&page=3</link></item>" +
      "<item><title>After</title></item></channel></rss>";

    const result = await parseFeed(body, "application/rss+xml", { url: FEED_URL });

    expect(result).toMatchObject({
      ok: true,
      feed: {
        entries: [{ title: "Before" }, { link: "https://news.example/b?id=2&page=3" }, { title: "After" }],
        damage: { kind: "markup", message: "2 bare &s read as text" },
      },
    });
    expect(result.ok && htmlToText(result.feed.entries[1]?.title ?? "")).toBe("Mines & UXO");
  });

  it("leaves the ampersands of a CDATA section as they are", async () => {
    const body =
      '<rss version="2.0"><channel><title>Mines & UXO</title>' +
      "<item><title>Cited</title><link><![CDATA[https://news.example/c?id=1&page=2]]></link></item></channel></rss>";

    const result = await parseFeed(body, "application/rss+xml", { url: FEED_URL });

    expect(result).toMatchObject({
      ok: true,
      feed: {
        title: "Mines & UXO",
        entries: [{ link: "https://news.example/c?id=1&page=2" }],
        damage: { message: "1 bare & read as text" },
      },
    });
  });

  it("still refuses a document with a fault besides its ampersands, and the next one's faults too", async () => {
    const unclosed = '<rss version="2.0"><channel><title>Mines & UXO</title><item></channel></rss>';

    for (const [body, fault] of [
      [unclosed, /entity/],
      [unclosed.replace(" & ", " and "), /close tag/],
    ] as const) {
      const result = await parseFeed(body, "application/rss+xml", { url: FEED_URL });

      expect(result).toMatchObject({ ok: false, error: { kind: "parse", message: expect.stringMatching(fault) } });
    }
  });

  it("says both what decoding and what parsing repaired", async () => {
    const body = Buffer.concat([
      utf8('<rss version="2.0"><channel><title>Desk</title><item><title>Mines '),
      Buffer.from([0xff]),
      utf8(" & UXO</title></item></channel></rss>"),
    ]);

    const result = await parseFeed(body, "application/rss+xml; charset=utf-8", { url: FEED_URL });

    expect(result.ok && result.feed.damage?.message).toBe(
      "1 invalid UTF-8 sequence replaced with U+FFFD; 1 bare & read as text",
    );
  });
});

describe("parseFeed reads Atom and Dublin Core elements inside an RSS item", () => {
  it.each([
    [
      "atom:published as the date",
      "<title>T</title><atom:published>2025-01-02T15:04:05Z</atom:published>",
      { published: "2025-01-02T15:04:05Z" },
    ],
    [
      "atom:updated as the date",
      "<title>T</title><atom:updated>2025-01-03T15:04:05Z</atom:updated>",
      { published: "2025-01-03T15:04:05Z" },
    ],
    [
      "atom:content as the body",
      '<title>T</title><atom:content type="html">&lt;p&gt;Body&lt;/p&gt;</atom:content>',
      { contentHtml: "<p>Body</p>" },
    ],
    ["dc:title as the title", "<dc:title>Dublin title</dc:title><link>/x</link>", { title: "Dublin title" }],
    ["its own title before dc:title", "<title>Own</title><dc:title>Dublin</dc:title>", { title: "Own" }],
    [
      "an alternate atom:link as the link of an item with none",
      '<title>T</title><atom:link rel="enclosure" href="/clip.mp3"/><atom:link href="/via-atom"/>',
      { link: "https://news.example/via-atom" },
    ],
    [
      "its own link before atom:link",
      '<title>T</title><link>/own</link><atom:link rel="alternate" href="/other"/>',
      { link: "https://news.example/own" },
    ],
    ["no atom:link of another relation", '<title>T</title><atom:link rel="payment" href="/pay"/>', { link: undefined }],
  ])("%s", async (_case, item, entry) => {
    expect(await firstEntry(rss(item))).toMatchObject(entry);
  });
});

describe("parseFeed resolves an entry's links against the entry's own xml:base", () => {
  it("in RSS, against the feed's base", async () => {
    const body =
      '<rss version="2.0" xml:base="https://news.example/desk/"><channel><title>Desk</title>' +
      '<item xml:base="2025/"><title>Based</title><link>a-1.html</link></item>' +
      "<item><title>Unbased</title><link>a-2.html</link></item></channel></rss>";

    const result = await parseFeed(body, "application/rss+xml", { url: FEED_URL });

    expect(result).toMatchObject({
      ok: true,
      feed: {
        entries: [{ link: "https://news.example/desk/2025/a-1.html" }, { link: "https://news.example/desk/a-2.html" }],
      },
    });
  });

  it("in Atom", async () => {
    const entry = await firstEntry(
      '<feed xmlns="http://www.w3.org/2005/Atom"><title>Desk</title>' +
        '<entry xml:base="https://archive.example/2024/"><id>tag:b</id><title>Based</title><link href="b.html"/></entry></feed>',
    );

    expect(entry?.link).toBe("https://archive.example/2024/b.html");
  });
});

describe("parseFeed reads where a podcast keeps what it says", () => {
  const podcast = (item: string) =>
    '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" ' +
    'xmlns:googleplay="http://www.google.com/schemas/play-podcasts/1.0"><channel><title>Cast</title>' +
    `<item><title>Episode 4</title>${item}</item></channel></rss>`;

  it.each([
    [
      "itunes:summary",
      "<itunes:subtitle>Short</itunes:subtitle><itunes:summary>Deminers talk</itunes:summary>",
      "Deminers talk",
    ],
    [
      "googleplay:description",
      "<itunes:subtitle>Short</itunes:subtitle><googleplay:description>Clearance teams</googleplay:description>",
      "Clearance teams",
    ],
    ["itunes:subtitle", "<itunes:subtitle>Short notes</itunes:subtitle>", "Short notes"],
    [
      "its own description first",
      "<description>Own words</description><itunes:summary>Other</itunes:summary>",
      "Own words",
    ],
  ])("takes an episode's words from %s", async (_case, item, summary) => {
    expect((await firstEntry(podcast(item)))?.summary).toBe(summary);
  });

  it("keeps an episode's content rather than its subtitle when it has no description", async () => {
    const entry = await firstEntry(
      podcast(
        "<content:encoded><![CDATA[<p>Full notes on clearing the Salang pass</p>]]></content:encoded>" +
          "<itunes:subtitle>Short</itunes:subtitle>",
      ).replace("<rss ", '<rss xmlns:content="http://purl.org/rss/1.0/modules/content/" '),
    );
    expect(entry?.summary).toBeUndefined();
    expect(entry?.contentHtml).toContain("Full notes on clearing the Salang pass");
  });
});

describe("parseFeed reads an empty <link> as no link", () => {
  it("takes the item's alternate atom:link instead", async () => {
    const entry = await firstEntry(
      '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T</title><item>' +
        '<title>Mine clearance resumes</title><link></link><atom:link rel="alternate" href="https://news.example/a"/>' +
        "</item></channel></rss>",
    );
    expect(entry?.link).toBe("https://news.example/a");
  });
});

describe("parseFeed reads an Atom text construct as its type says", () => {
  const entryText = async (entry: string) => {
    const read = await firstEntry(atom(entry));
    return { title: htmlToText(read?.title ?? ""), summary: htmlToText(read?.summary ?? "") };
  };

  it.each([
    ["no type", "<title>Mines &amp; UXO &lt;2025&gt;</title><summary>Fields &lt;A&gt; and &lt;B&gt;</summary>"],
    [
      'type="text"',
      '<title type="text">Mines &amp; UXO &lt;2025&gt;</title><summary type="text">Fields &lt;A&gt; and &lt;B&gt;</summary>',
    ],
    [
      "type text/plain and CDATA",
      '<title type="text/plain"><![CDATA[Mines & UXO <2025>]]></title><content><![CDATA[Fields <A> and <B>]]></content>',
    ],
  ])("keeps the angle brackets of text with %s", async (_case, entry) => {
    expect(await entryText(`<id>tag:t</id>${entry}`)).toEqual({
      title: "Mines & UXO <2025>",
      summary: "Fields <A> and <B>",
    });
  });

  it("reads html as HTML, and markup written as elements in an untyped field as markup", async () => {
    expect(
      await entryText(
        '<id>tag:h</id><title type="html">Mines &lt;b&gt;cleared&lt;/b&gt;</title><summary>Teams <b>return</b></summary>',
      ),
    ).toEqual({ title: "Mines cleared", summary: "Teams return" });
  });
});

describe("parseFeed reads a title's entities once, as its field's type says", () => {
  /** The feed's title and its first entry's title, each as normalising reads it. */
  async function titlesOf(body: string, contentType: string) {
    const result = await parseFeed(body, contentType, { url: FEED_URL });
    if (!result.ok) throw new Error(result.error.message);
    return [result.feed.title, htmlToText(result.feed.entries[0]?.title ?? "")];
  }
  const rssTitled = (title: string) =>
    `<rss version="2.0"><channel><title>${title}</title><item><title>${title}</title></item></channel></rss>`;
  const atomTitled = (title: string, type: string) =>
    `<feed xmlns="http://www.w3.org/2005/Atom"><title${type}>${title}</title><entry><id>tag:e</id><title${type}>${title}</title></entry></feed>`;
  const jsonTitled = (title: string) =>
    JSON.stringify({ version: "https://jsonfeed.org/version/1.1", title, items: [{ id: "j-1", title }] });

  it.each([
    ["an escaped ampersand", "AT&amp;T", "AT&T"],
    ["an escaped entity name, as text", "?page=1&amp;copy=2;mode=x &amp; done", "?page=1&copy=2;mode=x & done"],
    ["a bare entity name, repaired, as text", "?page=1&copy=2;mode=x &amp; done", "?page=1&copy=2;mode=x & done"],
    [
      "angle brackets that make no HTML, as text",
      "Tags &lt;b&gt; and &lt;i&gt; explained",
      "Tags <b> and <i> explained",
    ],
    ["HTML escaped twice, as HTML", "Mines &amp;amp; UXO", "Mines & UXO"],
    ["escaped markup, as HTML", "Mines &lt;b&gt;cleared&lt;/b&gt;", "Mines cleared"],
  ])("in RSS, %s", async (_case, title, read) => {
    expect(await titlesOf(rssTitled(title), "application/rss+xml")).toEqual([read, read]);
  });

  it.each([
    ["text", ' type="text"', "Mines &amp;amp; UXO &amp;copy=2", "Mines &amp; UXO &copy=2"],
    ["no type (text)", "", "Mines &amp;amp; UXO", "Mines &amp; UXO"],
    ["html", ' type="html"', "Mines &amp;amp; UXO", "Mines & UXO"],
  ])("in Atom, of type %s", async (_case, type, title, read) => {
    expect(await titlesOf(atomTitled(title, type), "application/atom+xml")).toEqual([read, read]);
  });

  it.each([
    ["plain text", "AT&T ?page=1&copy=2 <not a tag>", "AT&T ?page=1&copy=2 <not a tag>"],
    ["entities written as HTML, as publishers do", "It&#8217;s Mines &amp; UXO", "It\u2019s Mines & UXO"],
  ])("in a JSON Feed, %s", async (_case, title, read) => {
    expect(await titlesOf(jsonTitled(title), "application/feed+json")).toEqual([read, read]);
  });

  it("in a JSON Feed, content_text as the text it is", async () => {
    const body = JSON.stringify({
      version: "https://jsonfeed.org/version/1.1",
      items: [{ id: "j-1", title: "T", content_text: "Fields <A> & <B>, ?a=1&copy=2" }],
    });

    const entry = await firstEntry(body);

    expect(htmlToText(entry?.summary ?? "")).toBe("Fields <A> & <B>, ?a=1&copy=2");
  });
});

describe("parseFeed takes the link a reader would follow", () => {
  it("links to the article, not FeedBurner's redirect to it, in RSS and Atom", async () => {
    const feedburner = 'xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"';
    const inRss = await firstEntry(
      `<rss version="2.0" ${feedburner}><channel><title>Desk</title><item><title>T</title>` +
        "<link>https://feeds.example/~r/desk/~3/x1/</link><feedburner:origLink>https://news.example/mines/1</feedburner:origLink>" +
        "</item></channel></rss>",
    );
    const inAtom = await firstEntry(
      `<feed xmlns="http://www.w3.org/2005/Atom" ${feedburner}><title>Desk</title><entry><id>tag:f</id><title>T</title>` +
        '<link href="https://feeds.example/~r/desk/~3/x2/"/><feedburner:origLink>https://news.example/mines/2</feedburner:origLink>' +
        "</entry></feed>",
    );

    expect([inRss?.link, inAtom?.link]).toEqual(["https://news.example/mines/1", "https://news.example/mines/2"]);
  });

  it("takes the feed's alternate link for its site, not a self link before it", async () => {
    const result = await parseFeed(
      '<feed xmlns="http://www.w3.org/2005/Atom"><title>Desk</title><link rel="self" href="/feeds/desk.atom"/>' +
        '<link href="/desk/ "/></feed>',
      "application/atom+xml",
      { url: FEED_URL },
    );

    expect(result).toMatchObject({ ok: true, feed: { link: "https://news.example/desk/" } });
  });

  it("takes an entry's id as its link only when it has none and the id is a web address", async () => {
    const result = await parseFeed(
      '<feed xmlns="http://www.w3.org/2005/Atom"><title>Desk</title>' +
        "<entry><id>https://news.example/mines/7</id><title>By id</title></entry>" +
        '<entry><id>https://news.example/mines/8</id><title>Linked</title><link href="/mines/8.html"/></entry>' +
        "<entry><id>urn:uuid:5d1c0b8e-0c2f-4e7b-9a41-6f0e3c2b1a90</id><title>By urn</title></entry></feed>",
      "application/atom+xml",
      { url: FEED_URL },
    );

    expect(result.ok && result.feed.entries.map((entry) => entry.link)).toEqual([
      "https://news.example/mines/7",
      "https://news.example/mines/8.html",
      undefined,
    ]);
  });

  it("takes an Atom entry's own page over an enclosure or a self link written before it", async () => {
    const result = await parseFeed(
      '<feed xmlns="http://www.w3.org/2005/Atom"><title>Desk</title>' +
        '<entry><id>urn:e:1</id><title>Episode</title><link rel="enclosure" href="https://cdn.example/1.mp3"/>' +
        '<link href="https://news.example/episodes/1"/></entry>' +
        "<entry><id>https://news.example/episodes/2</id><title>Episode</title>" +
        '<link rel="self" href="https://api.example/entries/2.atom"/></entry>' +
        '<entry><id>urn:e:3</id><title>Episode</title><link href="https://news.example/episodes/3"/>' +
        '<link rel="alternate" type="text/html" href="https://news.example/episodes/3.html"/></entry></feed>',
      "application/atom+xml",
      { url: FEED_URL },
    );

    expect(result.ok && result.feed.entries.map((entry) => entry.link)).toEqual([
      "https://news.example/episodes/1",
      "https://news.example/episodes/2",
      "https://news.example/episodes/3.html",
    ]);
  });
});

describe("parseFeed reads base64 text constructs", () => {
  const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
  const escapeText = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const atom03 = (entry: string, title = "<title>Desk</title>") =>
    `<feed version="0.3" xmlns="http://purl.org/atom/ns#">${title}<entry><id>tag:1</id>${entry}</entry></feed>`;
  const atom10 = (entry: string) =>
    `<feed xmlns="http://www.w3.org/2005/Atom"><title>Desk</title><entry><id>tag:1</id><title>Survey</title>${entry}</entry></feed>`;

  it("decodes Atom 0.3's mode=base64, broken over lines, as the HTML or text its type says", async () => {
    const html = base64("Deminers clear <b>Huambo</b> minefield").replace(/(.{16})/g, "$1\n");
    const text = base64("Treaty text <Article 5> & annex");
    const entry = await firstEntry(
      atom03(`<title mode="base64">${text}</title><summary type="text/html" mode="base64">\n${html}\n</summary>`),
    );

    expect(htmlToText(entry?.title ?? "")).toBe("Treaty text <Article 5> & annex");
    expect(htmlToText(entry?.summary ?? "")).toBe("Deminers clear Huambo minefield");
  });

  it("decodes a feed title given in base64", async () => {
    const result = await parseFeed(
      atom03("<title>Survey</title>", `<title mode="base64">${base64("Mine action desk")}</title>`),
      "application/xml",
      { url: FEED_URL },
    );

    expect(result.ok && result.feed.title).toBe("Mine action desk");
  });

  it("decodes Atom 1.0 content of a type that is neither text nor XML, as RFC 4287 has it", async () => {
    const entry = await firstEntry(
      atom10(`<content type="application/octet-stream">${base64("<p>Survey teams return to Kharkiv</p>")}</content>`),
    );

    expect(htmlToText(entry?.summary ?? "")).toBe("Survey teams return to Kharkiv");
  });

  it("leaves text and XML types as written", async () => {
    const written = "U3VydmV5 is not base64 here";
    const plain = await firstEntry(atom10(`<summary type="text/plain">${written}</summary>`));
    const xml = await firstEntry(atom10(`<content type="application/xhtml+xml">${written}</content>`));

    expect(plain?.summary).toBe(written);
    expect(xml?.summary).toBe(written);
  });

  it("keeps the entry but not a field whose bytes are no text", async () => {
    const image = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe]).toString("base64");
    const entry = await firstEntry(atom10(`<summary type="image/png">${image}</summary>`));

    expect(entry?.title).toBe("Survey");
    expect(entry?.summary).toBeUndefined();
  });

  it("reads as written what is not base64 after all, and a media type with parameters", async () => {
    const markup = "<p>Deminers return to Huambo</p>";
    const odd = await firstEntry(atom10(`<content type="application/x-html">${escapeText(markup)}</content>`));
    const charset = await firstEntry(
      atom10(`<content type="application/xhtml+xml; charset=utf-8">${escapeText(markup)}</content>`),
    );

    expect(htmlToText(odd?.summary ?? "")).toBe("Deminers return to Huambo");
    expect(htmlToText(charset?.summary ?? "")).toBe("Deminers return to Huambo");
  });

  it("decodes base64 cut short by the field's cap up to its last whole character", async () => {
    // One byte ahead, the cap (100,000 base64 characters, 75,000 bytes) falls inside a letter.
    const words = `x${"Разминирование в Харьковской области продолжается. ".repeat(2_000)}`;
    const entry = await firstEntry(atom10(`<content type="application/octet-stream">${base64(words)}</content>`));

    expect(entry?.summary?.length).toBeGreaterThan(30_000);
    expect(words.startsWith(entry?.summary ?? "-")).toBe(true);
  });
});

describe("parseFeed reads RSS items written outside the channel", () => {
  it("takes items directly under <rss>, after the channel's own", async () => {
    const result = await parseFeed(
      '<rss version="2.0"><channel><title>Desk</title><item><guid>a</guid><title>Survey</title></item></channel>' +
        "<item><guid>b</guid><title>Clearance</title></item></rss>",
      "application/rss+xml",
      { url: FEED_URL },
    );

    expect(result.ok && result.feed.entries.map((entry) => entry.title)).toEqual(["Survey", "Clearance"]);
  });

  it("takes them from a document with no channel at all", async () => {
    const entry = await firstEntry("<rss><item><guid>a</guid><title>Mine blast in Kharkiv</title></item></rss>");

    expect(entry?.title).toBe("Mine blast in Kharkiv");
  });
});

describe("parseFeed reads early RSS's <fullitem>", () => {
  it("as the item's content, its words in order when its markup is written as elements", async () => {
    const entry = await firstEntry(
      rss("<title>Survey</title><fullitem><p>Teams <b>return</b> to Huambo</p></fullitem>"),
    );

    expect(htmlToText(entry?.contentHtml ?? "")).toBe("Teams return to Huambo");
  });

  it("as the item's content", async () => {
    const entry = await firstEntry(
      rss("<title>Survey</title><fullitem>&lt;p&gt;Teams return to Huambo&lt;/p&gt;</fullitem>"),
    );

    expect(htmlToText(entry?.contentHtml ?? "")).toBe("Teams return to Huambo");
  });
});

describe("parseFeed keeps an Atom entry's content beside its summary", () => {
  it("reads the content as the body, to stand in for a summary with no words", async () => {
    const result = await parseFeed(
      atom(
        '<id>tag:c</id><title>Clearance in Tete</title><summary type="html">&lt;img src="/thumbs/tete.jpg"/&gt;</summary>' +
          '<content type="html">&lt;p&gt;Deminers cleared 12 hectares near Tete.&lt;/p&gt;</content>',
      ),
      "application/atom+xml",
      { url: FEED_URL },
    );
    const entry = result.ok ? result.feed.entries[0] : undefined;

    expect(entry?.summary).toBe('<img src="/thumbs/tete.jpg"/>');
    expect(htmlToText(entry?.contentHtml ?? "")).toBe("Deminers cleared 12 hectares near Tete.");
  });
});

describe("parseFeed takes an RSS channel's site from its alternate atom:link", () => {
  it("when the channel has no <link> of its own", async () => {
    const result = await parseFeed(
      rss(
        "<title>T</title>",
        '<atom:link rel="self" href="/feeds/main.xml"/><atom:link rel="alternate" href="/desk/"/>',
      ),
      "application/rss+xml",
      { url: FEED_URL },
    );

    expect(result).toMatchObject({ ok: true, feed: { link: "https://news.example/desk/" } });
  });

  it("never a self link, and its own <link> first", async () => {
    const links = await Promise.all(
      [
        '<atom:link rel="self" href="/feeds/main.xml"/>',
        '<link>https://news.example/home</link><atom:link rel="alternate" href="/desk/"/>',
      ].map(async (channel) => {
        const result = await parseFeed(rss("<title>T</title>", channel), "application/rss+xml", { url: FEED_URL });
        return result.ok ? result.feed.link : "refused";
      }),
    );

    expect(links).toEqual([undefined, "https://news.example/home"]);
  });

  /** The site an RSS channel gives with these links, as read from the feed fetched at `url`. */
  async function siteOf(channel: string, url = FEED_URL) {
    const result = await parseFeed(rss("<title>T</title>", channel), "application/rss+xml", { url });
    if (!result.ok) throw new Error(result.error.message);
    return result.feed.link;
  }

  it.each([
    ["after", '<link>https://news.example/home</link><atom:link href="https://news.example/feeds/main.xml"/>'],
    ["before", '<atom:link href="https://news.example/feeds/main.xml"/><link>https://news.example/home</link>'],
  ])("takes its own <link> over an atom:link without rel written %s it", async (_case, channel) => {
    expect(await siteOf(channel)).toBe("https://news.example/home");
  });

  it.each([
    ["the URL fetched (a feed's file as well)", '<atom:link href="https://news.example/feeds/main.xml"/>'],
    [
      "the URL fetched, relative (a feed's file as well)",
      '<atom:link href="/feeds/main.xml" type="application/rss+xml"/>',
    ],
    ["a feed's path", '<atom:link href="https://news.example/desk/feed/"/>'],
    ["a feed's file", '<atom:link href="https://mirror.example/desk/index.rss"/>'],
    ["a feed's query", '<atom:link href="https://news.example/?feed=rss2"/>'],
  ])("never takes an atom:link without rel to %s for the site", async (_case, channel) => {
    expect(await siteOf(channel)).toBeUndefined();
  });

  // A feed served from an address that does not look like one: only the URL fetched tells it.
  it.each([
    ["as fetched", '<atom:link href="https://news.example/latest"/>'],
    ["relative", '<atom:link href="/latest"/>'],
    ["written otherwise", '<atom:link href="https://NEWS.example:443/latest"/>'],
  ])(
    "never takes an atom:link without rel to the URL fetched, %s, for the site, whatever its path",
    async (_case, channel) => {
      expect(await siteOf(channel, "https://news.example/latest")).toBeUndefined();
    },
  );

  it("takes an atom:link without rel to a page for the site, as Atom reads it", async () => {
    expect(await siteOf('<atom:link href="/desk/"/>')).toBe("https://news.example/desk/");
  });
});

describe("parseFeed reads an RSS item's author where podcasts and Dublin Core put it", () => {
  it.each([
    ["itunes:author", "<itunes:author>Landmine Monitor desk</itunes:author>", "Landmine Monitor desk"],
    ["dc:author", "<dc:author>Landmine Monitor desk</dc:author>", "Landmine Monitor desk"],
    [
      "dc:creator first",
      "<dc:creator>Field reporter</dc:creator><itunes:author>Landmine Monitor desk</itunes:author>",
      "Field reporter",
    ],
    [
      "its own <author> first",
      "<author>desk@news.example</author><itunes:author>Cast</itunes:author>",
      "desk@news.example",
    ],
  ])("%s", async (_case, item, author) => {
    const body = rss(`<title>Episode 9</title>${item}`).replace(
      "<rss ",
      '<rss xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" ',
    );

    expect((await firstEntry(body))?.author).toBe(author);
  });
});

describe("parseFeed reads a body by what it is, not by the type it was served as", () => {
  it("reads RSS served as JSON", async () => {
    const result = await parseFeed(
      '<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title>' +
        "<item><guid>m-1</guid><title>Stockpile destruction completed</title></item></channel></rss>",
      "application/json; charset=utf-8",
      { url: FEED_URL },
    );

    expect(result).toMatchObject({
      ok: true,
      feed: { format: "rss", entries: [{ title: "Stockpile destruction completed" }] },
    });
  });

  it("reads a JSON Feed served as XML", async () => {
    const result = await parseFeed(
      '{"version":"https://jsonfeed.org/version/1.1","title":"Desk","items":[{"id":"j-2","title":"Survey ends"}]}',
      "application/xml",
      { url: FEED_URL },
    );

    expect(result).toMatchObject({ ok: true, feed: { format: "json", entries: [{ guid: "j-2" }] } });
  });
});

describe("parseFeed reads RSS 1.0 items written inside the channel", () => {
  it("takes them before the items beside it, in document order", async () => {
    const result = await parseFeed(
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">' +
        '<channel rdf:about="https://news.example/"><title>Desk</title>' +
        '<item rdf:about="https://news.example/r/1"><title>Treaty signed in Oslo</title></item></channel>' +
        '<item rdf:about="https://news.example/r/2"><title>Stockpile destroyed</title></item></rdf:RDF>',
      "application/rdf+xml",
      { url: FEED_URL },
    );

    expect(result.ok && result.feed.entries.map((entry) => [entry.guid, entry.title])).toEqual([
      ["https://news.example/r/1", "Treaty signed in Oslo"],
      ["https://news.example/r/2", "Stockpile destroyed"],
    ]);
  });
});

describe("parseFeed reads a link written the Atom way in RSS", () => {
  it("takes an item's or a channel's <link href> when it has no text link", async () => {
    const result = await parseFeed(
      '<rss version="2.0"><channel><title>Desk</title><link href="/desk/"/>' +
        '<item><title>Clearance report</title><link rel="alternate" href="/reports/9"/></item>' +
        '<item><title>Text link first</title><link>/reports/10</link><link href="/elsewhere"/></item></channel></rss>',
      "application/rss+xml",
      { url: FEED_URL },
    );

    expect(result).toMatchObject({
      ok: true,
      feed: {
        link: "https://news.example/desk/",
        entries: [{ link: "https://news.example/reports/9" }, { link: "https://news.example/reports/10" }],
      },
    });
  });
});

describe("parseFeed reads an Atom entry's <source> as the feed it came from", () => {
  it("takes the source feed's title as the outlet, not every word of the element", async () => {
    const entry = await firstEntry(
      atom(
        "<id>tag:planet,2025:4</id><title>Survey results published</title>" +
          "<source><id>tag:clearance.example,2020:feed</id><title>Clearance Journal</title>" +
          "<updated>2025-03-01T09:00:00Z</updated><author><name>Field desk</name></author></source>",
      ),
    );

    expect(entry?.outlet).toBe("Clearance Journal");
  });

  it("decodes a base64 source title, as other titles", async () => {
    const title = Buffer.from("Clearance <b>Journal</b>", "utf8").toString("base64");
    const entry = await firstEntry(
      atom(
        `<id>tag:planet,2025:5</id><title>Survey</title><source><title type="application/octet-stream">${title}</title></source>`,
      ),
    );

    expect(entry?.outlet).toBe("Clearance Journal");
  });
});

describe("parseFeed reads an Atom feed's language from xml:lang", () => {
  it("takes the entry's own xml:lang, else the feed's; a blank one says none", async () => {
    const result = await parseFeed(
      '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr"><title>Desk</title>' +
        "<entry><id>tag:a</id><title>Déminage au Cambodge</title></entry>" +
        '<entry xml:lang="es"><id>tag:b</id><title>Desminado en Colombia</title></entry>' +
        '<entry xml:lang=""><id>tag:c</id><title>No language said</title></entry></feed>',
      "application/atom+xml",
      { url: FEED_URL },
    );

    expect(result.ok && result.feed.entries.map((entry) => entry.language)).toEqual(["fr", "es", undefined]);
  });
});

describe("parseFeed falls back on Media RSS for an entry that says nothing itself", () => {
  const media = 'xmlns:media="http://search.yahoo.com/mrss/"';

  it("reads a video entry's words from its media:group, as a YouTube channel's Atom feed gives them", async () => {
    const entry = await firstEntry(
      `<feed xmlns="http://www.w3.org/2005/Atom" ${media}><title>Channel</title><entry><id>yt:video:1</id>` +
        "<title>Clearing the border minefields</title><media:group><media:title>Clearing the border minefields</media:title>" +
        "<media:description>Teams working the border since March.</media:description></media:group></entry></feed>",
    );

    expect(entry?.summary).toBe("Teams working the border since March.");
  });

  it("reads an RSS item's title and words from media:title and media:description when it has none", async () => {
    const entry = await firstEntry(
      `<rss version="2.0" ${media}><channel><title>Desk</title><item><media:title>Survey footage</media:title>` +
        "<media:description>Drone survey of the Salang pass.</media:description></item></channel></rss>",
    );

    expect(entry).toMatchObject({ title: "Survey footage", summary: "Drone survey of the Salang pass." });
  });

  it("never over the entry's own title and words", async () => {
    const entry = await firstEntry(
      `<rss version="2.0" ${media}><channel><title>Desk</title><item><title>Own title</title>` +
        "<description>Own words</description><media:title>Other</media:title><media:description>Other</media:description>" +
        "</item></channel></rss>",
    );

    expect(entry).toMatchObject({ title: "Own title", summary: "Own words" });
  });

  it("reads an Atom entry's title from its media:title when it has none, never its content from media", async () => {
    const entry = await firstEntry(
      `<feed xmlns="http://www.w3.org/2005/Atom" ${media}><title>Channel</title><entry><id>yt:video:2</id>` +
        "<content>Own words</content><media:group><media:title>Demining drill</media:title>" +
        "<media:description>Other words</media:description></media:group></entry></feed>",
    );

    expect(entry).toMatchObject({ title: "Demining drill", summary: "Own words" });
  });
});

describe("parseFeed reads an item written twice once", () => {
  it("in an RSS 1.0 document that writes its items inside and beside the channel", async () => {
    const item = (n: number) =>
      `<item rdf:about="https://news.example/a-${n}"><title>Report ${n}</title><link>https://news.example/a-${n}</link></item>`;
    const result = await parseFeed(
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">' +
        `<channel rdf:about="https://news.example/"><title>Desk</title>${item(1)}${item(2)}</channel>${item(1)}${item(2)}${item(3)}</rdf:RDF>`,
      "application/rdf+xml",
      { url: FEED_URL },
    );

    expect(result.ok && result.feed.entries.map((entry) => entry.title)).toEqual(["Report 1", "Report 2", "Report 3"]);
  });

  it("in an RSS document that writes an item inside the channel and again under <rss>", async () => {
    const item = "<item><guid>a-1</guid><title>Survey</title></item>";
    const result = await parseFeed(
      `<rss version="2.0"><channel><title>Desk</title>${item}</channel>${item}<item><guid>a-2</guid><title>Clearance</title></item></rss>`,
      "application/rss+xml",
      { url: FEED_URL },
    );

    expect(result.ok && result.feed.entries.map((entry) => entry.guid)).toEqual(["a-1", "a-2"]);
  });
});

describe("parseFeed takes the <link> that gives a URL", () => {
  it("over a <link href> or a self link written before it", async () => {
    const first = await firstEntry(
      rss('<title>A</title><link href="https://news.example/elsewhere"/><link>https://news.example/reports/10</link>'),
    );
    const second = await firstEntry(
      rss(
        '<title>B</title><link rel="self" href="https://news.example/feed"/><link>https://news.example/reports/11</link>',
      ),
    );

    expect(first?.link).toBe("https://news.example/reports/10");
    expect(second?.link).toBe("https://news.example/reports/11");
  });
});
