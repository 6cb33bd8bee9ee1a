import { describe, expect, it } from "vitest";
import { appWith, storeWithStories } from "../../../test/factories.ts";
import { ErrorSchema } from "../../lib/errors.ts";

describe("stories errors", () => {
  it.each([
    ["/v1/stories?limit=0", "query.limit"],
    ["/v1/stories?limit=many", "query.limit"],
    ["/v1/stories?topic=weather", "query.topic"],
    ["/v1/stories?country=ukraine", "query.country"],
    ["/v1/stories?since=yesterday", "query.since"],
  ])("%s answers 400 naming %s", async (path, field) => {
    const { store } = await storeWithStories(0);

    const response = await appWith(store).request(path);

    expect(response.status).toBe(400);
    const body = ErrorSchema.parse(await response.json());
    expect(body.error.details?.map((detail) => detail.path)).toContain(field);
  });

  it("answers 400, not 500, for a cursor it never issued", async () => {
    const { store } = await storeWithStories(1);

    const response = await appWith(store).request("/v1/stories?cursor=not-a-cursor");

    expect(response.status).toBe(400);
    expect(ErrorSchema.parse(await response.json()).error.code).toBe("BAD_REQUEST");
  });

  it("answers 404 with a request id for an unknown story", async () => {
    const { store } = await storeWithStories(0);

    const response = await appWith(store).request("/v1/stories/sty_missing", { headers: { "x-request-id": "req-1" } });

    expect(response.status).toBe(404);
    expect(ErrorSchema.parse(await response.json()).error).toMatchObject({ code: "NOT_FOUND", requestId: "req-1" });
  });
});
