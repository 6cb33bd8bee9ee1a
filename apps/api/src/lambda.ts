import { handle } from "hono/aws-lambda";
import { createApp } from "./app.ts";
import { lambdaServices } from "./lambda-config.ts";

/** The API on Lambda behind a function URL: the same app the node server serves. */
export const handler = handle(createApp(lambdaServices()));
