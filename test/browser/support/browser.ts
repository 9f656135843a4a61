import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { TestContext } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";

/** Debian's chromium, as .ci/run installs it (playwright's own download is not reachable here). */
export const chromiumPath = process.env.LIFECYCLE_CHROMIUM ?? "/usr/bin/chromium";

// Without the background-networking flags Chromium dials Google's hosts at every start and this
// machine's closed network refuses them; --no-sandbox because tests run as root.
const flags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/** A headless Chromium, or the test skipped with a note where none is installed (a failure under CI). */
export async function launchBrowser(t: TestContext): Promise<Browser | undefined> {
  if (!existsSync(chromiumPath)) {
    if (process.env.CI === "true") throw new Error(`no Chromium at ${chromiumPath}: .ci/run installs it`);
    t.skip(`no Chromium at ${chromiumPath} (apt-get install chromium, or set LIFECYCLE_CHROMIUM)`);
    return undefined;
  }
  return launchChromium();
}

/** Debian's Chromium with this machine's flags, outside a test (the web bench). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: flags });
}

/** Where the key pages' screenshots are kept, to be looked at: test-output/screenshots/. */
export const screenshotDir = fileURLToPath(new URL("../../../test-output/screenshots/", import.meta.url));

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(screenshotDir, { recursive: true });
  const path = `${screenshotDir}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
