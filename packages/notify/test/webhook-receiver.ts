import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

/** What a receiver does with one request: answer with a status, hang, or drop the connection. */
export type ReceiverBehaviour =
  | { kind: "status"; status: number; headers?: Record<string, string> }
  | { kind: "hang" }
  | { kind: "reset" };

export interface ReceivedWebhook {
  id: string;
  body: string;
  headers: Record<string, string>;
}

export interface WebhookReceiver {
  url: string;
  /** Every request that arrived, answered or not. */
  arrivals: ReceivedWebhook[];
  /** Requests answered with a 2xx whose signature verified, first of each webhook-id: what the receiver processed. */
  accepted: ReceivedWebhook[];
  /**
   * Repeats of an already processed webhook-id, answered 2xx and dropped, as Standard
   * Webhooks asks of receivers: they happen when an answer reached the sender too late.
   */
  duplicates: ReceivedWebhook[];
  /** Requests whose signature did not verify. */
  rejected: ReceivedWebhook[];
  close(): Promise<void>;
}

/**
 * A local webhook endpoint that verifies every request with `standardwebhooks` and
 * answers as `behave` says; `attempt` counts arrivals of the same webhook-id from 1.
 */
export async function startWebhookReceiver(
  secret: string,
  behave: (request: ReceivedWebhook, attempt: number) => ReceiverBehaviour = () => ({ kind: "status", status: 204 }),
): Promise<WebhookReceiver> {
  const verifier = new Webhook(secret);
  const arrivals: ReceivedWebhook[] = [];
  const accepted: ReceivedWebhook[] = [];
  const duplicates: ReceivedWebhook[] = [];
  const processed = new Set<string>();
  const rejected: ReceivedWebhook[] = [];
  const attempts = new Map<string, number>();
  const hanging = new Set<ServerResponse>();

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(", ") : (value ?? ""),
      ]),
    );
    const received = { id: headers["webhook-id"] ?? "", body, headers };
    arrivals.push(received);
    const attempt = (attempts.get(received.id) ?? 0) + 1;
    attempts.set(received.id, attempt);
    try {
      verifier.verify(body, headers);
    } catch {
      rejected.push(received);
      response.writeHead(401).end();
      return;
    }
    const behaviour = behave(received, attempt);
    if (behaviour.kind === "hang") {
      hanging.add(response);
      response.on("close", () => hanging.delete(response));
      return;
    }
    if (behaviour.kind === "reset") {
      request.socket.destroy();
      return;
    }
    if (behaviour.status >= 200 && behaviour.status < 300) {
      if (processed.has(received.id)) duplicates.push(received);
      else accepted.push(received);
      processed.add(received.id);
    }
    response.writeHead(behaviour.status, behaviour.headers).end();
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    arrivals,
    accepted,
    duplicates,
    rejected,
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
