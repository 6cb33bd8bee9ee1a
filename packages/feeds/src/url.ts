export type FeedUrlCheck = { ok: true; url: string } | { ok: false; message: string };

/**
 * Checks a feed URL a user gives and returns it in one normal form (so one feed is
 * not added twice under two spellings). Whether its address may be reached is decided
 * at fetch time, on every connection.
 */
export function checkFeedUrl(input: string): FeedUrlCheck {
  const text = input.trim();
  if (!text) return { ok: false, message: "a feed URL is required" };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: `"${text}" is not a URL (include http:// or https://)` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { ok: false, message: `only http and https feed URLs are accepted, not ${url.protocol.replace(/:$/, "")}` };
  }
  if (url.username || url.password) return { ok: false, message: "a feed URL must not carry a user name or password" };
  if (!url.hostname) return { ok: false, message: `"${text}" has no host` };
  url.hash = "";
  return { ok: true, url: url.toString() };
}
