import { handle } from "hono/aws-lambda";
import { createApp } from "./app.ts";
import { type ApiClients, lambdaApi } from "./lambda-config.ts";

/** The API on Lambda behind a function URL: the same app the node server serves. */
export function lambdaHandler(clients?: ApiClients) {
  const { services, options } = lambdaApi(clients);
  return handle(createApp(services, options));
}

export const handler = lambdaHandler();
