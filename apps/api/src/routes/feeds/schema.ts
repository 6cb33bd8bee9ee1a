import { z } from "@hono/zod-openapi";

export const FeedSchema = z
  .object({
    id: z.string().openapi({ example: "fd_x2Y0bQ8lM3nP5rS7tU9v" }),
    url: z.string(),
    title: z.string().optional(),
    addedAt: z.string(),
    nextPollAt: z.string(),
    health: z.object({
      lastSuccessAt: z.string().optional(),
      lastErrorAt: z.string().optional(),
      lastError: z.object({ kind: z.string(), message: z.string() }).optional(),
      lastDamageAt: z.string().optional(),
      lastDamage: z
        .object({ kind: z.enum(["encoding", "markup"]), message: z.string() })
        .optional()
        .openapi({
          description:
            "what the last fetch that read past damage in the feed repaired: bytes not valid in its character set (`encoding`), or markup that was not well-formed XML, such as a bare & (`markup`); a fetch that repaired both gives `encoding` and says both in the message; its entries were kept",
        }),
      consecutiveFailures: z.number().int(),
      deferred: z
        .number()
        .int()
        .optional()
        .openapi({ description: "entries fetched and held for the next polls: a feed adds at most 1,000 a poll" }),
    }),
  })
  .openapi("Feed");

export const FeedList = z.object({ data: z.array(FeedSchema) }).openapi("FeedList");

export const AddFeedBody = z
  .object({ url: z.string().max(2048).openapi({ example: "https://news.example.org/landmines.xml" }) })
  .strict()
  .openapi("AddFeed");

export const FeedParams = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

/** What the API shows of a feed: its polling validators stay internal. */
export function presentFeed(
  feed: z.infer<typeof FeedSchema> & { etag?: string | undefined },
): z.infer<typeof FeedSchema> {
  const { id, url, title, addedAt, nextPollAt, health } = feed;
  return { id, url, title, addedAt, nextPollAt, health };
}
