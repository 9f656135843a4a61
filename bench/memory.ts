import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../bin/lifecycle.js", import.meta.url));

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function waitHealthy(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("lifecycle start did not become healthy");
}

/** Resident memory of `lifecycle start` on the embedded store: idle, then holding 1,000 scheduled runs. */
export async function startMemory(): Promise<{
  idleMb: number;
  with1000WaitingMb: number;
  firstStartMs: number;
}> {
  const dir = mkdtempSync(join(tmpdir(), "lc-bench-mem-"));
  const env = { ...process.env, LIFECYCLE_DATA_DIR: dir, DATABASE_URL: "" };
  try {
    const clientFile = join(dir, "client.json");
    writeFileSync(
      clientFile,
      JSON.stringify({
        id: "bench",
        displayName: "Bench",
        domains: ["bench.example.com"],
        timeZone: "UTC",
        usageLocation: "US",
      }),
    );
    const t0 = performance.now();
    const imported = spawnSync(process.execPath, [bin, "clients", "import", clientFile], {
      env,
      encoding: "utf8",
    });
    if (imported.status !== 0) throw new Error(imported.stderr);
    const firstStartMs = performance.now() - t0;
    const port = 40000 + Math.floor(Math.random() * 20000);
    const child = spawn(process.execPath, [bin, "start", "--port", String(port)], { env, stdio: "ignore" });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitHealthy(url);
      await new Promise((r) => setTimeout(r, 3000));
      const idleMb = rssMb(child.pid!);
      // The server writes its CLI's token at start: the submissions sign in with it, as the CLI would.
      const token = readFileSync(join(dir, "cli-token"), "utf8").trim();
      for (let i = 0; i < 1000; i++) {
        const res = await fetch(`${url}/api/requests/onboard`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({
            client: "bench",
            firstName: "User",
            lastName: `Number${i}`,
            start: "2035-01-01T09:00",
            requester: "bench",
          }),
        });
        if (res.status !== 201) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
      }
      await new Promise((r) => setTimeout(r, 3000));
      return { idleMb, with1000WaitingMb: rssMb(child.pid!), firstStartMs };
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
