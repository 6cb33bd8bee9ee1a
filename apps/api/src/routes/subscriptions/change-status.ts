import { changeStatus, type StatusChange } from "@treatywatch/core";
import type { AppEnv } from "../../lib/env.ts";
import { ApiError } from "../../lib/errors.ts";
import { loadSubscription } from "./load.ts";
import { present } from "./schema.ts";

/** Applies pause or resume to the caller's subscription; a change its status forbids is a 409. */
export async function applyStatusChange(
  c: { var: Pick<AppEnv["Variables"], "caller" | "services"> },
  id: string,
  change: StatusChange,
) {
  const current = await loadSubscription(c, id);
  const result = changeStatus(current, change, c.var.services.clock.now().toISOString());
  if (!result.ok) throw new ApiError("CONFLICT", result.reason);
  if (result.subscription !== current) await c.var.services.subscriptions.updateSubscription(result.subscription);
  return present(result.subscription);
}
