import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CliError, exitCodes } from "./api.ts";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The embedded store is one process's at a time: two processes on one folder would corrupt it. The lock
 * is a file holding the owner's pid; a lock whose owner died (kill -9) is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, "lifecycle.lock");
  for (let i = 0; i < 2; i++) {
    try {
      writeFileSync(file, String(process.pid), { flag: "wx" });
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number(readFileSync(file, "utf8"));
      if (owner && owner !== process.pid && alive(owner)) {
        throw new CliError(
          `another Lifecycle process (pid ${owner}) is using ${dataDir}; stop it, point LIFECYCLE_URL at its server, or set LIFECYCLE_DATA_DIR`,
          exitCodes.unavailable,
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new CliError(`could not lock ${dataDir}`, exitCodes.unavailable);
}

/** Where a running embedded server says it listens, so a CLI in another terminal talks to it. */
export function readServerFile(dataDir: string): { url: string; pid: number } | undefined {
  try {
    const info = JSON.parse(readFileSync(join(dataDir, "server.json"), "utf8")) as {
      url: string;
      pid: number;
    };
    return alive(info.pid) ? info : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

export function writeServerFile(dataDir: string, url: string): () => void {
  const file = join(dataDir, "server.json");
  writeFileSync(file, JSON.stringify({ url, pid: process.pid }));
  return () => rmSync(file, { force: true });
}
