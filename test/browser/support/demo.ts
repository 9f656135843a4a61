import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));

export interface Demo {
  /** Lifecycle's own address (console and API). */
  url: string;
  /** The Microsoft 365 emulator (its /_admin surface holds the mail the tenant sent). */
  microsoft365: string;
  /** The HaloPSA emulator (Acme's tickets). */
  halo: string;
  dataDir: string;
  /** The first admin's address and one-time link to choose a password, as the first start prints them. */
  admin: { email: string; link: string };
  /** Everything the demo printed, for a failing test's message. */
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * `npm start` as a newcomer runs it, in its own data folder on a free port: the same script, the same
 * emulators, the same first-start banner, so a browser test sees what a person would.
 */
export async function startDemo(opts: { profile?: "fast" | "realistic" } = {}): Promise<Demo> {
  const dataDir = await mkdtemp(join(tmpdir(), "lifecycle-browser-"));
  const child = spawn(process.execPath, ["--import", "tsx", "emulators/demo/start.ts"], {
    cwd: root,
    env: {
      ...process.env,
      PORT: "0",
      LIFECYCLE_DATA_DIR: dataDir,
      LIFECYCLE_DEMO_PROFILE: opts.profile ?? "fast",
      LIFECYCLE_LOG: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  child.stdout?.on("data", (b: Buffer) => (text += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (text += b.toString()));
  try {
    await until(
      child,
      () => /First start:[\s\S]*\n {2}(\S+)\n/.test(text) && /listening on (\S+)/.test(text),
    );
  } catch (err) {
    child.kill("SIGKILL");
    throw new Error(`the demo did not start: ${(err as Error).message}\n${text}`, { cause: err });
  }
  const match = (re: RegExp) => re.exec(text)?.[1] ?? "";
  return {
    url: match(/listening on (\S+)/),
    microsoft365: match(/Microsoft 365 is emulated at (\S+)/),
    halo: match(/HaloPSA (\S+)/),
    dataDir,
    admin: {
      email: match(/an admin account (\S+) was created/),
      link: match(/First start:[\s\S]*?\n {2}(\S+)\n/),
    },
    output: () => text,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// On two cores shared with other work a first start (initdb, the emulators, tsx compiling) took 77 s:
// the wait is for a start that hangs, not a slow one.
async function until(child: ChildProcess, ready: () => boolean, timeoutMs = 240_000): Promise<void> {
  const started = Date.now();
  while (!ready()) {
    if (child.exitCode !== null) throw new Error(`it exited with ${child.exitCode}`);
    if (Date.now() - started > timeoutMs) throw new Error(`not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const adminPassword = "Correct-Horse-Battery-42";

/** Spends the first admin's one-time link as a person would, choosing the password tests sign in with. */
export async function chooseAdminPassword(demo: Demo): Promise<{ email: string; password: string }> {
  const res = await fetch(demo.admin.link, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ password: adminPassword, confirm: adminPassword }),
  });
  if (!res.ok) throw new Error(`the sign-in link answered ${res.status}: ${await res.text()}`);
  return { email: demo.admin.email, password: adminPassword };
}
