import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, screenshot } from "./support/browser.ts";
import { startDemo, type Demo } from "./support/demo.ts";

let demo: Demo;
let browser: Browser | undefined;
let token: string;

before(async () => {
  demo = await startDemo();
  token = (await readFile(`${demo.dataDir}/cli-token`, "utf8")).trim();
});
after(async () => {
  await browser?.close();
  await demo?.stop();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${demo.url}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
const staff = (method: string, path: string, body?: unknown) =>
  call(method, path, body, { authorization: `Bearer ${token}` });

async function issueLink(
  client: string,
  kind: "onboard" | "offboard",
  label = "browser test",
): Promise<string> {
  const res = await staff("POST", `/api/clients/${client}/form-links`, { kind, label });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return String(res.body.url);
}
const tokenOf = (url: string) => new URL(url).pathname.split("/").pop() ?? "";

// A required field's label ends in a "*" that screen readers skip and getByLabel reads.
const input = (page: Page, label: string) => page.getByLabel(new RegExp(`^${label}( \\*)?$`));

/** The error shown in the same field box as the control labelled `label`. */
const errorOf = (page: Page, label: string) =>
  page.locator(".field", { has: input(page, label) }).locator(".error");

async function runsOf(subject: RegExp): Promise<number> {
  const res = await staff("GET", "/api/runs?client=acme&limit=500");
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const runs = res.body as unknown as { subject: string }[];
  return runs.filter((r) => subject.test(r.subject)).length;
}

test("Acme's HR fills the onboarding form, sees field errors, reviews the plan, double-clicks submit and follows one run to completed", async (t) => {
  browser = await launchBrowser(t);
  if (!browser) return;
  const url = await issueLink("acme", "onboard", "Priya's onboarding");
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url);
  await page.getByRole("heading", { name: "New starter at Acme Corp" }).waitFor();

  // Nothing filled in: every required field says so next to itself, and the first of them has the focus.
  await page.getByRole("button", { name: "Review the changes" }).click();
  await errorOf(page, "First name").waitFor();
  assert.match(await errorOf(page, "First name").innerText(), /required/i);
  assert.match(await errorOf(page, "Last name").innerText(), /required/i);
  assert.match(await errorOf(page, "Requester").innerText(), /required/i);
  assert.equal(await input(page, "First name").evaluate((el) => el === el.ownerDocument.activeElement), true);

  await input(page, "First name").fill("Priya");
  await input(page, "Last name").fill("Natarajan");
  await page.getByLabel("Personal email").fill("not-an-email");
  await input(page, "Requester").fill("hr@acmecorp.com");
  await page.getByRole("button", { name: "Review the changes" }).click();
  await errorOf(page, "Personal email").waitFor();
  assert.match(await errorOf(page, "Personal email").innerText(), /address|email/i);
  assert.equal(await errorOf(page, "First name").count(), 0, "a fixed field loses its error");
  await page.getByLabel("Personal email").fill("priya@example.org");

  // The manager by keyboard from the directory's type-ahead.
  const manager = page.getByRole("combobox", { name: "Manager" });
  await manager.fill("mike");
  await page.getByRole("option", { name: /Mike Chen/ }).waitFor();
  await manager.press("ArrowDown");
  await manager.press("Enter");
  assert.equal(await manager.inputValue(), "mike.chen@acmecorp.com");

  await page.getByLabel("Department").fill("Marketing");
  await page.getByText(/Groups: Marketing, All-Staff/).waitFor();
  await page.getByLabel("Role").fill("staff");
  await page.getByText(/Licences: SPB/).waitFor();
  assert.ok(
    await page
      .getByText(/America\/New_York|America\/New York/)
      .first()
      .isVisible(),
    "the zone is named",
  );
  await page.getByLabel(/^Now/).check();
  await page.getByLabel("Device serial number").fill("ACME-PC-0042");
  await screenshot(page, "public-form-onboarding-desktop");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "public-form-onboarding-390");
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.getByRole("button", { name: "Review the changes" }).click();
  await page.getByRole("heading", { name: "Review: what will change" }).waitFor();
  const steps = page.getByRole("list", { name: "Steps" });
  assert.ok((await steps.locator("li").count()) > 3, "the review lists the plan's steps");
  await screenshot(page, "public-form-onboarding-review");
  assert.equal(await runsOf(/priya/i), 0, "the review stored nothing");

  await page.getByRole("button", { name: "Submit" }).dblclick();
  await page.getByRole("heading", { name: /Onboarding of .*priya/i }).waitFor();
  assert.match(new URL(page.url()).pathname + new URL(page.url()).hash, /^\/forms\/status#status=/);
  const badge = page.getByTestId("run-status");
  await badge
    .getByText(/^(completed|completed with warnings|failed|cancelled)$/)
    .waitFor({ timeout: 120_000 });
  await screenshot(page, "public-form-status");
  const stepsText = await page.getByRole("list", { name: "Steps" }).innerText();
  assert.equal(await badge.innerText(), "completed", stepsText);
  assert.ok((await page.getByRole("list", { name: "Steps" }).locator("li").count()) > 3);
  assert.equal(await runsOf(/priya/i), 1, "a double click made one run");

  // The status page's address is the way back: a reload shows the same run, even once the link is revoked.
  const links = await staff("GET", "/api/clients/acme/form-links");
  const issued = (links.body as unknown as { id: string; label: string | null }[]).find(
    (l) => l.label === "Priya's onboarding",
  );
  assert.ok(issued, JSON.stringify(links.body).slice(0, 500));
  assert.equal((await staff("DELETE", `/api/clients/acme/form-links/${issued.id}`)).status, 200);
  assert.equal((await fetch(url)).status, 410, "the form link is revoked");
  await page.reload();
  await page.getByRole("heading", { name: /Onboarding of .*priya/i }).waitFor();
});

test("the offboarding form: the client's defaults ticked, delete rules out the mailbox options and says why", async (t) => {
  browser ??= await launchBrowser(t);
  if (!browser) return;
  const url = await issueLink("acme", "offboard");
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url);
  await page.getByRole("heading", { name: "Leaver at Acme Corp" }).waitFor();
  const user = page.getByRole("combobox", { name: "User" });
  await user.fill("tom");
  await page.getByRole("option", { name: /Tom Williams/ }).click();
  assert.equal(await user.inputValue(), "tom.williams@acmecorp.com");
  assert.equal(await page.getByLabel("Require manager approval").isChecked(), true, "Acme's policy");

  const convert = page.getByLabel("Convert the mailbox to shared");
  await convert.check();
  await page.getByLabel("Delete the user").check();
  assert.equal(await convert.isDisabled(), true);
  assert.equal(await convert.isChecked(), false);
  await page
    .getByText(/Off while “Delete the user” is ticked/)
    .first()
    .waitFor();
  await page.getByLabel("Delete the user").uncheck();
  assert.equal(await convert.isDisabled(), false);
  assert.equal(await convert.isChecked(), true, "the choice comes back once the conflict goes");
  await page.getByLabel("Forward mail").check();
  await input(page, "Requester").fill("hr@acmecorp.com");
  await screenshot(page, "public-form-offboarding-desktop");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "public-form-offboarding-390");
  await page.setViewportSize({ width: 1280, height: 900 });

  // Forwarding switched on without an address: the error is next to the address, which has the focus.
  await page.getByLabel(/^Now/).check();
  await page.getByRole("button", { name: "Review the changes" }).click();
  const forwardTo = page.getByRole("combobox", { name: "Forward to" });
  await page.locator(".field", { has: forwardTo }).locator(".error").waitFor();
  assert.equal(await forwardTo.evaluate((el) => el === el.ownerDocument.activeElement), true);
});

test("a link of one client reads and submits for that client only", async () => {
  const acme = tokenOf(await issueLink("acme", "onboard"));
  const globex = tokenOf(await issueLink("globex", "onboard"));
  const body = {
    client: "globex",
    firstName: "Hans",
    lastName: "Becker",
    start: "now",
    requester: "hr@globex.de",
  };
  const preview = await call("POST", `/api/public/forms/${acme}/preview`, body);
  assert.equal(preview.status, 400, JSON.stringify(preview.body).slice(0, 600));
  const submit = await call("POST", `/api/public/forms/${acme}/submit`, body, {
    "idempotency-key": "cross-client-1",
  });
  assert.equal(submit.status, 400, JSON.stringify(submit.body));
  const fields = ((submit.body.error as { fields?: { field: string }[] }).fields ?? []).map((f) => f.field);
  assert.ok(fields.includes("client"), `the refusal names the client field: ${fields.join(", ")}`);
  const globexRuns = await staff("GET", "/api/runs?client=globex&limit=500");
  assert.ok(
    !(globexRuns.body as unknown as { subject: string }[]).some((r) => /becker/i.test(r.subject)),
    "nothing was stored for globex",
  );

  const form = await call("GET", `/api/public/forms/${acme}`);
  assert.equal((form.body.client as { id: string }).id, "acme");
  assert.ok(!JSON.stringify(form.body).includes("globex"), "acme's form names nothing of globex");
  for (const q of ["hr", "he", "ha", "globex"]) {
    const people = await call("GET", `/api/public/forms/${acme}/people?q=${q}`);
    assert.equal(people.status, 200);
    for (const p of (people.body.people ?? []) as { userPrincipalName: string }[])
      assert.match(p.userPrincipalName, /@acmecorp\.com$/, `acme's link returned ${p.userPrincipalName}`);
  }
  // And globex's own link finds none of acme's people.
  const theirs = await call("GET", `/api/public/forms/${globex}/people?q=mike`);
  assert.equal(theirs.status, 200);
  assert.deepEqual(theirs.body.people, []);
});
