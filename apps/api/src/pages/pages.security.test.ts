import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { storeWithStories, testServices } from "../../test/factories.ts";
import { aVisitor } from "../../test/pages.ts";
import { createApp } from "../app.ts";
import { SIGNUPS_PER_ADDRESS, SIGNUPS_PER_CLIENT } from "./index.tsx";

async function signedUp(address = "reader@example.org") {
  const services = testServices();
  const app = createApp(services);
  const visitor = await aVisitor(app);
  await visitor.post("/subscribe", { email: address });
  const id = services.sentConfirmations[0]?.subscription.id ?? "";
  const token = (await services.subscriptions.unsubscribeToken(id)) ?? "";
  return { services, app, visitor, token };
}

describe("Content-Security-Policy", () => {
  it("runs only the pages' own script, by its hash, and loads nothing from elsewhere", async () => {
    const { app, token, services } = await signedUp();
    const { stories } = await storeWithStories(1, services.store);
    const paths = ["/", "/subscribe", `/manage/${token}`, "/stories/sty_missing", `/stories/${stories[0]?.id}`];

    for (const path of paths) {
      const response = await app.request(path);
      const policy = response.headers.get("content-security-policy") ?? "";
      const html = await response.text();
      const [script, ...others] = [...html.matchAll(/<script src="([^"]+)" integrity="([^"]+)" defer="">/g)];
      const served = await app.request(script?.[1] ?? "");
      const stylesheet = /<link rel="stylesheet" href="(\/assets\/site-[0-9a-f]{16}\.css)"/.exec(html)?.[1] ?? "";
      const css = await app.request(stylesheet);

      expect(policy).toContain("default-src 'none'");
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).toContain("style-src 'self'");
      expect(policy).not.toContain("unsafe-inline");
      expect(others).toEqual([]);
      expect(html).not.toMatch(/<script>|<style|\sstyle="|\son[a-z]+="/);
      expect(served.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
      expect(
        `sha256-${createHash("sha256")
          .update(await served.text())
          .digest("base64")}`,
      ).toBe(script?.[2]);
      expect(policy).toContain(`script-src '${script?.[2]}'`);
      expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
      expect(css.headers.get("cache-control")).toContain("immutable");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("keeps a subscriber's link out of caches, search engines and referrers", async () => {
    const { app, token } = await signedUp();

    const response = await app.request(`/manage/${token}`);

    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("x-robots-tag")).toBe("noindex");
  });
});

describe("form posts", () => {
  it("sets the form token cookie HttpOnly and SameSite=Strict, with __Host- and Secure over HTTPS", async () => {
    const local = await aVisitor(createApp(testServices()));
    const https = await createApp(testServices(), { publicUrl: "https://alerts.example.org" }).request("/subscribe");

    expect(local.cookie).toMatch(/^tw_csrf=[\w-]{43}$/);
    expect(https.headers.get("set-cookie")).toMatch(
      /^__Host-tw_csrf=[\w-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
    );
  });

  it.each<[string, Record<string, string>, Record<string, string>]>([
    ["without the form token", { csrf: "" }, {}],
    ["with another visitor's token", { csrf: "A".repeat(43) }, {}],
    ["from another site", {}, { origin: "https://evil.example" }],
    ["from another site, by Sec-Fetch-Site", {}, { origin: "", "sec-fetch-site": "cross-site" }],
  ])("refuses a sign-up %s and subscribes no one", async (_, fields, headers) => {
    const services = testServices();
    const visitor = await aVisitor(createApp(services));

    const response = await visitor.post("/subscribe", { email: "reader@example.org", ...fields }, headers);

    expect(response.status).toBe(403);
    expect(await response.text()).toContain("Please send the form again");
    expect(services.sentConfirmations).toEqual([]);
  });

  it("refuses a manage change without the form token", async () => {
    const { app, services, token } = await signedUp();
    const other = await aVisitor(app);

    const response = await other.post(`/manage/${token}/unsubscribe`, { csrf: "" });

    expect(response.status).toBe(403);
    const id = services.sentConfirmations[0]?.subscription.id ?? "";
    expect((await services.subscriptions.findSubscription(id))?.status).toBe("pending");
  });

  it("never answers a page's form post with a 500, whatever the body", async () => {
    const { visitor, token } = await signedUp();
    const paths = ["/subscribe", `/manage/${token}`, `/manage/${token}/pause`];

    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.dictionary(
          fc.constantFrom("topics", "countries", "keywords", "cadence", "hour", "weekday", "timeZone", "email", "csrf"),
          fc.oneof(fc.string({ maxLength: 30 }), fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 })),
        ),
        async (path, fields) => {
          const response = await visitor.post(path, fields);
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("sign-up abuse", () => {
  it("treats a filled-in hidden field as a bot: the same answer, and no one subscribed", async () => {
    const services = testServices();
    const visitor = await aVisitor(createApp(services));

    const bot = await visitor.post("/subscribe", { email: "bot@example.org", website: "https://spam.example" });
    const person = await visitor.post("/subscribe", { email: "person@example.org" });

    expect([bot.status, bot.headers.get("location")]).toEqual([person.status, person.headers.get("location")]);
    expect(services.sentConfirmations.map((sent) => sent.subscription.channel)).toEqual([
      { type: "email", address: "person@example.org" },
    ]);
  });

  it("answers the same whether or not an address is already subscribed", async () => {
    const { app, visitor } = await signedUp("known@example.org");

    const known = await visitor.post("/subscribe", { email: "known@example.org" });
    const unknown = await visitor.post("/subscribe", { email: "stranger@example.org" });
    const [knownPage, unknownPage] = await Promise.all(
      [known, unknown].map(async (response) => (await app.request(response.headers.get("location") ?? "")).text()),
    );

    expect(known.status).toBe(303);
    expect(unknown.status).toBe(303);
    expect(known.headers.get("location")).toBe(unknown.headers.get("location"));
    expect(knownPage).toBe(unknownPage);
    expect(knownPage).not.toContain("example.org");
  });

  it("limits sign-ups for one address, whichever client sends them", async () => {
    const services = testServices();
    const app = createApp(services, { trustedProxies: 1 });
    const visitor = await aVisitor(app);
    const from = (n: number) => ({ "x-forwarded-for": `203.0.113.${n}` });

    const answers: number[] = [];
    for (let n = 0; n <= SIGNUPS_PER_ADDRESS.requests; n++) {
      answers.push((await visitor.post("/subscribe", { email: "Target@Example.org" }, from(n))).status);
    }
    const refused = await visitor.post("/subscribe", { email: "target@example.org" }, from(99));

    expect(answers.slice(0, -1).every((status) => status === 303)).toBe(true);
    expect(answers.at(-1)).toBe(429);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(services.sentConfirmations).toHaveLength(SIGNUPS_PER_ADDRESS.requests);
  });

  it("limits sign-ups from one client address", async () => {
    const services = testServices();
    const visitor = await aVisitor(createApp(services, { trustedProxies: 1 }));
    const client = { "x-forwarded-for": "198.51.100.7" };

    const answers: number[] = [];
    for (let n = 0; n <= SIGNUPS_PER_CLIENT.requests; n++) {
      answers.push((await visitor.post("/subscribe", { email: `reader${n}@example.org` }, client)).status);
    }
    const elsewhere = await visitor.post(
      "/subscribe",
      { email: "other@example.org" },
      { "x-forwarded-for": "198.51.100.8" },
    );

    expect(answers.filter((status) => status === 303)).toHaveLength(SIGNUPS_PER_CLIENT.requests);
    expect(answers.at(-1)).toBe(429);
    expect(elsewhere.status).toBe(303);
  });

  it("takes no sign-ups when they are turned off", async () => {
    const services = testServices();
    const app = createApp(services, { publicSignups: false });
    const visitor = await aVisitor(app);

    const response = await visitor.post("/subscribe", { email: "reader@example.org" });

    expect(visitor.html).toContain("Sign-ups are closed on this server.");
    expect(visitor.html).not.toContain('name="email"');
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("Sign-ups are closed");
    expect(services.sentConfirmations).toEqual([]);
  });
});
