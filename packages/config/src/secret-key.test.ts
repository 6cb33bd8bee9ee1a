import type { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { describe, expect, it } from "vitest";
import { deferredBox, deriveSecretKey, readSecretKeys, type SecretValueClient } from "./secret-key.ts";

const ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:treatywatch-webhook-key-AbCdEf";

class MissingVersion extends Error {
  override name = "ResourceNotFoundException";
}

/** A Secrets Manager stand-in holding the given version stages; it counts its reads. */
function secretsManager(stages: Record<string, string>) {
  const reads: string[] = [];
  const client: SecretValueClient = {
    async send(command: GetSecretValueCommand) {
      const stage = command.input.VersionStage ?? "AWSCURRENT";
      reads.push(`${command.input.SecretId}@${stage}`);
      const value = stages[stage];
      if (value === undefined) throw new MissingVersion(`no version in stage ${stage}`);
      return { SecretString: value };
    },
  };
  return { client, reads };
}

describe("deriveSecretKey", () => {
  it("derives a 32-byte key, the same for the same secret and another for another", () => {
    const key = deriveSecretKey("q8ZJrT0vXkP3mN6bW2yLc9HdF4sGaE1u");

    expect(key).toHaveLength(32);
    expect(deriveSecretKey("q8ZJrT0vXkP3mN6bW2yLc9HdF4sGaE1u").equals(key)).toBe(true);
    expect(deriveSecretKey("q8ZJrT0vXkP3mN6bW2yLc9HdF4sGaE1v").equals(key)).toBe(false);
  });
});

describe("readSecretKeys", () => {
  it("reads the current version to seal with, and no old key before any rotation", async () => {
    const { client, reads } = secretsManager({ AWSCURRENT: "first-generated-value" });

    const keys = await readSecretKeys(client, ARN);

    expect(keys.current.equals(deriveSecretKey("first-generated-value"))).toBe(true);
    expect(keys.old).toEqual([]);
    expect(reads.sort()).toEqual([`${ARN}@AWSCURRENT`, `${ARN}@AWSPREVIOUS`]);
  });

  it("after a rotation, seals with the new value and keeps the previous one (and any from the environment) to open", async () => {
    const { client } = secretsManager({ AWSCURRENT: "second-value", AWSPREVIOUS: "first-value" });
    const fromEnvironment = Buffer.alloc(32, 7);

    const keys = await readSecretKeys(client, ARN, [fromEnvironment]);

    expect(keys.current.equals(deriveSecretKey("second-value"))).toBe(true);
    expect(keys.old).toEqual([deriveSecretKey("first-value"), fromEnvironment]);
  });

  it("fails when the secret cannot be read, rather than storing secrets unsealed", async () => {
    const denied: SecretValueClient = { send: () => Promise.reject(new Error("AccessDeniedException")) };

    await expect(readSecretKeys(denied, ARN)).rejects.toThrow("AccessDeniedException");
  });
});

describe("deferredBox", () => {
  it("builds its box once on first use, and again only after a failed build", async () => {
    let builds = 0;
    const box = deferredBox(async () => {
      builds++;
      if (builds === 1) throw new Error("throttled");
      return { seal: async (plaintext: string) => `sealed:${plaintext}`, open: async (sealed: string) => sealed };
    });

    const first = box.seal("a", "ctx");
    await expect(first).rejects.toThrow("throttled");
    const sealed = [await box.seal("b", "ctx"), await box.seal("c", "ctx")];
    const opened = await box.open("x", "ctx");

    expect(builds).toBe(2);
    expect(sealed).toEqual(["sealed:b", "sealed:c"]);
    expect(opened).toBe("x");
  });
});
