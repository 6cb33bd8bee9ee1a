import createFetchClient from "openapi-fetch";
import type { components, paths, webhooks } from "./schema.ts";

export type { components, operations, paths, webhooks } from "./schema.ts";

type Schemas = components["schemas"];
type WebhookBody<Name extends keyof webhooks> = NonNullable<
  webhooks[Name]["post"]
>["requestBody"]["content"]["application/json"];

/** The body of every error answer: `{ error: { code, message, requestId, details? } }`. */
export type ErrorBody = Schemas["Error"];
export type Story = Schemas["Story"];
export type Subscription = Schemas["Subscription"];
export type SubscriptionFilter = Schemas["SubscriptionFilter"];

/** What a webhook receives, by event type. */
export type SubscriptionVerifyEvent = WebhookBody<"subscription.verify">;
export type StoryCreatedEvent = WebhookBody<"story.created">;
export type StoryUpdatedEvent = WebhookBody<"story.updated">;
export type DigestReadyEvent = WebhookBody<"digest.ready">;

export interface ClientOptions {
  /** Another fetch, e.g. an app's own `fetch` in tests, or one through a proxy. */
  fetch?: ((request: Request) => Promise<Response>) | undefined;
  headers?: Record<string, string> | undefined;
}

/**
 * A typed client for the treatywatch API, generated from its OpenAPI document: paths,
 * parameters, bodies, answers and error bodies are all checked.
 *
 *   const tw = createClient("https://alerts.example.org", process.env.TREATYWATCH_KEY);
 *   const { data, error } = await tw.GET("/v1/stories/{id}", { params: { path: { id } } });
 *   if (error) console.error(error.error.code, error.error.message);
 */
export function createClient(baseUrl: string, apiKey?: string, options: ClientOptions = {}) {
  return createFetchClient<paths>({
    baseUrl: baseUrl.replace(/\/+$/, ""),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    headers: { ...options.headers, ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
  });
}

export type Client = ReturnType<typeof createClient>;
