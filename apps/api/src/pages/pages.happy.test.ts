import type { Store } from "@treatywatch/core";
import { describe, expect, it } from "vitest";
import { appWith, storeWithMergedStories, storeWithStories, testServices } from "../../test/factories.ts";
import { aVisitor, visibleText } from "../../test/pages.ts";
import { createApp } from "../app.ts";

describe("GET / (the stories)", () => {
  it("lists stories newest first, each with its outlets, and pages with Older stories", async () => {
    const { store, stories } = await storeWithStories(25);
    const app = appWith(store);

    const first = await (await app.request("/")).text();
    const older = /href="\/\?cursor=([^"]+)" rel="next"/.exec(first)?.[1] ?? "";
    const second = await (await app.request(`/?cursor=${older}`)).text();

    const titlesOf = (html: string) =>
      [...html.matchAll(/<h2 id="story-[^"]+"><a [^>]+>([^<]+)<\/a>/g)].map((m) => m[1]);
    expect(titlesOf(first)).toEqual(
      stories
        .slice(5)
        .reverse()
        .map((story) => story.title),
    );
    expect(titlesOf(second)).toEqual(
      stories
        .slice(0, 5)
        .reverse()
        .map((story) => story.title),
    );
    expect(visibleText(first)).toContain("Reported by Outlet");
    expect(second).toContain('href="/">Newest stories</a>');
    expect(second).not.toContain('rel="next"');
  });

  it("filters by country and treaty, and says when nothing matches", async () => {
    const { store } = await storeWithStories(2);
    const app = appWith(store);

    const latvia = await (await app.request("/?country=LV&treaty=mine-ban&topic=&language=")).text();
    const finland = await (await app.request("/?country=FI")).text();

    expect(latvia.match(/class="story"/g)).toHaveLength(2);
    expect(latvia).toContain("<h1>Mine Ban Treaty · Latvia</h1>");
    expect(latvia).toContain('<option value="LV" selected="">Latvia</option>');
    expect(finland).not.toContain('class="story"');
    expect(visibleText(finland)).toContain("No stories match these filters yet.");
  });

  it("points feed readers at the feeds of the current filter", async () => {
    const { store } = await storeWithStories(1);

    const html = await (await appWith(store).request("/?country=LV")).text();

    expect(html).toContain('<link rel="alternate" type="application/atom+xml"');
    expect(html).toContain('href="http://localhost:8787/feed/atom?country=LV"');
    expect(html).toContain('href="http://localhost:8787/feed/rss?country=LV"');
    expect(html).toContain('href="http://localhost:8787/feed/json?country=LV"');
  });

  it("answers 304 to the ETag of an unchanged page, and a new page once a story is saved", async () => {
    const { store } = await storeWithStories(2);
    const app = appWith(store);
    const etag = (await app.request("/")).headers.get("etag") ?? "";

    const unchanged = await app.request("/", { headers: { "if-none-match": etag } });
    const { stories } = await storeWithStories(1, store);
    const changed = await app.request("/", { headers: { "if-none-match": etag } });

    expect(etag).toMatch(/^"[^"]+"$/);
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe("");
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain(stories[0]?.title ?? "missing");
  });

  it("serves the same bytes from its cache as a fresh rendering", async () => {
    const { store, stories } = await storeWithStories(3);
    const cached = appWith(store);
    const withoutVersion: Store = { ...storeMethods<Store>(store), dataVersion: undefined };
    const uncached = createApp({ ...testServices(store), store: withoutVersion });

    for (const path of ["/", "/?country=LV", `/stories/${stories[0]?.id}`]) {
      await cached.request(path);
      const fromCache = await (await cached.request(path)).text();
      const fresh = await (await uncached.request(path)).text();
      expect(fromCache).toBe(fresh);
    }
  });

  it("answers 400 naming the filter at fault", async () => {
    const { store } = await storeWithStories(1);

    const response = await appWith(store).request("/?topic=weather");

    expect(response.status).toBe(400);
    expect(visibleText(await response.text())).toContain("topic: Invalid option");
  });
});

/** The store's methods bound to it, so a copy can leave one out. */
function storeMethods<T extends object>(store: object): T {
  const proto = Object.getPrototypeOf(store) as Record<string, unknown>;
  const bound: Record<string, unknown> = {};
  for (const name of Object.getOwnPropertyNames(proto)) {
    const value = (store as Record<string, unknown>)[name];
    if (typeof value === "function" && name !== "constructor") bound[name] = value.bind(store);
  }
  return bound as T;
}

describe("GET /stories/{id}", () => {
  it("shows every source with its outlet, link and own date, why, and how it grew", async () => {
    const { store, stories } = await storeWithStories(1);
    const story = stories[0];

    const response = await appWith(store).request(`/stories/${story?.id}`);
    const html = await response.text();
    const text = visibleText(html);

    expect(response.status).toBe(200);
    expect(html).toContain('<li id="source-1"><strong>Outlet');
    expect(html).toMatch(/<a href="https:\/\/outlet\d+\.example\/story-\d+">Latvia deposits/);
    expect(text).toContain("27 June 2025");
    expect(text).toContain("Treaty: Mine Ban Treaty Ottawa Convention");
    expect(text).toContain("Country: Latvia Latvia");
    expect(text).toMatch(/Outlet \d+ reported it first/);
    expect(text).toMatch(/Outlet \d+ joined, adding outlet: Outlet \d+/);
  });

  it("cites the sources a summary sentence comes from", async () => {
    const { store, stories } = await storeWithStories(1);
    const story = stories[0];
    if (!story) throw new Error("no story");
    const [first] = (await store.listItems({ storyId: story.id, limit: 10 })).data;
    if (!first) throw new Error("no item");
    await store.saveIngest({
      stored: {
        ...first,
        item: {
          ...first.item,
          summary: "Latvia deposited its notice of withdrawal with the United Nations on Friday.",
        },
      },
    });

    const html = await (await appWith(store).request(`/stories/${story.id}`)).text();

    expect(html).toMatch(/with the United Nations on Friday <a href="#source-\d" aria-label="source \d">\[\d\]<\/a>\./);
  });

  it("sends the page of a story merged into another to the merged story's page, for good", async () => {
    const { store, survivor, absorbed } = await storeWithMergedStories();
    const app = appWith(store);

    const response = await app.request(`/stories/${absorbed}`);
    const followed = await app.request(response.headers.get("location") ?? "");

    expect(response.status).toBe(308);
    expect(response.headers.get("location")).toBe(`/stories/${survivor.id}`);
    expect(followed.status).toBe(200);
    expect(await followed.text()).toContain(`<h1 id="story-title">${survivor.title}</h1>`);
  });

  it("answers 404 with a page for an unknown story", async () => {
    const { store } = await storeWithStories(0);

    const response = await appWith(store).request("/stories/sty_missing");

    expect(response.status).toBe(404);
    expect(await response.text()).toContain("<h1>Story not found</h1>");
  });
});

describe("GET /feed/{format}", () => {
  it("serves the list filter's stories as Atom with its own filtered self link", async () => {
    const { store, stories } = await storeWithStories(2);
    const app = appWith(store);

    const latvia = await app.request("/feed/atom?country=LV");
    const finland = await (await app.request("/feed/atom?country=FI")).text();
    const body = await latvia.text();

    expect(latvia.headers.get("content-type")).toContain("application/atom+xml");
    for (const story of stories) expect(body).toContain(story.id);
    expect(body).toContain('href="http://localhost:8787/feed/atom?country=LV"');
    expect(finland).not.toContain("<entry>");
  });

  it.each([
    ["/feed/pdf", "format"],
    ["/feed/rss?country=latvia", "country"],
  ])("%s answers 400 naming %s", async (path, field) => {
    const { store } = await storeWithStories(0);

    const response = await appWith(store).request(path);

    expect(response.status).toBe(400);
    expect(await response.text()).toContain(field);
  });
});

describe("email sign-up", () => {
  it("subscribes a confirmed-to-be address in the public tenant, with the filter and cadence chosen", async () => {
    const services = testServices();
    const app = createApp(services);
    const visitor = await aVisitor(app);

    const response = await visitor.post("/subscribe", {
      topics: ["treaty-status", "mine-use"],
      treaties: "mine-ban",
      countries: "Lithuania, LV",
      keywords: '"Ottawa Convention" AND withdrawal',
      cadence: "daily",
      hour: "7",
      timeZone: "Europe/Vilnius",
      email: "reader@example.org",
    });

    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/subscribe/sent");
    const [sent] = services.sentConfirmations;
    expect(sent?.link).toMatch(/\/v1\/confirm\?token=[\w-]+$/);
    expect(sent?.subscription).toMatchObject({
      status: "pending",
      channel: { type: "email", address: "reader@example.org" },
      filter: {
        topics: ["treaty-status", "mine-use"],
        treaties: ["mine-ban"],
        countries: ["LT", "LV"],
        keywords: '"Ottawa Convention" AND withdrawal',
      },
      cadence: { kind: "daily", hour: 7, timeZone: "Europe/Vilnius" },
    });
    const tenant = await services.keys.getTenant(sent?.subscription.tenantId ?? "");
    expect(tenant?.name).toBe("public");
  });

  it.each([
    [{ keywords: "(withdrawal" }, "keywords", "Keywords:"],
    [{ countries: "Narnia" }, "countries", "no country is called “Narnia”"],
    [{ email: "not-an-address" }, "email", "Email address: enter an address"],
    [{ cadence: "weekly", timeZone: "Mars/Olympus" }, "timeZone", "Time zone:"],
  ])("shows the form again with %o at fault, and subscribes no one", async (fields, field, message) => {
    const services = testServices();
    const app = createApp(services);
    const visitor = await aVisitor(app);

    const response = await visitor.post("/subscribe", { email: "reader@example.org", ...fields });
    const html = await response.text();

    expect(response.status).toBe(400);
    expect(html).toContain(`href="#${field}"`);
    expect(visibleText(html)).toContain(message);
    expect(services.sentConfirmations).toEqual([]);
  });

  it("previews the recent stories a filter matches, with why", async () => {
    const services = testServices();
    await storeWithStories(2, services.store);
    services.clock.advance(-4 * 24 * 3600_000);
    const app = createApp(services);

    const latvia = await (await app.request("/subscribe/preview?countries=Latvia&topics=treaty-status")).text();
    const finland = await (await app.request("/subscribe/preview?countries=FI")).text();
    const broken = await (await app.request("/subscribe/preview?keywords=%22open")).text();

    expect(visibleText(latvia)).toContain("2 stories of the last 30 days match");
    expect(visibleText(latvia)).toContain("country: LV");
    expect(visibleText(finland)).toContain("No story of the last 30 days matches");
    expect(visibleText(broken)).toContain("Keywords:");
  });
});

async function subscribedVisitor() {
  const services = testServices();
  const app = createApp(services);
  const visitor = await aVisitor(app);
  await visitor.post("/subscribe", { topics: "clearance", email: "reader@example.org" });
  const subscription = services.sentConfirmations[0]?.subscription;
  const token = (await services.subscriptions.unsubscribeToken(subscription?.id ?? "")) ?? "";
  const stored = async () => services.subscriptions.findSubscription(subscription?.id ?? "");
  return { services, app, visitor, token, stored };
}

describe("the manage link", () => {
  it("shows the subscription and changes its filter and cadence", async () => {
    const { app, visitor, token, stored } = await subscribedVisitor();

    const page = await (await app.request(`/manage/${token}`)).text();
    const saved = await visitor.post(`/manage/${token}`, {
      topics: ["mine-use"],
      countries: "Ukraine",
      cadence: "weekly",
      weekday: "5",
      hour: "18",
      timeZone: "Europe/Kyiv",
    });
    const after = await (await app.request(saved.headers.get("location") ?? "")).text();

    expect(visibleText(page)).toContain("Sent to reader@example.org");
    expect(page).toContain('value="clearance" checked=""');
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`/manage/${token}?done=updated`);
    expect(visibleText(after)).toContain("Saved.");
    expect((await stored())?.filter).toEqual({ topics: ["mine-use"], countries: ["UA"] });
    expect((await stored())?.cadence).toEqual({ kind: "weekly", weekday: 5, hour: 18, timeZone: "Europe/Kyiv" });
  });

  it("pauses, resumes and unsubscribes a confirmed subscription", async () => {
    const { services, visitor, token, stored } = await subscribedVisitor();
    const current = await stored();
    if (!current) throw new Error("not stored");
    await services.subscriptions.updateSubscription({ ...current, status: "active" });

    const statuses: (string | undefined)[] = [];
    for (const action of ["pause", "resume", "unsubscribe"]) {
      const response = await visitor.post(`/manage/${token}/${action}`, {});
      expect(response.headers.get("location")).toBe(`/manage/${token}?done=${action}`);
      statuses.push((await stored())?.status);
    }

    expect(statuses).toEqual(["paused", "active", "unsubscribed"]);
  });

  it("refuses to resume a subscription still waiting for confirmation, with the reason", async () => {
    const { visitor, token, stored } = await subscribedVisitor();

    const response = await visitor.post(`/manage/${token}/resume`, {});

    expect(response.status).toBe(409);
    expect(visibleText(await response.text())).toContain("a pending subscription cannot resume");
    expect((await stored())?.status).toBe("pending");
  });

  it("answers 404 to a link it never sent", async () => {
    const { app } = await subscribedVisitor();

    const response = await app.request(`/manage/${"x".repeat(43)}`);

    expect(response.status).toBe(404);
  });
});
