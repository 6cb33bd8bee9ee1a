/** Why a sealed secret did not open: not in a known format, or no key authenticates it. */
export type OpenFailure = "malformed" | "undecryptable";

export type OpenResult = { ok: true; plaintext: string } | { ok: false; error: OpenFailure };

/**
 * Encrypts secrets before they are stored and opens them where they are used. `context`
 * binds a sealed value to its owner (e.g. a subscription id): it opens only with the same.
 */
export interface SecretBox {
  seal(plaintext: string, context: string): Promise<string>;
  open(sealed: string, context: string): Promise<OpenResult>;
}
