import { type ApiKey, apiKeyPrefix, hashApiKey, type KeyStore, type Scope, stableId } from "@treatywatch/core";
import { newApiKey } from "./secrets.ts";

/** Issues a key for a tenant (created on first use). The key is returned this once; only its hash is kept. */
export async function issueApiKey(
  keys: KeyStore,
  request: { tenant: string; scopes: Scope[]; now: string },
): Promise<{ key: string; record: ApiKey }> {
  const tenant = await keys.ensureTenant(request.tenant, request.now);
  const key = newApiKey();
  const record: ApiKey = {
    id: stableId("key", key),
    tenantId: tenant.id,
    prefix: apiKeyPrefix(key),
    hash: hashApiKey(key),
    scopes: [...new Set(request.scopes)],
    createdAt: request.now,
  };
  await keys.saveKey(record);
  return { key, record };
}
