import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { deferredBox, readSecretKeys, type SecretValueClient } from "@treatywatch/config/secret-key";
import type { OpenResult, SecretBox, SigningSecret, SubscriptionStore, Timestamp } from "@treatywatch/core";

const VERSION = "v1";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A 32-byte AES key from its base64 (or base64url) text; undefined when it is not one. */
export function parseSecretKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return key.length === KEY_BYTES ? key : undefined;
}

/**
 * AES-256-GCM as `v1:<iv>:<tag>:<ciphertext>`, each part base64url. Seals with the
 * current key; opens with it or any old key, so keys can rotate without a migration.
 */
export class AesGcmSecretBox implements SecretBox {
  private readonly keys: readonly Buffer[];

  constructor(current: Buffer, old: readonly Buffer[] = []) {
    for (const key of [current, ...old]) {
      if (key.length !== KEY_BYTES) throw new Error(`a secret key is ${KEY_BYTES} bytes, not ${key.length}`);
    }
    this.keys = [current, ...old];
  }

  async seal(plaintext: string, context: string): Promise<string> {
    const [key] = this.keys;
    if (!key) throw new Error("no secret key");
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString("base64url"));
    return [VERSION, ...parts].join(":");
  }

  async open(sealed: string, context: string): Promise<OpenResult> {
    const [version, iv, tag, ciphertext, ...rest] = sealed.split(":");
    if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined || rest.length > 0)
      return { ok: false, error: "malformed" };
    const ivBytes = Buffer.from(iv, "base64url");
    const tagBytes = Buffer.from(tag, "base64url");
    if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) return { ok: false, error: "malformed" };
    for (const key of this.keys) {
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, ivBytes, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(context, "utf8"));
        decipher.setAuthTag(tagBytes);
        const plaintext = Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]);
        return { ok: true, plaintext: plaintext.toString("utf8") };
      } catch {
        // This key did not authenticate it; try the next.
      }
    }
    return { ok: false, error: "undecryptable" };
  }
}

/**
 * The key in `path`, or a new random one written there (mode 0600) when the file does
 * not exist yet. `created` says which, so the caller can say once where it is. Synchronous:
 * it runs once, at start-up, before anything is served.
 */
export function readOrCreateKeyFile(path: string): { key: Buffer; created: boolean } {
  try {
    const text = readFileSync(path, "utf8");
    const key = parseSecretKey(text);
    if (!key) throw new Error(`${path} does not hold a base64 ${KEY_BYTES}-byte key`);
    return { key, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const key = randomBytes(KEY_BYTES);
  mkdirSync(dirname(path), { recursive: true });
  // `wx`: of two processes starting at once, one writes the key and the other reads it.
  try {
    writeFileSync(path, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readOrCreateKeyFile(path);
    throw error;
  }
  chmodSync(path, 0o600);
  return { key, created: true };
}

export class SecretUnreadableError extends Error {
  override name = "SecretUnreadableError";
}

/** Secrets stored before encryption was added: read as they are until the next rotation. */
const isLegacyPlaintext = (stored: string) => stored.startsWith("whsec_");

/**
 * A SubscriptionStore whose signing secrets are sealed before they reach `store` and
 * opened when read for signing; the adapter underneath only ever holds ciphertext.
 */
export function sealedSigningSecrets(store: SubscriptionStore, box: SecretBox): SubscriptionStore {
  const seal = async (subscriptionId: string, secret: SigningSecret): Promise<SigningSecret> => ({
    ...secret,
    secret: await box.seal(secret.secret, subscriptionId),
  });
  const open = async (subscriptionId: string, secret: SigningSecret): Promise<SigningSecret> => {
    if (isLegacyPlaintext(secret.secret)) return secret;
    const opened = await box.open(secret.secret, subscriptionId);
    if (!opened.ok)
      throw new SecretUnreadableError(
        `a signing secret of ${subscriptionId} is ${opened.error}: is TREATYWATCH_SECRET_KEY (or _OLD) the key it was sealed with?`,
      );
    return { ...secret, secret: opened.plaintext };
  };
  return {
    createSubscription: async (subscription, extras) =>
      store.createSubscription(subscription, {
        ...extras,
        secret: extras.secret && (await seal(subscription.id, extras.secret)),
      }),
    getSubscription: (tenantId, id) => store.getSubscription(tenantId, id),
    findSubscription: (id) => store.findSubscription(id),
    listSubscriptions: (tenantId, query) => store.listSubscriptions(tenantId, query),
    subscriptionsWithStatus: (status) => store.subscriptionsWithStatus(status),
    updateSubscription: (subscription) => store.updateSubscription(subscription),
    deleteSubscription: (tenantId, id) => store.deleteSubscription(tenantId, id),
    addConfirmation: (subscriptionId, confirmation) => store.addConfirmation(subscriptionId, confirmation),
    confirmSubscription: (tokenHash, now) => store.confirmSubscription(tokenHash, now),
    signingSecrets: async (subscriptionId: string, now: Timestamp) =>
      Promise.all((await store.signingSecrets(subscriptionId, now)).map((secret) => open(subscriptionId, secret))),
    rotateSigningSecret: async (subscriptionId, secret, overlapUntil) =>
      store.rotateSigningSecret(subscriptionId, await seal(subscriptionId, secret), overlapUntil),
    unsubscribeToken: (subscriptionId) => store.unsubscribeToken(subscriptionId),
    findByUnsubscribeToken: (token) => store.findByUnsubscribeToken(token),
  };
}

/**
 * The box a deployed function seals and opens webhook secrets with: from the Secrets
 * Manager secret `secretKeyArn` names (read on first use, once per cold start; its previous
 * version still opens), else the configured key; undefined when neither is set.
 */
export function configuredSecretBox(
  secrets: { current?: Buffer | undefined; old: Buffer[] },
  secretKeyArn: string | undefined,
  client: () => SecretValueClient,
): SecretBox | undefined {
  if (secretKeyArn) {
    return deferredBox(async () => {
      const keys = await readSecretKeys(client(), secretKeyArn, secrets.old);
      return new AesGcmSecretBox(keys.current, keys.old);
    });
  }
  return secrets.current ? new AesGcmSecretBox(secrets.current, secrets.old) : undefined;
}
