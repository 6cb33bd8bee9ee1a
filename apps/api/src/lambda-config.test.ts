import { randomBytes } from "node:crypto";
import type { SecretValueClient } from "@treatywatch/config/secret-key";
import { type Logger, type Subscription, silentLogger } from "@treatywatch/core";
import { describe, expect, it } from "vitest";
import { apiSecretBox, unconfiguredConfirmations } from "./lambda-config.ts";

const ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:treatywatch-webhook-key-AbCdEf";
const PLAIN = "whsec_4mXb7QsVn2LpR9tYcK1wHzJ0aUeG6dFo";
const noKeys = { old: [], keyFile: "" };

/** Secrets Manager with one current value; it counts the clients made from it. */
function secretsManager(value: string) {
  const made = { clients: 0 };
  const client = (): SecretValueClient => {
    made.clients++;
    return {
      async send(command) {
        if (command.input.VersionStage === "AWSPREVIOUS")
          throw Object.assign(new Error("no previous version"), { name: "ResourceNotFoundException" });
        return { SecretString: value };
      },
    };
  };
  return { client, made };
}

describe("apiSecretBox", () => {
  it("seals with the key from the deployment's secret, read once however many secrets it seals", async () => {
    const { client, made } = secretsManager("generated-at-deploy");
    const box = apiSecretBox(noKeys, ARN, client);
    if (!box) throw new Error("a box expected");

    const sealed = await Promise.all([box.seal(PLAIN, "sub_1"), box.seal(PLAIN, "sub_2")]);
    const opened = await box.open(sealed[0] ?? "", "sub_1");

    expect(sealed.every((value) => value.startsWith("v1:") && !value.includes(PLAIN))).toBe(true);
    expect(opened).toEqual({ ok: true, plaintext: PLAIN });
    expect(made.clients).toBe(1);
  });

  it("uses TREATYWATCH_SECRET_KEY without a secret, and stores secrets as given with neither", async () => {
    const withKey = apiSecretBox({ current: randomBytes(32), old: [], keyFile: "" }, undefined);

    expect((await withKey?.seal(PLAIN, "sub_1"))?.startsWith("v1:")).toBe(true);
    expect(apiSecretBox(noKeys, undefined)).toBeUndefined();
  });
});

function recordingLogger() {
  const errors: Array<{ fields: object; message: string }> = [];
  const logger: Logger = { ...silentLogger, error: (fields, message) => errors.push({ fields, message }) };
  return { errors, logger };
}

function aSubscription(channel: Subscription["channel"]): Subscription {
  return {
    id: "sub_confirm",
    tenantId: "tnt_desk",
    channel,
    filter: { treaties: ["mine-ban"] },
    cadence: { kind: "instant" },
    status: "pending",
    createdAt: "2025-06-30T12:00:00.000Z",
    updatedAt: "2025-06-30T12:00:00.000Z",
  };
}

describe("confirmations without a sender address or public origin", () => {
  it("log an error naming the missing settings for an email subscription", async () => {
    const { errors, logger } = recordingLogger();
    const missing = ["TREATYWATCH_MAIL_FROM", "TREATYWATCH_PUBLIC_URL"];

    await unconfiguredConfirmations(logger, missing).sendConfirmation(
      aSubscription({ type: "email", address: "desk@example.org" }),
    );

    expect(errors).toEqual([
      {
        fields: { subscriptionId: "sub_confirm", missing },
        message:
          "confirmation mail not sent: TREATYWATCH_MAIL_FROM and TREATYWATCH_PUBLIC_URL not set for the API function",
      },
    ]);
  });

  it("stay quiet for a webhook, which needs no mail", async () => {
    const { errors, logger } = recordingLogger();

    await unconfiguredConfirmations(logger, ["TREATYWATCH_MAIL_FROM"]).sendConfirmation(
      aSubscription({ type: "webhook", url: "https://hooks.example.org/treatywatch" }),
    );

    expect(errors).toEqual([]);
  });
});
