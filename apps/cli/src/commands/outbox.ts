import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { UserError } from "../errors.ts";
import type { Runtime } from "../runtime.ts";
import type { FeedsOutput } from "./feeds.ts";

const stdio: FeedsOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** One message of the local outbox, decoded: mail clients see the same text. */
export interface OutboxMessage {
  file: string;
  date: Date;
  to: string;
  subject: string;
  text: string;
  links: string[];
}

/** The outbox's messages, newest first, optionally only those to one address. */
export async function readOutbox(directory: string, to?: string): Promise<OutboxMessage[]> {
  const files = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  const messages = await Promise.all(
    files
      .filter((file) => file.endsWith(".eml"))
      .map(async (file) => {
        const path = join(directory, file);
        const parsed = await simpleParser(await readFile(path));
        const text = parsed.text ?? "";
        return {
          file,
          date: parsed.date ?? (await stat(path)).mtime,
          to: parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : "",
          subject: parsed.subject ?? "",
          text,
          links: [...new Set(text.match(/https?:\/\/[^\s<>"]+/g) ?? [])],
        };
      }),
  );
  const wanted = to?.toLowerCase();
  return messages
    .filter((message) => !wanted || message.to.toLowerCase() === wanted)
    .sort((a, b) => b.date.getTime() - a.date.getTime() || b.file.localeCompare(a.file));
}

const outboxOf = (runtime: Pick<Runtime, "config">) => join(runtime.config.dataDir, "outbox");

/** `outbox`: the mail written to the local outbox, newest first, with its links decoded. */
export async function listOutboxCommand(
  runtime: Pick<Runtime, "config">,
  options: { to?: string | undefined; limit?: number | undefined },
  io: FeedsOutput = stdio,
): Promise<number> {
  const messages = (await readOutbox(outboxOf(runtime), options.to)).slice(0, options.limit ?? 10);
  if (messages.length === 0) {
    io.err(`no mail in ${outboxOf(runtime)}${options.to ? ` to ${options.to}` : ""}`);
    return 0;
  }
  for (const message of messages) {
    io.out(`${message.date.toISOString()}  ${message.to}  ${message.subject}`);
    for (const link of message.links) io.out(`  ${link}`);
  }
  return 0;
}

/** `outbox confirm-link`: the newest confirmation link in the outbox, alone on stdout. */
export async function confirmLinkCommand(
  runtime: Pick<Runtime, "config">,
  to: string | undefined,
  io: FeedsOutput = stdio,
): Promise<number> {
  for (const message of await readOutbox(outboxOf(runtime), to)) {
    const link = message.links.find((candidate) => candidate.includes("/v1/confirm?token="));
    if (link) {
      io.out(link);
      return 0;
    }
  }
  throw new UserError(
    `no confirmation mail in ${outboxOf(runtime)}${to ? ` to ${to}` : ""}: create an email subscription first, or pass --demo while the demo runs`,
  );
}
