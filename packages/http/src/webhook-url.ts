import { isIP } from "node:net";
import { type AllowList, hostAllowed, inAllowedRange } from "./address.ts";

/** The one rule for webhook URLs, as the API states it when it refuses one. */
export const WEBHOOK_URL_RULE =
  "a webhook URL must be https on a public host name (https://hooks.example.org/…); http and IP addresses are accepted only for hosts listed in TREATYWATCH_FETCH_ALLOW";

/**
 * Checks a webhook URL against the rule: https on a public host name by default; a host
 * in the allow list (a name, or an address in a listed range) may also use http or an IP
 * literal, so a receiver on this machine works in development. Returns what is wrong, or
 * undefined. Where the host resolves to is checked again on every send by the address guard.
 */
export function webhookUrlProblem(text: string, allow: AllowList): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `not a URL: ${WEBHOOK_URL_RULE}`;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return WEBHOOK_URL_RULE;
  if (url.username || url.password) return "a webhook URL must not carry a user name or password";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const literal = isIP(host) !== 0;
  const allowed = literal ? inAllowedRange(host, allow) : hostAllowed(host, allow);
  if (allowed) return undefined;
  if (url.protocol !== "https:" || literal) return WEBHOOK_URL_RULE;
  const labels = host.split(".");
  if (labels.length < 2 || !labels.every((label) => /^[a-z0-9-]{1,63}$/i.test(label)) || host === "localhost")
    return WEBHOOK_URL_RULE;
  return undefined;
}
