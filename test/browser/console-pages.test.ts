import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, screenshot } from "./support/browser.ts";
import { chooseAdminPassword, startDemo, type Demo } from "./support/demo.ts";

// One demo for the console's pages: starting one costs ~20 s, so the checks share it and run in order.
let demo: Demo;
let browser: Browser | undefined;
let admin: { email: string; password: string };
let token: string;
const phone = { width: 390, height: 844 };
const runs: { tom?: string; priya?: string; ann?: string } = {};

async function api(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${demo.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json: unknown = await res.json();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function policy(onboarding: string): Promise<unknown> {
  const config = (await api("GET", "/api/clients/acme")) as { approval: Record<string, unknown> };
  return { ...config, approval: { ...config.approval, onboarding } };
}

const acmeHire = (firstName: string, lastName: string) => ({
  client: "acme",
  firstName,
  lastName,
  department: "Marketing",
  manager: "mike.chen@acmecorp.com",
});

async function submit(kind: "onboard" | "offboard", body: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${demo.url}/api/requests/${kind}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ requester: "hr@acmecorp.com", ...body }),
  });
  const json = (await res.json()) as { runId?: string };
  assert.equal(res.status, 201, JSON.stringify(json));
  return json.runId ?? "";
}

async function signIn(context: BrowserContext, path = "/"): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${demo.url}${path}`);
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  return page;
}

const tile = (page: Page, list: string, label: string) =>
  page
    .getByRole("list", { name: list })
    .getByRole("listitem")
    .filter({ has: page.getByText(label, { exact: true }) })
    .locator(".value");

/** Nothing wider than the phone: a page that scrolls sideways on a phone is not usable on one. */
async function fitsWidth(page: Page): Promise<void> {
  // A string: this side's TypeScript has no DOM types, the page's has.
  const wide = await page.evaluate<number>("document.documentElement.scrollWidth");
  assert.ok(wide <= phone.width, `the page is ${wide} px wide on a ${phone.width} px phone`);
}

before(async () => {
  demo = await startDemo();
  admin = await chooseAdminPassword(demo);
  token = (await readFile(`${demo.dataDir}/cli-token`, "utf8")).trim();
  // Acme's offboardings wait for the manager; Ann's onboarding starts next year.
  runs.tom = await submit("offboard", { client: "acme", user: "tom.williams@acmecorp.com", lastDay: "now" });
  runs.ann = await submit("onboard", { ...acmeHire("Ann", "Later"), start: "2027-01-04T09:00" });
  // Then Acme's onboardings wait for MSP staff, as an MSP's policy may say: the admin, who did not ask for
  // Priya's, may approve it from the inbox.
  await api("PUT", "/api/clients/acme", await policy("technician"));
  runs.priya = await submit("onboard", { ...acmeHire("Priya", "Patel"), start: "now" });
});
after(async () => {
  await browser?.close();
  await demo?.stop();
});

test("the dashboard shows the runs by state; a page's heading takes focus on navigation", async (t) => {
  browser = await launchBrowser(t);
  if (!browser) return;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await signIn(context);
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  await tile(page, "Runs now", "Awaiting approval").filter({ hasText: /^2$/ }).waitFor();
  assert.equal(await tile(page, "Runs now", "Scheduled").textContent(), "1");
  assert.equal(await tile(page, "Runs now", "Failed").textContent(), "0");
  await page.getByRole("list", { name: /^Impact in / }).waitFor();
  await screenshot(page, "dashboard");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Runs" }).click();
  await page.getByRole("heading", { name: "Runs" }).waitFor();
  assert.equal(await page.evaluate<string>("document.activeElement?.textContent"), "Runs");
  await context.close();
});

test("Tom's offboarding: the admin is refused, Mike approves by the mailed link on his phone, the run completes", async (t) => {
  if (!browser) return t.skip("no browser");
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await signIn(context, `/runs/${runs.tom}`);
  await page.getByRole("heading", { name: "Offboarding of tom.williams@acmecorp.com" }).waitFor();
  await page
    .getByText(/approval by mike\.chen@acmecorp\.com/)
    .first()
    .waitFor();
  // The button shows (an admin may approve) but Acme's policy leaves offboardings to the manager.
  await page.getByRole("button", { name: "Approve" }).click();
  const refusal = page.getByRole("alert");
  await refusal.waitFor();
  assert.match((await refusal.textContent()) ?? "", /LC_ERR_FORBIDDEN/);

  const mail = await waitFor(async () => {
    const sent = (await (
      await fetch(`${demo.microsoft365}/_admin/tenants/acmecorp.com/sentMail`)
    ).json()) as { toRecipients: string[]; content: string }[];
    const toMike = sent.find((m) => m.toRecipients.includes("mike.chen@acmecorp.com"));
    return toMike && /href="([^"]*\/approvals\/[^"]+)"/.exec(toMike.content)?.[1];
  }, "the approval link mailed to Mike");
  const mikes = await browser.newContext({ viewport: phone, isMobile: true, hasTouch: true });
  const approvalPage = await mikes.newPage();
  await approvalPage.goto(mail);
  await approvalPage.getByRole("heading", { name: /Approve the offboarding of tom\.williams/ }).waitFor();
  await fitsWidth(approvalPage);
  await screenshot(approvalPage, "approval-page-phone");
  await approvalPage.getByRole("button", { name: "Approve" }).click();
  await approvalPage.getByRole("heading", { name: "Approved" }).waitFor();
  await mikes.close();

  const timeline = page.getByRole("list", { name: "Timeline" });
  await timeline
    .getByText(/Approved by mike\.chen@acmecorp\.com through approval link/)
    .waitFor({ timeout: 30_000 });
  await page.locator(".summary .badge", { hasText: /^completed$/ }).waitFor({ timeout: 120_000 });
  const lines = await timeline.getByRole("listitem").allTextContents();
  assert.ok(!lines.some((l) => /attempt \d/.test(l)), `no attempt lines: ${lines.join("\n")}`);
  assert.ok(
    lines.some((l) => /Revoke sign-in sessions|revoked/i.test(l)),
    lines.join("\n"),
  );
  assert.ok(
    lines.some((l) => /ticket #\d+/.test(l)),
    lines.join("\n"),
  );
  // The ticket the run opened, and its report.
  assert.match((await page.locator(".summary").textContent()) ?? "", /Ticket#\d+/);
  const pdf = await page.getByRole("link", { name: "PDF" }).getAttribute("href");
  const report = await page.request.get(`${demo.url}${pdf}`);
  assert.equal(report.headers()["content-type"], "application/pdf");
  await screenshot(page, "run-page");
  await page.setViewportSize(phone);
  await fitsWidth(page);
  await screenshot(page, "run-page-phone");
  await context.close();
});

test("the approvals inbox on a phone: Priya's onboarding approved; schedules move on the client's clock", async (t) => {
  if (!browser) return t.skip("no browser");
  const context = await browser.newContext({ viewport: phone, isMobile: true, hasTouch: true });
  const page = await signIn(context, "/approvals");
  await page.getByRole("heading", { name: "Approvals" }).waitFor();
  const card = page.getByRole("article").filter({ hasText: "priya.patel@acmecorp.com" });
  await card.waitFor();
  assert.equal(
    await page.getByRole("article").count(),
    1,
    "Tom's offboarding is Mike's to decide, not the admin's",
  );
  await fitsWidth(page);
  await screenshot(page, "approvals-phone");
  await card.getByRole("button", { name: "Approve" }).click();
  await card.getByRole("status").filter({ hasText: "Approved" }).waitFor();
  await card.getByRole("link", { name: "Follow the run" }).click();
  await page.getByRole("heading", { name: "Onboarding of priya.patel@acmecorp.com" }).waitFor();
  await page
    .getByText(/Approved by admin@lifecycle\.localhost/)
    .first()
    .waitFor();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Schedules" }).click();
  const ann = page.getByRole("article").filter({ hasText: "Ann Later" });
  await ann.getByText("4 Jan 2027, 09:00 America/New_York").waitFor();
  await ann.getByText(/2027-01-04 14:00 UTC/).waitFor();
  await ann.getByRole("button", { name: "Reschedule…" }).click();
  await ann.getByLabel("New start, in America/New_York").fill("2027-01-05T10:30");
  await ann.getByRole("button", { name: "Move the start" }).click();
  await ann.getByText("5 Jan 2027, 10:30 America/New_York").waitFor();
  await ann.getByText(/2027-01-05 15:30 UTC/).waitFor();
  await fitsWidth(page);
  await screenshot(page, "schedules-phone");
  await context.close();
});

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, ms = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > ms) throw new Error(`${what}: not there after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
