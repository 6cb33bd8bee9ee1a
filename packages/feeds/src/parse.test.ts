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

  it.each([["https://jsonfeed.org/version/1"], ["https://jsonfeed.org/version/1.1"]])(
    "reads JSON Feed %s with relative item URLs",
    async (version) => {
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
    },
  );
});

describe("parseFeed refusals", () => {
  it.each([
    [
      "billion laughs",
      '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><rss><channel><title>&b;</title></channel></rss>',
      /entities are refused/,
    ],
    [
      "an external entity",
      '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><title>&x;</title></channel></rss>',
      /entities are refused/,
    ],
    ["an HTML page", "<!DOCTYPE html><html><body>Welcome</body></html>", /HTML page/],
    ["an empty body", "", /empty/],
    ["invalid UTF-8", Buffer.from([0x3c, 0x72, 0x73, 0x73, 0x3e, 0xc3, 0x28]), /not valid UTF-8/],
    ["JSON that is not a feed", '{"hello":"world"}', /not a JSON Feed/],
  ])("refuses %s as a parse error", async (_name, body, message) => {
    const result = await parseFeed(body, undefined, { url: FEED_URL });

    expect(result).toMatchObject({ ok: false, error: { kind: "parse", message: expect.stringMatching(message) } });
  });
});
