import type { StatusChange } from "@treatywatch/core";
import type { AppEnv } from "../../lib/env.ts";
import { ApiError } from "../../lib/errors.ts";
import { applyStatusChange as storeStatusChange } from "../../lib/subscription-status.ts";
import { loadSubscription } from "./load.ts";
import { present } from "./schema.ts";

/** Applies pause or resume to the caller's subscription; a change its status forbids is a 409. */
export async function applyStatusChange(
  c: { var: Pick<AppEnv["Variables"], "caller" | "services"> },
  id: string,
  change: StatusChange,
) {
  const current = await loadSubscription(c, id);
  const { subscriptions, clock } = c.var.services;
  const result = await storeStatusChange(subscriptions, current, change, clock.now().toISOString());
  if (!result.ok) throw new ApiError("CONFLICT", result.reason);
  return present(result.subscription);
}
