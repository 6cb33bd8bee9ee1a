/** A fetch-queue message: one feed to fetch. The poll tick sends them; the fetch consumer reads them. */
export interface FetchMessage {
  feedId: string;
}

export function encodeFetchMessage(message: FetchMessage): string {
  return JSON.stringify({ feedId: message.feedId });
}

export class BadMessageError extends Error {
  override name = "BadMessageError";
}

export function parseFetchMessage(body: string): FetchMessage {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new BadMessageError("fetch message is not JSON");
  }
  const feedId = (value as { feedId?: unknown } | null)?.feedId;
  if (typeof feedId !== "string" || feedId === "") throw new BadMessageError("fetch message has no feedId");
  return { feedId };
}
