/** Opaque keyset cursor: the sort key and id of the last row a page returned. */
export interface CursorPosition {
  key: string;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.key, position.id])).toString("base64url");
}

export class InvalidCursorError extends Error {
  constructor() {
    super("cursor is not one this API returned");
  }
}

export function decodeCursor(cursor: string): CursorPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value)) {
      const [key, id] = value;
      if (typeof key === "string" && typeof id === "string") return { key, id };
    }
  } catch {
    // fall through to the typed error
  }
  throw new InvalidCursorError();
}
