import iconv from "iconv-lite";

const BOMS: ReadonlyArray<readonly [number[], string]> = [
  [[0xef, 0xbb, 0xbf], "utf-8"],
  [[0xff, 0xfe], "utf-16le"],
  [[0xfe, 0xff], "utf-16be"],
];

function bomCharset(bytes: Uint8Array): { charset: string; skip: number } | undefined {
  for (const [mark, charset] of BOMS) {
    if (mark.every((byte, i) => bytes[i] === byte)) return { charset, skip: mark.length };
  }
  return undefined;
}

export function headerCharset(contentType: string | undefined): string | undefined {
  return /charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType ?? "")?.[1]?.toLowerCase();
}

function declaredCharset(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 512));
  return /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1]?.toLowerCase();
}

export class CharsetError extends Error {}

/**
 * Decodes a feed body. The byte-order mark wins, then the HTTP header, then the
 * XML declaration; UTF-8 is the default and must be valid.
 */
export function decodeBody(bytes: Uint8Array, contentType?: string): string {
  const bom = bomCharset(bytes);
  const charset = bom?.charset ?? headerCharset(contentType) ?? declaredCharset(bytes) ?? "utf-8";
  const body = bytes.subarray(bom?.skip ?? 0);
  if (charset === "utf-8" || charset === "utf8") {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(body);
    } catch {
      throw new CharsetError("body is not valid UTF-8");
    }
  }
  if (!iconv.encodingExists(charset)) throw new CharsetError(`unsupported character set "${charset}"`);
  return iconv.decode(Buffer.from(body), charset);
}
