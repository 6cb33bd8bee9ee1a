/// <reference path="./dynalite-module.d.ts" />
// dynalite in a process of its own: the emulator's work runs beside its caller's instead of inside it.
import type { AddressInfo } from "node:net";
import dynalite from "dynalite";

const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
// Each line on stdin asks for the CPU time used so far; the parent ends it by closing stdin, and
// the CPU time it used is its last line.
const cpu = () => {
  const { user, system } = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ cpuMs: (user + system) / 1000 })}\n`);
};
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk: string) => {
  for (const _ of chunk.split("\n").slice(1)) cpu();
});
process.stdin.on("end", () => {
  cpu();
  server.close(() => process.exit(0));
});
