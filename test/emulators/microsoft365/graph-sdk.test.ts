// Microsoft's own Graph SDK (@microsoft/microsoft-graph-client) pages, batches and retries against the
// standalone emulator: started as its own process through the launcher (`npm run emulators`), on https
// with a certificate made at start, which the SDK's process trusts through NODE_EXTRA_CA_CERTS.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { get } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const fixture = fileURLToPath(new URL("./fixtures/graph-sdk-client.ts", import.meta.url));

interface SdkResult {
  paged: string[];
  batched: Record<string, { status: number; body: Record<string, unknown> | null }>;
  mike: string;
  retryMs: number;
}

/** Starts the launcher and answers the emulator's URL once it prints "ready". */
function startLauncher(certFile: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "emulators/main.ts", "microsoft365", "--demo", "--https", "--cert-out", certFile],
    { cwd: root, env: { ...process.env, PORT: "0", PROFILE: "fast" }, stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    let url: string | undefined;
    child.once("exit", (code) => reject(new Error(`the launcher exited with ${code} before it was ready`)));
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on("line", (line) => {
      url ??= /^emulator microsoft365 listening on (\S+)$/.exec(line)?.[1];
      if (line === "ready" && url) resolve({ child, url });
    });
  });
}

function runSdk(url: string, certFile: string): Promise<SdkResult> {
  const child = spawn(process.execPath, ["--import", "tsx", fixture], {
    cwd: root,
    env: { ...process.env, EMULATOR_URL: url, NODE_EXTRA_CA_CERTS: certFile },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`the SDK process failed (${code}): ${err}`));
      resolve(JSON.parse(out.trim().split("\n").pop() ?? "{}") as SdkResult);
    });
  });
}

/** The call log over https, trusting the emulator's certificate for this one request. */
function callLog(
  url: string,
  certFile: string,
): Promise<{ method: string; route: string; url: string; status: number }[]> {
  return new Promise((resolve, reject) => {
    get(`${url}/_admin/calls?api=graph`, { ca: readFileSync(certFile) }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () =>
        resolve(JSON.parse(text) as { method: string; route: string; url: string; status: number }[]),
      );
    }).on("error", reject);
  });
}

describe("Microsoft's Graph SDK against the standalone https emulator", () => {
  let dir: string;
  let certFile: string;
  let launcher: ChildProcess;
  let url: string;
  let result: SdkResult;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "lifecycle-graph-sdk-"));
    certFile = join(dir, "emulator-ca.pem");
    ({ child: launcher, url } = await startLauncher(certFile));
    result = await runSdk(url, certFile);
  });
  after(() => {
    launcher?.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves https", () => {
    assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it("pages through every user by @odata.nextLink with the SDK's PageIterator", async () => {
    assert.deepEqual([...result.paged].sort(), [
      "helpdesk@acmecorp.com",
      "hr@acmecorp.com",
      "mike.chen@acmecorp.com",
      "tom.williams@acmecorp.com",
    ]);
    const calls = await callLog(url, certFile);
    const pages = calls.filter((c) => c.method === "GET" && c.route === "/v1.0/users");
    assert.equal(pages.length, 2, "two pages of two and one");
    assert.ok(
      pages.some((c) => c.url.includes("$skiptoken=")),
      "the second page came from the nextLink",
    );
  });

  it("batches with BatchRequestContent and reads each item back with BatchResponseContent", () => {
    assert.equal(result.batched.mike?.status, 200);
    assert.equal(result.batched.mike?.body?.displayName, "Mike Chen");
    assert.equal(result.batched.missing?.status, 404);
    assert.equal(
      (result.batched.missing?.body?.error as { code: string } | undefined)?.code,
      "Request_ResourceNotFound",
    );
    assert.equal(result.batched.create?.status, 201);
    assert.equal(result.batched.create?.body?.userPrincipalName, "batch.person@acmecorp.com");
  });

  it("retries a 429 after its Retry-After with the SDK's RetryHandler", async () => {
    assert.equal(result.mike, "Mike Chen");
    assert.ok(result.retryMs >= 1000, `waited ${result.retryMs} ms, Retry-After said 1 s`);
    const calls = await callLog(url, certFile);
    const mikeReads = calls.filter(
      (c) => c.url.startsWith("/v1.0/users/mike.chen@acmecorp.com") && !c.url.includes("?"),
    );
    assert.deepEqual(
      mikeReads.map((c) => c.status),
      [429, 200],
    );
  });
});
