const TRACKING_PARAMS = new Set([
  "fbclid",
  "gclid",
  "dclid",
  "gbraid",
  "wbraid",
  "msclkid",
  "mc_cid",
  "mc_eid",
  "igshid",
  "yclid",
  "_ga",
  "_gl",
  "ref_src",
  "cmpid",
  "ocid",
  "taid",
  "smid",
]);

function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith("utm_") || TRACKING_PARAMS.has(lower);
}

/**
 * The form of a URL under which two links to the same article compare equal:
 * host lower-cased, default port and fragment dropped, tracking parameters removed,
 * remaining parameters sorted. Returns undefined for anything that is not http(s).
 */
export function canonicalUrl(input: string | undefined, base?: string): string | undefined {
  if (!input) return undefined;
  let url: URL;
  try {
    url = new URL(input.trim(), base);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  // Each setter writes the whole URL again: one that would change nothing is left out. Without
  // a "#" there is no fragment to drop, and without a "?" no query to rewrite.
  const href = url.href;
  if (href.includes("#")) url.hash = "";
  const dotless = url.hostname.toLowerCase().replace(/\.$/, "");
  // A host of "www." alone keeps it: an empty host cannot be set.
  const hostname = dotless.startsWith("www.") && dotless.length > 4 ? dotless.slice(4) : dotless;
  if (hostname !== url.hostname) url.hostname = hostname;
  if (href.includes("?")) {
    const kept = [...url.searchParams.entries()].filter(([name]) => !isTrackingParam(name));
    kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    url.search = new URLSearchParams(kept).toString();
  }
  if (url.pathname.length > 1 && url.pathname.endsWith("/")) {
    url.pathname = url.pathname.slice(0, -1);
  }
  return url.toString();
}
