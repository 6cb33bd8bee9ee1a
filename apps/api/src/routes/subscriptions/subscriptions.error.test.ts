import { WEBHOOK_URL_RULE } from "@treatywatch/http";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aKey, aSubscription, bearer, testServices } from "../../../test/factories.ts";
import { createApp } from "../../app.ts";
import { ErrorSchema } from "../../lib/errors.ts";
import { isPageRoute } from "../../pages/index.tsx";

async function setUp() {
  const services = testServices();
  const app = createApp(services, { bodyLimitBytes: 4096 });
  const key = await aKey(services, "acme", ["admin"]);
  const { subscription } = await aSubscription(app, key);
  return { app, key, id: subscription.id };
}

const json = (key: string, body: unknown, method = "POST") => ({
  method,
  headers: { ...bearer(key), "content-type": "application/json" },
  body: JSON.stringify(body),
});

async function fieldsAtFault(response: Response): Promise<string[]> {
  return (ErrorSchema.parse(await response.json()).error.details ?? []).map((detail) => detail.path);
}

describe("the webhook URL rule", () => {
  const localReceiver = {
    channel: { type: "webhook", url: "http://127.0.0.1:9911/hook" },
    cadence: { kind: "instant" },
  };

  async function post(body: unknown, outboundAllow?: string[]) {
    const services = testServices();
    const app = createApp(services, { outboundAllow });
    return app.request("/v1/subscriptions", json(await aKey(services), body));
  }

  it("refuses a local http receiver by default, with the rule in the message and the field", async () => {
    const response = await post(localReceiver);
    const body = ErrorSchema.parse(await response.json());

    expect(response.status).toBe(400);
    expect(body.error.message).toBe(`invalid json: json.channel.url: ${WEBHOOK_URL_RULE}`);
    expect(body.error.details).toEqual([{ path: "json.channel.url", message: WEBHOOK_URL_RULE }]);
  });

  it("accepts the local http receiver when its address is in TREATYWATCH_FETCH_ALLOW", async () => {
    const accepted = await post(localReceiver, ["127.0.0.1"]);
    const otherPort = await post(
      { ...localReceiver, channel: { type: "webhook", url: "http://127.0.0.1:8080/other" } },
      ["127.0.0.1"],
    );
    const notListed = await post(localReceiver, ["10.0.0.0/8"]);

    expect([accepted.status, otherPort.status, notListed.status]).toEqual([201, 201, 400]);
  });

  it("states the rule for a URL that does not parse, rather than a bare 'Invalid URL'", async () => {
    const response = await post({ ...localReceiver, channel: { type: "webhook", url: "hooks.example.org/x" } });

    expect(ErrorSchema.parse(await response.json()).error.details).toEqual([
      { path: "json.channel.url", message: WEBHOOK_URL_RULE },
    ]);
  });
});

describe("subscription validation", () => {
  it.each([
    [
      "an http webhook",
      { channel: { type: "webhook", url: "http://hooks.example.org/x" }, cadence: { kind: "instant" } },
      "json.channel.url",
    ],
    [
      "an IP webhook",
      { channel: { type: "webhook", url: "https://10.0.0.1/x" }, cadence: { kind: "instant" } },
      "json.channel.url",
    ],
    [
      "a bad address",
      { channel: { type: "email", address: "not-an-address" }, cadence: { kind: "instant" } },
      "json.channel.address",
    ],
    [
      "an unknown zone",
      {
        channel: { type: "email", address: "a@example.org" },
        cadence: { kind: "daily", hour: 8, timeZone: "Mars/Base" },
      },
      "json.cadence.timeZone",
    ],
    [
      "hour 24",
      { channel: { type: "email", address: "a@example.org" }, cadence: { kind: "daily", hour: 24, timeZone: "UTC" } },
      "json.cadence.hour",
    ],
    [
      "bad keywords",
      {
        channel: { type: "email", address: "a@example.org" },
        filter: { keywords: '("landmine' },
        cadence: { kind: "instant" },
      },
      "json.filter.keywords",
    ],
    [
      "an unknown topic",
      {
        channel: { type: "email", address: "a@example.org" },
        filter: { topics: ["weather"] },
        cadence: { kind: "instant" },
      },
      "json.filter.topics.0",
    ],
    [
      "an unknown field",
      { channel: { type: "email", address: "a@example.org" }, cadence: { kind: "instant" }, owner: "x" },
      "json",
    ],
  ])("refuses %s with 400 naming %s", async (_, body, field) => {
    const { app, key } = await setUp();

    const response = await app.request("/v1/subscriptions", json(key, body));

    expect(response.status).toBe(400);
    expect(await fieldsAtFault(response)).toContain(field);
  });

  it("answers 409 when a pending subscription is resumed", async () => {
    const { app, key, id } = await setUp();

    const response = await app.request(`/v1/subscriptions/${id}/resume`, json(key, {}));

    expect(response.status).toBe(409);
    expect(ErrorSchema.parse(await response.json()).error.code).toBe("CONFLICT");
  });
});

describe("protocol errors", () => {
  it("answers 405 with Allow for a known path and the wrong method", async () => {
    const { app, key } = await setUp();

    const response = await app.request("/v1/subscriptions", { method: "PUT", headers: bearer(key) });

    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD, POST");
    expect(ErrorSchema.parse(await response.json()).error.code).toBe("METHOD_NOT_ALLOWED");
  });

  it("answers 404 for a path no route has", async () => {
    const { app } = await setUp();

    const response = await app.request("/v1/nothing-here");

    expect(response.status).toBe(404);
    expect(ErrorSchema.parse(await response.json()).error.code).toBe("NOT_FOUND");
  });

  it("answers 413 for a body over the limit", async () => {
    const { app, key } = await setUp();
    const body = { filter: { keywords: "landmine ".repeat(1000) } };

    const response = await app.request("/v1/subscriptions/preview", json(key, body));

    expect(response.status).toBe(413);
    expect(ErrorSchema.parse(await response.json()).error.code).toBe("PAYLOAD_TOO_LARGE");
  });
});

/** Every write route in the API, as (method, path) given a subscription id that exists. */
const WRITE_ROUTES = (id: string): Array<[string, string]> => [
  ["POST", "/v1/subscriptions"],
  ["POST", "/v1/subscriptions/preview"],
  ["PATCH", `/v1/subscriptions/${id}`],
  ["DELETE", `/v1/subscriptions/${id}`],
  ["POST", `/v1/subscriptions/${id}/pause`],
  ["POST", `/v1/subscriptions/${id}/resume`],
  ["POST", `/v1/subscriptions/${id}/verify`],
  ["POST", `/v1/subscriptions/${id}/rotate-secret`],
  ["POST", `/v1/subscriptions/${id}/resend-confirmation`],
  ["POST", "/v1/confirm?token=AAAAAAAAAAAAAAAAAAAAAAAA"],
  ["POST", "/v1/unsubscribe?token=AAAAAAAAAAAAAAAAAAAAAAAA"],
  ["POST", "/v1/feeds"],
  ["DELETE", "/v1/feeds/fd_unknown"],
];

/** Bodies close enough to valid ones to reach past the first check. */
const nearlyValid = fc.record(
  {
    channel: fc.oneof(
      fc.record({ type: fc.constantFrom("email", "webhook", "sms"), address: fc.string(), url: fc.webUrl() }),
      fc.anything(),
    ),
    filter: fc.oneof(
      fc.record(
        {
          topics: fc.array(fc.constantFrom("mine-use", "clearance", "x", "")),
          countries: fc.array(fc.string({ maxLength: 3 })),
          keywords: fc.oneof(fc.string(), fc.stringMatching(/^[a-z"() ANDORNOT-]{0,40}$/)),
          minScore: fc.oneof(fc.double(), fc.string()),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    ),
    cadence: fc.oneof(
      fc.record({
        kind: fc.constantFrom("instant", "daily", "weekly", "hourly"),
        hour: fc.oneof(fc.integer(), fc.double()),
        weekday: fc.integer({ min: -2, max: 9 }),
        timeZone: fc.oneof(fc.constantFrom("UTC", "Europe/Kyiv", "Nowhere/At_All"), fc.string()),
      }),
      fc.anything(),
    ),
  },
  { requiredKeys: [] },
);

const rawBody = fc.oneof(
  nearlyValid.map((value) => JSON.stringify(value)),
  fc.json(),
  fc.string(),
  fc.constant("{"),
  fc.constant(""),
);

describe("no input makes a write route answer 500", () => {
  it.each(WRITE_ROUTES("SUBSCRIPTION"))("%s %s", async (method, template) => {
    const { app, key, id } = await setUp();
    const path = template.replace("SUBSCRIPTION", id);

    await fc.assert(
      fc.asyncProperty(
        rawBody,
        fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded"),
        fc.oneof(
          fc.constant(path),
          fc
            .string({ maxLength: 20 })
            .map((junk) => `${path}${path.includes("?") ? "&" : "?"}x=${encodeURIComponent(junk)}`),
        ),
        async (body, contentType, target) => {
          const response = await app.request(target, {
            method,
            headers: { ...bearer(key), "content-type": contentType },
            body,
          });
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400 && response.headers.get("content-type")?.includes("json")) {
            ErrorSchema.parse(await response.json());
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("the write routes above", () => {
  it("are every route in the app that is not a GET", async () => {
    const { app } = await setUp();
    const pattern = (path: string) => path.replace(/\?.*$/, "").replace(/\/(sub|fd)_[\w-]+/, "/:id");

    const writes = app.routes
      .filter((route) => !["GET", "ALL"].includes(route.method) && !isPageRoute(route.path))
      .map((route) => `${route.method} ${route.path}`);
    const covered = WRITE_ROUTES("sub_x").map(([method, path]) => `${method} ${pattern(path)}`);

    expect([...new Set(writes)].sort()).toEqual([...new Set(covered)].sort());
  });
});
