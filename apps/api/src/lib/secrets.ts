import { randomBytes } from "node:crypto";
import { formatApiKey } from "@treatywatch/core";

/** A random, URL-safe identifier with a type prefix, e.g. `sub_…`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(15).toString("base64url")}`;
}

/** A single-use token for links (confirmation, unsubscribe): 256 random bits. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** A Standard Webhooks signing secret: `whsec_` and base64 of 32 random bytes. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

export function newApiKey(): string {
  return formatApiKey(randomBytes(32));
}
