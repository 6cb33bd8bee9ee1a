import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@treatywatch/core";
import { OutboxMailer } from "@treatywatch/notify";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { aKey, testServices } from "../../test/factories.ts";
import { createApp } from "../app.ts";
import { mailedConfirmations } from "./confirmations.ts";

describe("mailed confirmations", () => {
  it("puts one confirmation mail, with the link, in the outbox for a new email subscription", async () => {
    const outbox = await mkdtemp(join(tmpdir(), "tw-confirm-"));
    const services = testServices();
    services.confirmations = mailedConfirmations(new OutboxMailer(outbox), "alerts@alerts.example.org", silentLogger);
    const app = createApp(services, { publicUrl: "https://alerts.example.org" });
    const key = await aKey(services);

    const created = await app.request("/v1/subscriptions", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        channel: { type: "email", address: "desk@example.org" },
        filter: { treaties: ["mine-ban"] },
        cadence: { kind: "daily", hour: 7, timeZone: "Europe/Riga" },
      }),
    });

    const files = await readdir(outbox);
    const mail = await simpleParser(await readFile(join(outbox, files[0] ?? "")));
    expect(created.status).toBe(201);
    expect(files).toHaveLength(1);
    expect(mail.to && "text" in mail.to ? mail.to.text : "").toBe("desk@example.org");
    expect(mail.subject).toBe("Confirm your treatywatch subscription");
    expect(mail.text).toMatch(/https:\/\/alerts\.example\.org\/v1\/confirm\?token=[\w-]{43}/);
    expect(mail.text).toContain("mine-ban, daily at 07:00 Europe/Riga");
  });
});
