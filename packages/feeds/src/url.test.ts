import { describe, expect, it } from "vitest";
import { checkFeedUrl } from "./url.ts";

describe("checkFeedUrl", () => {
  it.each([
    ["  https://News.Example/feed.xml#top ", "https://news.example/feed.xml"],
    ["http://news.example:8080/rss?x=1", "http://news.example:8080/rss?x=1"],
  ])("accepts %j as %s", (input, url) => {
    expect(checkFeedUrl(input)).toEqual({ ok: true, url });
  });

  it.each([
    ["", /required/],
    ["news.example/feed", /not a URL/],
    ["ftp://news.example/feed", /only http and https/],
    ["file:///etc/passwd", /only http and https/],
    ["https://user:secret@news.example/feed", /user name or password/],
  ])("refuses %j", (input, message) => {
    const check = checkFeedUrl(input);

    expect(check.ok).toBe(false);
    expect(!check.ok && check.message).toMatch(message);
  });
});
