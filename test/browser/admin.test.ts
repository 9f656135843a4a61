import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, test, type TestContext } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, screenshot } from "./support/browser.ts";
import { chooseAdminPassword, startDemo, type Demo } from "./support/demo.ts";

// One demo for every check of the admin pages: its start is most of this file's time.
let demo: Demo;
let browser: Browser | undefined;
let page: Page | undefined;
let token: string;

let admin: { email: string; password: string };

before(async () => {
  demo = await startDemo();
  admin = await chooseAdminPassword(demo);
  token = (await readFile(`${demo.dataDir}/cli-token`, "utf8")).trim();
});

/** The signed-in page both checks share, or undefined (the test skipped) where no Chromium is installed. */
async function signedIn(t: TestContext): Promise<Page | undefined> {
  if (page) return page;
  browser = await launchBrowser(t);
  if (!browser) return undefined;
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${demo.url}/sign-in`);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Runs" }).waitFor();
  return page;
}
after(async () => {
  await browser?.close();
  await demo?.stop();
});

async function get<T>(path: string): Promise<T> {
  const res = await fetch(`${demo.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return (await res.json()) as T;
}
const runIds = async () => (await get<{ id: string }[]>("/api/runs?limit=200")).map((r) => r.id).sort();

test("a CSV with one bad row is refused naming line and field, nothing runs until it is left out, then the rest runs", async (t) => {
  const page = await signedIn(t);
  if (!page) return;
  const runsBefore = await runIds();
  await page.getByRole("link", { name: "Bulk" }).click();
  await page.getByRole("heading", { name: "Bulk onboarding and offboarding" }).waitFor();
  await page.getByLabel("Client").selectOption("acme");
  await page.getByLabel("Kind").selectOption("onboard");
  const csv =
    "first name,last name,department,manager,start\n" +
    "Nora,Bulkfield,Marketing,mike.chen@acmecorp.com,now\n" +
    "Carl,,Marketing,mike.chen@acmecorp.com,now\n" +
    "Otto,Bulkfield,Sales,mike.chen@acmecorp.com,now\n";
  await page
    .getByLabel("CSV file")
    .setInputFiles({ name: "starters.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  const rows = page.getByRole("table", { name: "Rows of the file" });
  await rows.waitFor();
  const bad = rows.locator('tr[data-line="3"]');
  await bad.getByText(/Line 3, lastName:/).waitFor();
  const submitButton = page.getByRole("button", { name: /^Submit 3 runs/ });
  assert.equal(await submitButton.isDisabled(), true, "a bad row included: no submit");
  await page.getByText(/Line 3 has errors: leave it out, or fix the file/).waitFor();
  await screenshot(page, "bulk-refused");

  // The server refuses it too, naming line and field, whoever asks.
  const batches = await get<{ batchId: string }[]>("/api/bulk?client=acme");
  const refused = await fetch(`${demo.url}/api/bulk/${batches[0]!.batchId}/submit`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: "{}",
  });
  const refusal = (await refused.json()) as { error: { fields: { field: string }[] } };
  assert.equal(refused.status, 400);
  assert.deepEqual(
    refusal.error.fields.map((f) => f.field),
    ["lines.3.lastName"],
  );
  assert.deepEqual(await runIds(), runsBefore, "nothing ran");

  // By keyboard: the row's checkbox takes focus and Space leaves it out.
  await page.getByRole("checkbox", { name: "Include line 3" }).focus();
  await page.keyboard.press("Space");
  await page.getByText("Every included row is ready.").waitFor();
  await page.getByRole("button", { name: "Submit 2 runs" }).click();
  await page.getByRole("heading", { name: "Progress" }).waitFor();
  await page.getByText(/2 of 2 runs finished/).waitFor({ timeout: 120_000 });
  const runsAfter = await runIds();
  assert.equal(runsAfter.length, runsBefore.length + 2, "one run per included row, none for line 3");
  await screenshot(page, "bulk-progress");
});

test("the client editor previews usernames live, and a bad value shows its field error and changes nothing", async (t) => {
  const page = await signedIn(t);
  if (!page) return;
  const before = await get<{ timeZone: string; usernameFormat: { pattern: string } }>("/api/clients/acme");
  await page.getByRole("link", { name: "Clients" }).click();
  await page.getByRole("link", { name: "Acme Corp" }).click();
  await page.getByRole("heading", { name: /Acme Corp/ }).waitFor();

  const preview = page.getByTestId("username-preview");
  await page.getByText("sarah.johnson", { exact: true }).waitFor();
  await page.getByLabel("Username pattern").fill("{f}{last}");
  await page.getByText("sjohnson", { exact: true }).waitFor();
  await page.getByLabel("Sample first name").fill("Zoë");
  await page.getByLabel("Sample last name").fill("Müller");
  // Umlauts expand as Acme's transliteration says, once the debounced preview has asked again.
  await preview.getByText("zmueller", { exact: true }).waitFor();
  assert.equal(await preview.textContent(), "zmueller");

  await page.getByRole("button", { name: "Test connection to entra" }).click();
  await page
    .getByText(/connected in \d+ ms|Failed:/)
    .first()
    .waitFor({ timeout: 30_000 });

  await page.getByLabel("Time zone").fill("Mars/Olympus_Mons");
  await page.getByRole("button", { name: "Save configuration" }).click();
  await page.getByText(/Not saved/).waitFor();
  const zone = page.getByLabel("Time zone");
  assert.equal(await zone.getAttribute("aria-invalid"), "true");
  // The keyboard is taken to the field at fault.
  assert.equal(await page.evaluate("document.activeElement?.value"), "Mars/Olympus_Mons");
  const described = (await zone.getAttribute("aria-describedby")) ?? "";
  const errorText = await page.locator(`[id="${described.split(" ").pop()}"]`).textContent();
  assert.match(errorText ?? "", /IANA time zone/);
  const afterRefusal = await get<typeof before>("/api/clients/acme");
  assert.equal(afterRefusal.timeZone, before.timeZone, "nothing was saved");
  assert.equal(
    afterRefusal.usernameFormat.pattern,
    before.usernameFormat.pattern,
    "not even the valid change",
  );

  await page.getByRole("tab", { name: "Onboarding" }).waitFor();
  await page.getByRole("list", { name: "Steps" }).first().waitFor();
  await page.getByRole("button", { name: "Issue link" }).click();
  await page.getByLabel("New form link").waitFor();
  assert.match((await page.getByLabel("New form link").inputValue()) ?? "", /\/forms\//);
  await screenshot(page, "client-editor");

  await page.getByRole("button", { name: "Discard changes" }).first().click();
  assert.equal(await page.getByLabel("Time zone").inputValue(), before.timeZone);
});
