import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Schema } from "hono";
import type { AppEnv } from "../../lib/env.ts";
import { registerDeleteSubscription } from "./delete.ts";
import { registerGetSubscription } from "./get.ts";
import { registerListSubscriptions } from "./list.ts";
import { registerUpdateSubscription } from "./patch.ts";
import { registerPauseSubscription } from "./pause.ts";
import { registerCreateSubscription } from "./post.ts";
import { registerPreviewSubscription } from "./preview.ts";
import { registerResendConfirmation } from "./resend-confirmation.ts";
import { registerResumeSubscription } from "./resume.ts";
import { registerRotateSecret } from "./rotate-secret.ts";
import { registerVerifySubscription } from "./verify.ts";

export function registerSubscriptions<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  // The fixed path comes before the /{id} routes, so "preview" is never read as an id.
  const withPreview = registerPreviewSubscription(api);
  const crud = registerDeleteSubscription(
    registerUpdateSubscription(
      registerGetSubscription(registerListSubscriptions(registerCreateSubscription(withPreview))),
    ),
  );
  const lifecycle = registerVerifySubscription(registerResumeSubscription(registerPauseSubscription(crud)));
  return registerResendConfirmation(registerRotateSecret(lifecycle));
}
