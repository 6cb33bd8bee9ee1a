import type { Context } from "hono";

/** Reads the peer address of a request from the runtime it arrived through. */
export type RemoteAddress = (c: Context) => string | undefined;

/** What @hono/node-server and hono/aws-lambda put in `c.env`, as far as the peer goes. */
interface RuntimeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
  requestContext?: { http?: { sourceIp?: string }; identity?: { sourceIp?: string } };
}

/** The peer under the node server (the socket) or Lambda (the function URL's or API Gateway's source IP). */
export const runtimeRemoteAddress: RemoteAddress = (c) => {
  const env = c.env as RuntimeBindings | undefined;
  return (
    env?.incoming?.socket?.remoteAddress ??
    env?.requestContext?.http?.sourceIp ??
    env?.requestContext?.identity?.sourceIp
  );
};

/**
 * The client a request is counted against. With `trustedProxies` proxies in front, the
 * client is the entry that many hops left of the peer in X-Forwarded-For; entries further
 * left are whatever the client wrote, so they are never used. With none, the header is
 * ignored. Requests whose peer is unknown share one key.
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | undefined,
  trustedProxies: number,
): string {
  if (trustedProxies <= 0) return peer ?? "unknown";
  const hops = (forwardedFor ?? "").split(",").map((entry) => entry.trim());
  const chain = [...hops.filter(Boolean), peer ?? "unknown"];
  return chain[Math.max(0, chain.length - 1 - trustedProxies)] ?? "unknown";
}
