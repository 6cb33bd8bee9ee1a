import { randomBytes } from "node:crypto";
import type { SecretValueClient } from "@treatywatch/config/secret-key";
import type { SigningSecret, SubscriptionStore } from "@treatywatch/core";
import { sealedSigningSecrets } from "@treatywatch/notify";
import { describe, expect, it } from "vitest";
import { secretBoxFor } from "./lambda-config.ts";

const NOW = "2026-03-02T09:00:00.000Z";
const PLAIN = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/** The one signing secret of `sub_1`, stored as given: what the table holds. */
function storedAs(stored: string): Pick<SubscriptionStore, "signingSecrets"> {
  const secret: SigningSecret = { secret: stored, createdAt: NOW };
  return { signingSecrets: async () => [secret] };
}

const open = (store: Pick<SubscriptionStore, "signingSecrets">, box: ReturnType<typeof secretBoxFor>) =>
  sealedSigningSecrets(store as SubscriptionStore, box).signingSecrets("sub_1", NOW);

describe("secretBoxFor", () => {
  it("opens secrets sealed with the configured key, and those stored before sealing", async () => {
    const key = randomBytes(32);
    const box = secretBoxFor({ current: key, old: [], keyFile: "" });
    const sealed = await box.seal(PLAIN, "sub_1");

    expect((await open(storedAs(sealed), box)).map((s) => s.secret)).toEqual([PLAIN]);
    expect((await open(storedAs(PLAIN), box)).map((s) => s.secret)).toEqual([PLAIN]);
  });

  it("without a key, reads plain-text secrets and refuses sealed ones, naming the variable", async () => {
    const sealed = await secretBoxFor({ current: randomBytes(32), old: [], keyFile: "" }).seal(PLAIN, "sub_1");
    const keyless = secretBoxFor({ old: [], keyFile: "" });

    expect((await open(storedAs(PLAIN), keyless)).map((s) => s.secret)).toEqual([PLAIN]);
    await expect(open(storedAs(sealed), keyless)).rejects.toThrow("TREATYWATCH_SECRET_KEY");
    await expect(keyless.seal(PLAIN, "sub_1")).rejects.toThrow("TREATYWATCH_SECRET_KEY is not configured");
  });
});

const ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:treatywatch-webhook-key-AbCdEf";

/** Secrets Manager holding the given version stages, answering only for ARN. */
function secretsManager(stages: Record<string, string>): () => SecretValueClient {
  return () => ({
    async send(command) {
      const value = command.input.SecretId === ARN ? stages[command.input.VersionStage ?? "AWSCURRENT"] : undefined;
      if (value === undefined) throw Object.assign(new Error("no such version"), { name: "ResourceNotFoundException" });
      return { SecretString: value };
    },
  });
}

describe("secretBoxFor with a Secrets Manager secret", () => {
  it("seals with the key derived from the secret, and still opens after the secret is rotated", async () => {
    const before = secretBoxFor({ old: [], keyFile: "" }, ARN, secretsManager({ AWSCURRENT: "generated-one" }));
    const sealed = await before.seal(PLAIN, "sub_1");
    const after = secretBoxFor(
      { old: [], keyFile: "" },
      ARN,
      secretsManager({ AWSCURRENT: "generated-two", AWSPREVIOUS: "generated-one" }),
    );
    const sealedAfter = await after.seal(PLAIN, "sub_1");

    expect(sealed.startsWith("v1:")).toBe(true);
    expect((await open(storedAs(sealed), after)).map((s) => s.secret)).toEqual([PLAIN]);
    await expect(open(storedAs(sealedAfter), before)).rejects.toThrow();
  });

  it("takes the secret over TREATYWATCH_SECRET_KEY when both are set", async () => {
    const box = secretBoxFor(
      { current: randomBytes(32), old: [], keyFile: "" },
      ARN,
      secretsManager({ AWSCURRENT: "generated-one" }),
    );
    const fromSecret = secretBoxFor({ old: [], keyFile: "" }, ARN, secretsManager({ AWSCURRENT: "generated-one" }));

    const sealed = await box.seal(PLAIN, "sub_1");

    expect((await open(storedAs(sealed), fromSecret)).map((s) => s.secret)).toEqual([PLAIN]);
  });
});
