import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SigningSecret, Subscription } from "@treatywatch/core";
import { SqliteStore, SqliteSubscriptionStore } from "@treatywatch/store";
import { afterEach, describe, expect, it } from "vitest";
import { AesGcmSecretBox, parseSecretKey, readOrCreateKeyFile, sealedSigningSecrets } from "./secret-box.ts";

const newKey = () => randomBytes(32);
const PLAINTEXT = `whsec_${randomBytes(32).toString("base64")}`;

/** Flips one character of one part of a `v1:iv:tag:ct` value. */
function tamper(sealed: string, part: 1 | 2 | 3): string {
  const parts = sealed.split(":");
  const chars = [...(parts[part] ?? "")];
  chars[0] = chars[0] === "A" ? "B" : "A";
  parts[part] = chars.join("");
  return parts.join(":");
}

describe("AesGcmSecretBox", () => {
  it("opens what it sealed, in the versioned base64url format, never showing the plaintext", async () => {
    const box = new AesGcmSecretBox(newKey());

    const sealed = await box.seal(PLAINTEXT, "sub_1");

    expect(sealed).toMatch(/^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(PLAINTEXT.slice(6, 20));
    expect(await box.open(sealed, "sub_1")).toEqual({ ok: true, plaintext: PLAINTEXT });
  });

  it("seals the same secret differently each time", async () => {
    const box = new AesGcmSecretBox(newKey());

    const [first, second] = [await box.seal(PLAINTEXT, "sub_1"), await box.seal(PLAINTEXT, "sub_1")];

    expect(first).not.toEqual(second);
  });

  it.each([
    ["iv", 1],
    ["tag", 2],
    ["ciphertext", 3],
  ] as const)("refuses a value whose %s was changed", async (_part, index) => {
    const box = new AesGcmSecretBox(newKey());
    const sealed = await box.seal(PLAINTEXT, "sub_1");

    const opened = await box.open(tamper(sealed, index), "sub_1");

    expect(opened.ok).toBe(false);
  });

  it("refuses a value sealed for another owner", async () => {
    const box = new AesGcmSecretBox(newKey());

    const opened = await box.open(await box.seal(PLAINTEXT, "sub_1"), "sub_2");

    expect(opened).toEqual({ ok: false, error: "undecryptable" });
  });

  it("refuses a value sealed with another key", async () => {
    const sealed = await new AesGcmSecretBox(newKey()).seal(PLAINTEXT, "sub_1");

    const opened = await new AesGcmSecretBox(newKey()).open(sealed, "sub_1");

    expect(opened).toEqual({ ok: false, error: "undecryptable" });
  });

  it("opens values sealed with an old key after a rotation and seals with the new one", async () => {
    const [oldKey, newKeyBytes] = [newKey(), newKey()];
    const sealedBefore = await new AesGcmSecretBox(oldKey).seal(PLAINTEXT, "sub_1");
    const rotated = new AesGcmSecretBox(newKeyBytes, [oldKey]);

    const opened = await rotated.open(sealedBefore, "sub_1");
    const sealedAfter = await rotated.seal(PLAINTEXT, "sub_1");

    expect(opened).toEqual({ ok: true, plaintext: PLAINTEXT });
    expect(await new AesGcmSecretBox(newKeyBytes).open(sealedAfter, "sub_1")).toEqual(opened);
  });

  it.each(["whsec_plain", "v2:a:b:c", "v1:only:three", "v1:AAAA:AAAA:AAAA"])("calls %s malformed", async (value) => {
    const opened = await new AesGcmSecretBox(newKey()).open(value, "sub_1");

    expect(opened).toEqual({ ok: false, error: "malformed" });
  });
});

describe("parseSecretKey", () => {
  it.each([
    ["base64 of 32 bytes", randomBytes(32).toString("base64"), true],
    ["base64url of 32 bytes", randomBytes(32).toString("base64url"), true],
    ["base64 of 16 bytes", randomBytes(16).toString("base64"), false],
    ["not base64", "correct horse battery staple", false],
  ])("%s", (_name, text, valid) => {
    expect(parseSecretKey(text) !== undefined).toBe(valid);
  });
});

describe("readOrCreateKeyFile", () => {
  let dir = "";
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("creates a key readable only by its owner on first use and reads the same key after", async () => {
    dir = await mkdtemp(join(tmpdir(), "tw-key-"));
    const path = join(dir, "nested", "secret.key");

    const first = readOrCreateKeyFile(path);
    const second = readOrCreateKeyFile(path);

    expect(first.created).toBe(true);
    expect(second).toEqual({ key: first.key, created: false });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(parseSecretKey(await readFile(path, "utf8"))).toEqual(first.key);
  });
});

describe("sealedSigningSecrets", () => {
  const subscription = (id: string): Subscription => ({
    id,
    tenantId: "ten_1",
    channel: { type: "webhook", url: "https://hooks.example.org/tw" },
    filter: {},
    cadence: { kind: "instant" },
    status: "pending",
    createdAt: "2026-03-01T00:00:00.000Z",
    updatedAt: "2026-03-01T00:00:00.000Z",
  });
  const secret = (text: string, createdAt: string): SigningSecret => ({ secret: text, createdAt });

  function setup() {
    const store = new SqliteStore(":memory:");
    const raw = new SqliteSubscriptionStore(store.db);
    return { raw, sealed: sealedSigningSecrets(raw, new AesGcmSecretBox(newKey())) };
  }

  it("hands the store ciphertext and gives signers the plaintext, across a rotation", async () => {
    const { raw, sealed } = setup();
    const [first, second] = [`whsec_${randomBytes(32).toString("base64")}`, PLAINTEXT];
    await sealed.createSubscription(subscription("sub_1"), {
      secret: secret(first, "2026-03-01T00:00:00.000Z"),
      unsubscribeToken: "unsub_1",
    });
    await sealed.rotateSigningSecret("sub_1", secret(second, "2026-03-02T00:00:00.000Z"), "2026-03-03T00:00:00.000Z");

    const stored = await raw.signingSecrets("sub_1", "2026-03-02T12:00:00.000Z");
    const opened = await sealed.signingSecrets("sub_1", "2026-03-02T12:00:00.000Z");

    expect(stored.map((s) => s.secret.startsWith("v1:"))).toEqual([true, true]);
    expect(opened.map((s) => s.secret)).toEqual([second, first]);
  });

  it("reads secrets stored before encryption as they are", async () => {
    const { raw, sealed } = setup();
    await raw.createSubscription(subscription("sub_legacy"), {
      secret: secret(PLAINTEXT, "2026-03-01T00:00:00.000Z"),
      unsubscribeToken: "unsub_legacy",
    });

    const opened = await sealed.signingSecrets("sub_legacy", "2026-03-02T00:00:00.000Z");

    expect(opened.map((s) => s.secret)).toEqual([PLAINTEXT]);
  });

  it("fails loudly when the configured key cannot open a stored secret", async () => {
    const { raw, sealed } = setup();
    await sealed.createSubscription(subscription("sub_1"), {
      secret: secret(PLAINTEXT, "2026-03-01T00:00:00.000Z"),
      unsubscribeToken: "unsub_1",
    });
    const withOtherKey = sealedSigningSecrets(raw, new AesGcmSecretBox(newKey()));

    await expect(withOtherKey.signingSecrets("sub_1", "2026-03-02T00:00:00.000Z")).rejects.toThrow(/undecryptable/);
  });
});
