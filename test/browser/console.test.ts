import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { launchBrowser, screenshot } from "./support/browser.ts";
import { chooseAdminPassword, startDemo, type Demo } from "./support/demo.ts";

let demo: Demo;
let browser: Browser | undefined;
let admin: { email: string; password: string };

before(async () => {
  demo = await startDemo();
  admin = await chooseAdminPassword(demo);
});
after(async () => {
  await browser?.close();
  await demo?.stop();
});

test("a technician signs in and follows an onboarding live to Completed", async (t) => {
  browser = await launchBrowser(t);
  if (!browser) return;
  const page = await browser.newPage();
  await page.goto(`${demo.url}/runs`);
  // Not signed in: the console sends the browser to its sign-in page, remembering where it was going.
  await page.waitForURL(/\/sign-in\?next=%2Fruns/);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").waitFor();
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Runs" }).waitFor();

  const token = (await readFile(`${demo.dataDir}/cli-token`, "utf8")).trim();
  const submitted = await fetch(`${demo.url}/api/requests/onboard`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({
      client: "acme",
      firstName: "Sarah",
      lastName: "Johnson",
      department: "Marketing",
      manager: "mike.chen@acmecorp.com",
      ticket: "48291",
      start: "now",
      requester: "hr@acmecorp.com",
    }),
  });
  const body = (await submitted.json()) as { runId?: string };
  assert.equal(submitted.status, 201, JSON.stringify(body));

  await page.getByRole("link", { name: /sarah/i }).click();
  await page.getByRole("heading", { name: /Onboarding of .*sarah/i }).waitFor();
  const timeline = page.getByRole("list", { name: "Timeline" });
  await timeline
    .getByText(/Created user|created/i)
    .first()
    .waitFor({ timeout: 60_000 });
  await page.getByText("completed", { exact: true }).first().waitFor({ timeout: 120_000 });
  assert.ok((await timeline.locator("li").count()) > 5, "the timeline shows the run's steps");
  await screenshot(page, "run-page");
});
