/// <reference path="./dynalite-module.d.ts" />
// dynalite in a process of its own: the emulator's work runs beside its caller's instead of inside it.
import type { AddressInfo } from "node:net";
import dynalite from "dynalite";

const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
// The parent ends it by closing this process's stdin; the CPU time it used is its last line.
process.stdin.resume();
process.stdin.on("end", () => {
  const { user, system } = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ cpuMs: (user + system) / 1000 })}\n`);
  server.close(() => process.exit(0));
});
