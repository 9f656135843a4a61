import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { launchChromium } from "../test/browser/support/browser.ts";
import { chooseAdminPassword, startDemo } from "../test/browser/support/demo.ts";
import { percentile } from "./support/noop.ts";

const root = fileURLToPath(new URL("../", import.meta.url));

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
}

/**
 * What a browser must fetch and run before a page can show anything: the entry chunk and, transitively, its
 * static imports (dynamic imports load later), gzipped as a server would send them. Built afresh with
 * Vite's manifest into a folder of its own, so the served web/dist is left as it is.
 */
export async function initialJsGzipKB(): Promise<{ console: number; form: number }> {
  const outDir = await mkdtemp(join(tmpdir(), "lc-bench-web-"));
  try {
    const vite = join(root, "node_modules/vite/bin/vite.js");
    const built = spawnSync(
      process.execPath,
      [vite, "build", "--config", "web/vite.config.ts", "--outDir", outDir, "--emptyOutDir", "--manifest"],
      { cwd: root, encoding: "utf8" },
    );
    if (built.status !== 0) throw new Error(`vite build failed:\n${built.stdout}\n${built.stderr}`);
    const manifest = JSON.parse(await readFile(join(outDir, ".vite/manifest.json"), "utf8")) as Record<
      string,
      ManifestChunk
    >;
    const initial = async (entry: string) => {
      const seen = new Set<string>();
      const visit = (key: string) => {
        if (seen.has(key)) return;
        seen.add(key);
        for (const next of manifest[key]?.imports ?? []) visit(next);
      };
      if (!manifest[entry]?.isEntry) throw new Error(`the manifest has no entry ${entry}`);
      visit(entry);
      let bytes = 0;
      for (const key of seen) bytes += gzipSync(await readFile(join(outDir, manifest[key]!.file))).length;
      return bytes / 1024;
    };
    return { console: await initial("index.html"), form: await initial("form.html") };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

/**
 * From an onboarding's submission over the API to its first timeline line on the run page, with the console
 * already loaded (as a technician keeps it open): the submit, the client-side navigation, the run's read and
 * its event stream. The demo's fast profile; p50 of `n`.
 */
export async function submitToFirstEventMs(n = 5): Promise<{ p50: number; submitP50: number }> {
  const browser = await launchChromium();
  const demo = await startDemo().catch(async (err: unknown) => {
    await browser.close();
    throw err;
  });
  try {
    const admin = await chooseAdminPassword(demo);
    const token = (await readFile(`${demo.dataDir}/cli-token`, "utf8")).trim();
    const page = await browser.newPage();
    await page.goto(`${demo.url}/runs`);
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill(admin.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Runs" }).waitFor();
    // A page that reloaded would lose this: the measure is of a console already open.
    // (Strings: this side's TypeScript has no DOM types.)
    await page.evaluate("window.benchMarker = true");
    const times: number[] = [];
    const submits: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const res = await fetch(`${demo.url}/api/requests/onboard`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({
          client: "acme",
          firstName: "Bench",
          lastName: `Person${String.fromCharCode(97 + i)}`,
          department: "Sales",
          manager: "mike.chen@acmecorp.com",
          start: "now",
          requester: "hr@acmecorp.com",
        }),
      });
      const { runId } = (await res.json()) as { runId: string };
      submits.push(performance.now() - t0);
      if (res.status !== 201) throw new Error(`submit answered ${res.status}`);
      // The router follows the history: what a click on the run's link does, without a link to find.
      const path = JSON.stringify(`/runs/${runId}`);
      await page.evaluate(`history.pushState({}, "", ${path}); dispatchEvent(new PopStateEvent("popstate"))`);
      await page.locator('ol[aria-label="Timeline"] li:not(.muted)').first().waitFor({ timeout: 30_000 });
      times.push(performance.now() - t0);
      if (!(await page.evaluate<boolean>('"benchMarker" in window'))) throw new Error("the console reloaded");
    }
    return { p50: percentile(times, 50), submitP50: percentile(submits, 50) };
  } finally {
    await browser.close();
    await demo.stop();
  }
}

export async function webBench(): Promise<Record<string, number>> {
  const js = await initialJsGzipKB();
  const live = await submitToFirstEventMs();
  return {
    "web.consoleInitialJsGzipKB": js.console,
    "web.formInitialJsGzipKB": js.form,
    "web.submitToFirstEventMs": live.p50,
    // The submission's own answer (planning with its pre-flight reads): the rest is the console's.
    "web.submitResponseMs": live.submitP50,
  };
}

// `tsx bench/web.ts` alone, for the web figures without the rest of the bench.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await webBench());
}
