import { hkdfSync } from "node:crypto";
import type { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/** The slice of the Secrets Manager client the key reader calls; tests pass their own. */
export interface SecretValueClient {
  send(command: GetSecretValueCommand): Promise<{ SecretString?: string | undefined }>;
}

type SecretsSdk = typeof import("@aws-sdk/client-secrets-manager");
let sdk: Promise<SecretsSdk> | undefined;

/** The Secrets Manager SDK, loaded when a secret is first read rather than when a function starts. */
function secretsSdk(): Promise<SecretsSdk> {
  sdk ??= import("@aws-sdk/client-secrets-manager");
  return sdk;
}

/** A Secrets Manager client made (and its SDK loaded) on its first call. */
export function secretsManagerClient(): SecretValueClient {
  let client: Promise<SecretsManagerClient> | undefined;
  return {
    async send(command) {
      client ??= secretsSdk().then((loaded) => new loaded.SecretsManagerClient({}));
      return (await client).send(command);
    },
  };
}

/** The keys that seal and open webhook signing secrets: `current` seals, every key opens. */
export interface SecretKeys {
  current: Buffer;
  old: Buffer[];
}

/** Names the derivation, so the same secret string never yields this key for another purpose. */
const KEY_INFO = "treatywatch webhook signing secrets v1";

/**
 * The AES-256 key for a generated secret string: HKDF-SHA256 over its text, 32 bytes. The
 * deployment generates a random string (any characters, any length) rather than a key in
 * one encoding, so Secrets Manager's generator and its rotation can produce it.
 */
export function deriveSecretKey(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", Buffer.from(secret, "utf8"), Buffer.alloc(0), KEY_INFO, 32));
}

function isMissingVersion(error: unknown): boolean {
  return error instanceof Error && error.name === "ResourceNotFoundException";
}

async function readVersion(
  client: SecretValueClient,
  secretId: string,
  stage: "AWSCURRENT" | "AWSPREVIOUS",
): Promise<string | undefined> {
  try {
    const { GetSecretValueCommand } = await secretsSdk();
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
    return SecretString || undefined;
  } catch (error) {
    if (stage === "AWSPREVIOUS" && isMissingVersion(error)) return undefined;
    throw error;
  }
}

/** A secret's current value, as stored (for secrets compared as given, such as CloudFront's origin secret). */
export async function readSecretValue(client: SecretValueClient, secretId: string): Promise<string> {
  const value = await readVersion(client, secretId, "AWSCURRENT");
  if (!value) throw new Error(`secret ${secretId} has no value`);
  return value;
}

/**
 * Reads the webhook secret key from Secrets Manager: the current version seals and opens,
 * the previous one (there is one after a rotation) only opens, as TREATYWATCH_SECRET_KEY
 * and TREATYWATCH_SECRET_KEY_OLD do on one machine. `old` keys from the environment are kept.
 */
export async function readSecretKeys(
  client: SecretValueClient,
  secretId: string,
  old: readonly Buffer[] = [],
): Promise<SecretKeys> {
  const [current, previous] = await Promise.all([
    readVersion(client, secretId, "AWSCURRENT"),
    readVersion(client, secretId, "AWSPREVIOUS"),
  ]);
  if (!current) throw new Error(`secret ${secretId} has no value`);
  return { current: deriveSecretKey(current), old: [...(previous ? [deriveSecretKey(previous)] : []), ...old] };
}

/** What seals and opens a secret; `SecretBox` in core has this shape. */
export interface Box<Opened> {
  seal(plaintext: string, context: string): Promise<string>;
  open(sealed: string, context: string): Promise<Opened>;
}

/**
 * A box built on first use and kept for the life of the process (a Lambda cold start reads
 * its key once); a failed build is tried again on the next use rather than remembered.
 */
export function deferredBox<Opened>(build: () => Promise<Box<Opened>>): Box<Opened> {
  let built: Promise<Box<Opened>> | undefined;
  const box = () => {
    if (!built) {
      const attempt = build();
      built = attempt;
      attempt.catch(() => {
        if (built === attempt) built = undefined;
      });
    }
    return built;
  };
  return {
    seal: async (plaintext, context) => (await box()).seal(plaintext, context),
    open: async (sealed, context) => (await box()).open(sealed, context),
  };
}
