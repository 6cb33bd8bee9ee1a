import type { GuardedHttpClient } from "@treatywatch/http";

export interface PostRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export type PostResult =
  | { ok: true; status: number; headers: Record<string, string> }
  | { ok: false; error: { kind: string; message: string } };

/** Sends one POST and reports the answer without following redirects; never throws. */
export interface HttpPoster {
  post(request: PostRequest): Promise<PostResult>;
}

/** Webhook bodies we read back are answers like `ok`; a few KiB is plenty. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** Posts through the SSRF-guarded client: private addresses refused unless allowed, redirects returned, not followed. */
export function safeHttpPoster(client: Pick<GuardedHttpClient, "request">): HttpPoster {
  return {
    async post(request) {
      const result = await client.request({
        url: request.url,
        method: "POST",
        headers: request.headers,
        body: request.body,
        redirect: "manual",
        timeoutMs: request.timeoutMs,
        maxBytes: MAX_RESPONSE_BYTES,
      });
      if (!result.ok) return { ok: false, error: { kind: result.error.kind, message: result.error.message } };
      return { ok: true, status: result.response.status, headers: result.response.headers };
    },
  };
}
