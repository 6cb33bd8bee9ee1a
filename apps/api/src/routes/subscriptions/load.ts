import type { Subscription } from "@treatywatch/core";
import { tenantOf } from "../../lib/auth.ts";
import type { AppEnv } from "../../lib/env.ts";
import { ApiError } from "../../lib/errors.ts";

/** The caller's subscription, or 404: another tenant's subscription does not exist for it. */
export async function loadSubscription(
  c: { var: Pick<AppEnv["Variables"], "caller" | "services"> },
  id: string,
): Promise<Subscription> {
  const subscription = await c.var.services.subscriptions.getSubscription(tenantOf(c), id);
  if (!subscription) throw new ApiError("NOT_FOUND", `no subscription ${id}`);
  return subscription;
}
