import assert from "node:assert/strict";
import { connectors } from "../../src/connectors/registry.ts";
import { getRun } from "../../src/engine/read.ts";
import type { Store } from "../../src/store/sql.ts";
import { demoClients } from "../../emulators/demo/clients.ts";
import {
  acme,
  startMicrosoft365Emulator,
  type Microsoft365Emulator,
} from "../../emulators/microsoft365/index.ts";
import { latencyClasses } from "../../emulators/microsoft365/latency.ts";
import { killHard, spawnWorker, stopGracefully, type WorkerProcess } from "./processes.ts";
import { wireClient, type WiredClient } from "./product-stack.ts";
import { postgresUnderTest } from "./stores.ts";

/**
 * What the product's crash tests share: the demo's Acme wired into a fresh PostgreSQL database, Sarah
 * Johnson's onboarding, and product worker processes killed with SIGKILL again and again while it runs,
 * against emulators slow enough that the kills land mid-call.
 */

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Acme's tenant with every call taking 30–90 ms and the mailbox 1.5 s. */
export async function slowAcmeTenant(): Promise<Microsoft365Emulator> {
  const m365 = await startMicrosoft365Emulator({ profile: "fast", seed: "acme" });
  m365.admin.configure({
    latency: Object.fromEntries(latencyClasses.map((c) => [c, { meanMs: 60, jitter: 0.5 }])),
  });
  m365.admin.setReplicationLag(0);
  m365.admin.setMailboxProvisioningDelay(1500);
  return m365;
}

/** Acme's Microsoft 365 systems pointed at the emulator, and the app credential they name. */
export function microsoftAt(m365: Microsoft365Emulator): {
  address: Record<string, Record<string, unknown>>;
  credential: { ref: string; kind: string; value: unknown };
} {
  return {
    address: {
      msgraph: { endpoints: { authority: m365.url, graph: m365.url } },
      "exchange-online": { endpoints: { authority: m365.url, exchange: m365.url } },
    },
    credential: {
      ref: "acme/microsoft-app",
      kind: "microsoft-app",
      value: { clientId: acme.clientId, clientSecret: acme.clientSecret },
    },
  };
}

export interface AcmeInPostgres {
  acme: WiredClient;
  /** What a product worker process needs to open the database and the credentials. */
  env: Record<string, string>;
}

/**
 * The demo's Acme in a fresh PostgreSQL database, wired as the product wires it: the systems whose
 * connector `address` names pointed at their emulators (the others left out), `credentials` sealed.
 */
export async function acmeInPostgres(
  cleanups: (() => Promise<void>)[],
  opts: {
    address: Record<string, Record<string, unknown>>;
    credentials: { ref: string; kind: string; value: unknown }[];
  },
): Promise<AcmeInPostgres> {
  const { store, url, cleanup } = await postgresUnderTest.open();
  cleanups.push(cleanup);
  const demo = demoClients.find((c) => c.id === "acme");
  const systems = Object.fromEntries(
    Object.entries(demo?.systems ?? {}).flatMap(([name, s]) => {
      const at = opts.address[s.connector];
      return at ? [[name, { ...s, ...at }]] : [];
    }),
  );
  const wired = await wireClient(store, {
    registry: connectors,
    credentials: opts.credentials,
    client: { ...demo, systems },
  });
  return {
    acme: wired,
    env: { DATABASE_URL: url!, LIFECYCLE_MASTER_KEY: wired.masterKey.toString("base64") },
  };
}

/** Sarah Johnson joins Acme's marketing team, now: the onboarding the crash tests cut up. */
export const sarahJohnson = {
  client: "acme",
  firstName: "Sarah",
  lastName: "Johnson",
  department: "Marketing",
  manager: "mike.chen@acmecorp.com",
  start: "now",
  requester: "hr@acmecorp.com",
};

const ended = ["completed", "completed-with-warnings", "failed", "cancelled"];

/**
 * Runs `runId` through product worker processes, each killed with SIGKILL while it holds a step that
 * is calling out, until `maxKills` kills; the last one is left to finish. The run must complete after at
 * least three kills. Answers the kills and the step types that were in flight at each.
 */
export async function killUntilFinished(opts: {
  store: Store;
  runId: string;
  env: Record<string, string>;
  cleanups: (() => Promise<void>)[];
  /** The workers are named prefix0, prefix1, … */
  prefix: string;
  maxKills: number;
  timeoutMs: number;
  /** Kill only once a step has ended since the last kill, so the kills spread over the whole run. */
  spread?: boolean;
  /** Steps worth cutting: for 400 ms a kill waits for one of these to be in flight. */
  prefer?: (type: string) => boolean;
}): Promise<{ kills: number; cut: string[] }> {
  const { store, runId } = opts;
  let worker: WorkerProcess = await spawnWorker(`${opts.prefix}0`, opts.env, "product");
  opts.cleanups.push(() => stopGracefully(worker));
  const finished = async () => ended.includes((await getRun(store, runId)).status);
  /** The types of the steps the live worker holds a lease on and is running now. */
  const inFlight = async () =>
    (
      await store.query<{ type: string }>(
        `select type from actions where run_id = $1 and state = 'running' and lease_owner = $2 and lease_until > now()`,
        [runId, worker.id],
      )
    ).map((r) => r.type);
  /** How many steps have ended, whichever way. */
  const endedSteps = async () =>
    (
      await store.query<{ n: number }>(
        `select count(*)::int as n from actions where run_id = $1 and state not in ('pending', 'running', 'waiting')`,
        [runId],
      )
    )[0]!.n;
  let kills = 0;
  let endedAtKill = -1;
  const cut: string[] = [];
  const deadline = Date.now() + opts.timeoutMs;
  while (!(await finished()) && Date.now() < deadline && kills < opts.maxKills) {
    if (opts.spread)
      while ((await endedSteps()) <= endedAtKill && !(await finished()) && Date.now() < deadline)
        await sleep(15);
    const preferUntil = opts.prefer ? Date.now() + 400 : 0;
    let running: string[] = [];
    while (!(await finished()) && Date.now() < deadline) {
      running = await inFlight();
      if (running.length && (Date.now() > preferUntil || running.some((s) => opts.prefer?.(s)))) break;
      await sleep(15);
    }
    if (await finished()) break;
    await sleep(Math.random() * 120);
    if (opts.spread) endedAtKill = await endedSteps();
    await killHard(worker);
    kills++;
    cut.push(...running);
    worker = await spawnWorker(`${opts.prefix}${kills}`, opts.env, "product");
  }
  while (!(await finished()) && Date.now() < deadline) await sleep(100);
  const run = await getRun(store, runId);
  assert.equal(run.status, "completed", JSON.stringify(run.actions.map((a) => [a.key, a.state, a.outcome])));
  assert.ok(kills >= 3, `only ${kills} kills: the test proved little`);
  return { kills, cut };
}

/** Whatever the kills cut off, the tenant has one new user and one welcome email. */
export function assertOneUserAndOneEmail(m365: Microsoft365Emulator): void {
  const ok = (c: { status: number }) => c.status >= 200 && c.status < 300;
  const creates = m365.admin
    .calls({ tenantId: acme.tenantId })
    .filter((c) => c.method === "POST" && /\/users$/.test(c.url.split("?")[0]!) && ok(c));
  assert.equal(creates.length, 1, "one user created");
  assert.equal(m365.admin.users(acme.tenantId).filter((u) => u.displayName === "Sarah Johnson").length, 1);
  assert.equal(m365.admin.sentMail(acme.tenantId).length, 1, "one welcome email");
}
