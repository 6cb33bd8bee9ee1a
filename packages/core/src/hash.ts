import { hash } from "node:crypto";

// The one-shot `hash` gives what a Hash object's digest gives, at about half the cost for the
// short texts hashed here: an id and a content hash for every item read.

/** Short, stable, URL-safe identifier derived from content. */
export function stableId(prefix: string, ...parts: string[]): string {
  const digest = hash("sha256", parts.join("\u0000"), "base64url");
  return `${prefix}_${digest.slice(0, 20)}`;
}

export function sha256Hex(text: string): string {
  return hash("sha256", text, "hex");
}

/** 32-bit FNV-1a; fast and good enough for MinHash permutations. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
