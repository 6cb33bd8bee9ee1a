import { spawn } from "node:child_process";

/** Runs a TypeScript file in a fresh Node process (through tsx) and parses the JSON line it prints last. */
export function runChild<T>(file: string, args: readonly string[], cwd: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", file, ...args], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const last = stdout.trim().split("\n").at(-1);
      if (code !== 0 || !last) {
        reject(new Error(`${file} exited with ${code}: ${stderr.trim().slice(-2000)}`));
        return;
      }
      resolve(JSON.parse(last) as T);
    });
  });
}
