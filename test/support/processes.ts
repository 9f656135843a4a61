import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";

const scripts = {
  test: fileURLToPath(new URL("./worker-process.ts", import.meta.url)),
  product: fileURLToPath(new URL("./product-worker-process.ts", import.meta.url)),
};

export interface WorkerProcess {
  id: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/** Starts a worker process and resolves once its worker loop is running. */
export async function spawnWorker(
  id: string,
  env: Record<string, string>,
  which: keyof typeof scripts = "test",
): Promise<WorkerProcess> {
  const child = fork(scripts[which], [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, ...env, WORKER_ID: id },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`worker ${id} exited with ${code} before it was ready`)));
  });
  return { id, child, exited };
}

export async function killHard(w: WorkerProcess): Promise<void> {
  w.child.kill("SIGKILL");
  await w.exited;
}

export async function stopGracefully(w: WorkerProcess): Promise<void> {
  if (w.child.exitCode !== null || w.child.signalCode !== null) return;
  w.child.kill("SIGTERM");
  await w.exited;
}
