import { sha256Hex } from "./hash.ts";
import type { Page } from "./ports.ts";
import type { Subscription } from "./subscription.ts";
import type { Timestamp } from "./types.ts";

export const SCOPES = ["read", "write", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

export interface Tenant {
  id: string;
  name: string;
  createdAt: Timestamp;
  /** Where notices about the tenant's subscriptions go (a webhook disabled ...); none, none are mailed. */
  contactEmail?: string | undefined;
}

/** A stored API key: never the key itself, only its hash and the prefix shown in listings. */
export interface ApiKey {
  id: string;
  tenantId: string;
  /** The first characters of the key, enough to recognise it. */
  prefix: string;
  hash: string;
  scopes: Scope[];
  createdAt: Timestamp;
  revokedAt?: Timestamp | undefined;
}

const KEY_PREFIX = "tw_";
const BODY_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const SHOWN_PREFIX_LENGTH = KEY_PREFIX.length + 8;
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const KEY_PATTERN = new RegExp(`^${KEY_PREFIX}[0-9A-Za-z]{${BODY_LENGTH + CHECKSUM_LENGTH}}$`);

function checksum(body: string): string {
  const digest = sha256Hex(`${KEY_PREFIX}${body}`);
  let out = "";
  for (let i = 0; i < CHECKSUM_LENGTH; i++) out += BASE62[Number.parseInt(digest.slice(i * 2, i * 2 + 2), 16) % 62];
  return out;
}

/**
 * Formats a new key from 32 random bytes: `tw_` + 32 base62 characters + a 6-character
 * checksum, so a scanner can tell a real key from a typo without a lookup.
 */
export function formatApiKey(random: Uint8Array): string {
  if (random.length < BODY_LENGTH) throw new Error(`an API key needs ${BODY_LENGTH} random bytes`);
  let body = "";
  for (let i = 0; i < BODY_LENGTH; i++) body += BASE62[(random[i] ?? 0) % 62];
  return `${KEY_PREFIX}${body}${checksum(body)}`;
}

/** Whether a string has the shape and checksum of a key this system issued. */
export function isWellFormedApiKey(key: string): boolean {
  if (!KEY_PATTERN.test(key)) return false;
  const body = key.slice(KEY_PREFIX.length, KEY_PREFIX.length + BODY_LENGTH);
  return key.slice(KEY_PREFIX.length + BODY_LENGTH) === checksum(body);
}

/** Keys carry about 190 random bits, so a plain SHA-256 is a sufficient one-way hash. */
export function hashApiKey(key: string): string {
  return sha256Hex(key);
}

export function apiKeyPrefix(key: string): string {
  return key.slice(0, SHOWN_PREFIX_LENGTH);
}

/** `admin` implies `write`, which implies `read`. */
export function hasScope(granted: readonly Scope[], needed: Scope): boolean {
  const rank = (scope: Scope) => SCOPES.indexOf(scope);
  return granted.some((scope) => rank(scope) >= rank(needed));
}

/** Tenants and their API keys. */
export interface KeyStore {
  ensureTenant(name: string, now: Timestamp): Promise<Tenant>;
  getTenant(id: string): Promise<Tenant | undefined>;
  /** Sets or (with undefined) clears a tenant's contact address; false when there is no such tenant. */
  setTenantContact(id: string, contactEmail: string | undefined): Promise<boolean>;
  saveKey(key: ApiKey): Promise<void>;
  findKeyByHash(hash: string): Promise<ApiKey | undefined>;
  listKeys(tenantId?: string): Promise<ApiKey[]>;
  /** Revokes by id or shown prefix; false when no live key matched. */
  revokeKey(idOrPrefix: string, now: Timestamp): Promise<boolean>;
}

/** A webhook signing secret; during a rotation the old one stays valid until `expiresAt`. */
export interface SigningSecret {
  secret: string;
  createdAt: Timestamp;
  expiresAt?: Timestamp | undefined;
}

export interface PendingConfirmation {
  tokenHash: string;
  expiresAt: Timestamp;
}

/** Subscriptions, always read and written within one tenant. */
export interface SubscriptionStore {
  createSubscription(
    subscription: Subscription,
    extras: {
      confirmation?: PendingConfirmation | undefined;
      secret?: SigningSecret | undefined;
      unsubscribeToken: string;
    },
  ): Promise<void>;
  getSubscription(tenantId: string, id: string): Promise<Subscription | undefined>;
  /** By id alone, for capability links (a saved filter's public feed) that carry no key. */
  findSubscription(id: string): Promise<Subscription | undefined>;
  listSubscriptions(
    tenantId: string,
    query: { limit: number; cursor?: string | undefined },
  ): Promise<Page<Subscription>>;
  /** Every subscription in one status, across tenants, for delivery and matching. */
  subscriptionsWithStatus(status: Subscription["status"]): Promise<Subscription[]>;
  updateSubscription(subscription: Subscription): Promise<boolean>;
  deleteSubscription(tenantId: string, id: string): Promise<boolean>;
  /** Adds a confirmation token (a hash) to a subscription; earlier ones keep working until they expire. */
  addConfirmation(subscriptionId: string, confirmation: PendingConfirmation): Promise<void>;
  /** Spends a confirmation token: it works once, before it expires. Returns the confirmed subscription. */
  confirmSubscription(tokenHash: string, now: Timestamp): Promise<Subscription | undefined>;
  /** Secrets that sign at `now`: the newest first. */
  signingSecrets(subscriptionId: string, now: Timestamp): Promise<SigningSecret[]>;
  /** Adds a new secret; the current ones stay valid until `overlapUntil`. */
  rotateSigningSecret(subscriptionId: string, secret: SigningSecret, overlapUntil: Timestamp): Promise<void>;
  unsubscribeToken(subscriptionId: string): Promise<string | undefined>;
  findByUnsubscribeToken(token: string): Promise<Subscription | undefined>;
}

export type VerificationResult = { ok: true } | { ok: false; reason: string };

/**
 * Sends a signed verification ping to a webhook subscription's endpoint. The
 * subscription turns active only when the endpoint answers it.
 */
export interface WebhookVerifier {
  verify(subscription: Subscription, secrets: SigningSecret[]): Promise<VerificationResult>;
}

/**
 * Sends the one message an unconfirmed address may get: the link that confirms it. The
 * link is made when the mail is sent, so only its hash is ever stored, and a failed send is retried.
 */
export interface ConfirmationSender {
  sendConfirmation(subscription: Subscription): Promise<void>;
}
