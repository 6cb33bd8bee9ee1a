import { ConfigError } from "@treatywatch/config";

/** A failure the user can fix, stated as what went wrong and what to do. */
export class UserError extends Error {
  override name = "UserError";
}

interface SystemError extends Error {
  code?: string;
  path?: string;
  port?: number;
  address?: string;
  syscall?: string;
}

/**
 * One line for a command that failed: what went wrong and what to do about it. Errors
 * nobody planned for say so, and point at LOG_LEVEL=debug for where they came from.
 */
export function describeFailure(error: unknown): string {
  if (error instanceof ConfigError || error instanceof UserError) return error.message;
  const failure = error as SystemError;
  switch (failure?.code) {
    case "ENOENT":
      return `cannot read ${failure.path ?? "a file"}: no such file or directory (check the path; feeds files are given with --feeds FILE or TREATYWATCH_FEEDS_FILE)`;
    case "EACCES":
      return failure.syscall === "listen"
        ? `not allowed to listen on port ${failure.port}: choose a port above 1023 with PORT=8787`
        : `permission denied: ${failure.path ?? failure.message}`;
    case "EADDRINUSE":
      return `port ${failure.port} on ${failure.address} is already in use: stop the other server (another treatywatch serve or demo?), or set PORT to a free port, e.g. PORT=8788`;
    case "EADDRNOTAVAIL":
      return `cannot listen on ${failure.address}: no such address on this machine; set HOST, e.g. HOST=127.0.0.1`;
    case "SQLITE_BUSY":
      return "the database is busy: another treatywatch process holds it; try again in a moment";
    default:
      return `unexpected error: ${failure instanceof Error ? failure.message : String(error)} (run with LOG_LEVEL=debug to see where it came from)`;
  }
}
