import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { credentialKindsOf } from "../../src/composition/credential-kinds.ts";
import {
  liveStateOf,
  parseClient,
  portsFor,
  productWorker,
  submitRequest,
  type PortsResolver,
} from "../../src/composition/index.ts";
import { connectors } from "../../src/connectors/registry.ts";
import { keyring, type KeySource } from "../../src/credentials/keys.ts";
import { setCredential } from "../../src/credentials/repo.ts";
import type { ClientConfig, ClientConfigInput } from "../../src/domain/client.ts";
import { getRun, type RunDetail } from "../../src/engine/read.ts";
import { cancelRun } from "../../src/engine/runs.ts";
import type { Worker } from "../../src/engine/worker.ts";
import { buildReport, renderHtml } from "../../src/evidence/index.ts";
import type { Capabilities, Psa } from "../../src/ports/index.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { initech, startAutotaskEmulator } from "../../emulators/autotask/index.ts";
import { globex, globexApiKey, startConnectWiseEmulator } from "../../emulators/connectwise/index.ts";
import { haloDemo, startHaloPsaEmulator } from "../../emulators/halopsa/index.ts";
import { memoryDirectoryConnector } from "../support/connectors/memory-directory/module.ts";
import { waitForStatus } from "../support/engine-helpers.ts";

/**
 * The ticket trail end to end on each real PSA connector: composition → connector → its emulator over
 * HTTP, the directory in memory so nothing Microsoft is in the way. What the trail wrote is read back twice:
 * through the connector's own Psa port, and through the emulator's /_admin surface, which shows the
 * vendor's own flags (internal, inactive, the status) as a person in the PSA would see them.
 */
const registry = [...connectors, memoryDirectoryConnector];
const done = ["completed", "completed-with-warnings", "failed", "cancelled"] as const;
const ring = keyring(randomBytes(32));
const keys: KeySource = () => ring;

/** A note as the emulator holds it. */
interface AdminNote {
  ticketId: string;
  text: string;
  internal: boolean;
}

/** What a test needs of one PSA's emulator, over its admin API. */
interface Running {
  url: string;
  /** The client's system section for the connector (the credential ref added by the test). */
  system: { connector: string } & Record<string, unknown>;
  credential: { kind: string; value: Record<string, string> };
  /** What must never leave the vault: the credential's secret, and what it is sent as. */
  secrets: string[];
  notes(ticketId: string): Promise<AdminNote[]>;
  /** Every ticket's id in the emulator. */
  ticketIds(): Promise<string[]>;
  /** The vendor's own active flag of a contact, by its id. */
  contactActive(contactId: string): Promise<boolean>;
  /** Whether the ticket's status is the one the client maps `completed` to. */
  completed(ticketId: string): Promise<boolean>;
  /** The emulator's call log as JSON text: request and response bodies included. */
  calls(): Promise<string>;
  close(): Promise<void>;
}

interface Stack {
  psa: "halopsa" | "connectwise" | "autotask";
  client: string;
  domain: string;
  /** The seeded open ticket, by the number people use. */
  ticket: string;
  /** A contact in the seed, offboarded in (c). */
  leaver: { first: string; last: string; email: string };
  start(): Promise<Running>;
}

const admin = async (url: string, path: string): Promise<unknown> => {
  const res = await fetch(`${url}${path}`);
  assert.equal(res.status, 200, `GET ${path}: ${res.status}`);
  return res.json();
};

const stacks: Stack[] = [
  {
    psa: "halopsa",
    client: "acme",
    domain: "acmecorp.com",
    ticket: String(haloDemo.acme.ticket),
    leaver: { first: "Mike", last: "Chen", email: "mike.chen@acmecorp.com" },
    async start() {
      const halo = await startHaloPsaEmulator({ profile: "fast", seed: "demo" });
      const get = (p: string) => admin(halo.url, p);
      type HaloNote = { note: string; hiddenfromuser: boolean; outcome_id: number };
      return {
        url: halo.url,
        system: {
          connector: "halopsa",
          url: halo.url,
          clientId: haloDemo.acme.clientId,
          siteId: haloDemo.acme.siteId,
          statuses: haloDemo.statuses,
        },
        credential: {
          kind: "halopsa-app",
          value: { clientId: haloDemo.clientId, clientSecret: haloDemo.clientSecret },
        },
        secrets: [haloDemo.clientSecret],
        async notes(ticketId) {
          const notes = (await get(`/_admin/tickets/${ticketId}/notes`)) as HaloNote[];
          return notes.map((n) => ({
            ticketId,
            text: n.note,
            internal: n.hiddenfromuser && n.outcome_id === haloDemo.noteOutcomeId,
          }));
        },
        async ticketIds() {
          return ((await get(`/_admin/tickets`)) as { id: number }[]).map((t) => String(t.id));
        },
        async contactActive(id) {
          return !((await get(`/_admin/contacts/${id}`)) as { inactive: boolean }).inactive;
        },
        async completed(id) {
          const t = (await get(`/_admin/tickets/${id}`)) as { status_id: number };
          return t.status_id === haloDemo.statuses.completed;
        },
        calls: async () => JSON.stringify(await get(`/_admin/calls`)),
        close: () => halo.close(),
      };
    },
  },
  {
    psa: "connectwise",
    client: "globex",
    domain: globex.domain,
    ticket: String(globex.openTicket),
    leaver: { first: "Lukas", last: "Becker", email: "lukas.becker@globex.de" },
    async start() {
      const cw = await startConnectWiseEmulator({ profile: "fast", seed: "globex" });
      const site = `/_admin/connectwise/sites/${globex.loginCompany}`;
      const get = (p: string) => admin(cw.url, p);
      type CwNote = { text: string; internalAnalysisFlag: boolean; detailDescriptionFlag: boolean };
      return {
        url: cw.url,
        system: {
          connector: "connectwise",
          site: cw.url,
          companyId: globex.company.id,
          boardId: globex.board.id,
          statuses: { "waiting-on-customer": "Waiting Customer", completed: "Completed" },
        },
        credential: {
          kind: "connectwise-api-key",
          value: globexApiKey,
        },
        secrets: [
          globex.privateKey,
          // What the keys travel as: the Basic authorization header's value.
          Buffer.from(`${globex.loginCompany}+${globex.publicKey}:${globex.privateKey}`).toString("base64"),
        ],
        async notes(ticketId) {
          const notes = (await get(`${site}/tickets/${ticketId}/notes`)) as CwNote[];
          return notes.map((n) => ({
            ticketId,
            text: n.text,
            internal: n.internalAnalysisFlag && !n.detailDescriptionFlag,
          }));
        },
        async ticketIds() {
          return ((await get(`${site}/tickets`)) as { id: number }[]).map((t) => String(t.id));
        },
        async contactActive(id) {
          const all = (await get(`${site}/contacts`)) as { id: number; inactiveFlag: boolean }[];
          const c = all.find((x) => String(x.id) === id);
          assert.ok(c, `no contact ${id} in the emulator`);
          return !c.inactiveFlag;
        },
        async completed(id) {
          const t = (await get(`${site}/tickets/${id}`)) as { status: { id: number } };
          return t.status.id === globex.board.statuses.completed;
        },
        calls: async () => JSON.stringify(await get(`/_admin/calls`)),
        close: () => cw.close(),
      };
    },
  },
  {
    psa: "autotask",
    client: "initech",
    domain: initech.domains[0],
    ticket: initech.openTicketNumber,
    leaver: { first: "Michael", last: "Bolton", email: initech.contacts.michael },
    async start() {
      const at = await startAutotaskEmulator({ profile: "fast", seed: "initech" });
      const get = (p: string) => admin(at.url, p);
      type AtNote = { description: string; publish: number };
      return {
        url: at.url,
        system: {
          connector: "autotask",
          zoneDiscoveryUrl: at.zoneDiscoveryUrl,
          companyID: initech.companyID,
          queueID: initech.queues.onboarding,
          priority: initech.priorities.medium,
          statuses: {
            phases: {
              "in-progress": initech.statuses.inProgress,
              "waiting-on-customer": initech.statuses.waitingCustomer,
              completed: initech.statuses.complete,
            },
          },
          notes: { publish: initech.publish.internalOnly },
        },
        credential: { kind: "autotask-api-user", value: { ...initech.apiUser } },
        secrets: [initech.apiUser.secret],
        async notes(ticketId) {
          const notes = (await get(`/_admin/tickets/${ticketId}/notes`)) as AtNote[];
          return notes.map((n) => ({
            ticketId,
            text: n.description,
            internal: n.publish === initech.publish.internalOnly,
          }));
        },
        async ticketIds() {
          return ((await get(`/_admin/tickets`)) as { id: number }[]).map((t) => String(t.id));
        },
        async contactActive(id) {
          return ((await get(`/_admin/contacts/${id}`)) as { isActive: 0 | 1 }).isActive === 1;
        },
        async completed(id) {
          const t = (await get(`/_admin/tickets`)) as { id: number; status: number }[];
          return t.find((x) => String(x.id) === id)?.status === initech.statuses.complete;
        },
        calls: async () => JSON.stringify(await get(`/_admin/calls`)),
        close: () => at.close(),
      };
    },
  },
];

let store: Store;
let worker: Worker;
let resolve: PortsResolver;
const running = new Map<string, Running>();
const clients = new Map<string, ClientConfig>();
const memoryTokens = new Map<string, string>();
/** Every run these tests started, for the secret scan. */
const runIds: string[] = [];
/** What the directory and the links were handed: secrets the scan must find nowhere. */
const handed = { passwords: new Set<string>(), links: new Set<string>(), shared: new Set<string>() };

/** Records each password the directory is given, each secret shared by link and each link mailed. */
function watched(caps: Capabilities): Capabilities {
  const spy = <T extends object>(port: T | undefined, calls: Record<string, (...args: never[]) => void>) =>
    port &&
    new Proxy(port, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        const seen = typeof prop === "string" ? calls[prop] : undefined;
        if (typeof value !== "function" || !seen) return value;
        return (...args: unknown[]) => {
          (seen as (...a: unknown[]) => void)(...args);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const linksIn = (text: string) => {
    for (const m of text.matchAll(/https?:\/\/\S+?\/credentials\/[^\s"'<>]+/g)) handed.links.add(m[0]);
  };
  return {
    ...caps,
    directory: spy(caps.directory, {
      createUser: (n: { password?: string }) => void (n.password && handed.passwords.add(n.password)),
      setPassword: (_id: string, p: string) => void handed.passwords.add(p),
    }),
    mailSender: spy(caps.mailSender, {
      send: (_from: string, mail: { html: string }) => linksIn(mail.html),
    }),
    oneTimeLinks: caps.oneTimeLinks && {
      share: async (owner, secret, opts) => {
        handed.shared.add(secret);
        return caps.oneTimeLinks!.share(owner, secret, opts);
      },
      address: async (linkId) => {
        const address = await caps.oneTimeLinks!.address(linkId);
        if (address.kind === "ready") handed.links.add(address.url);
        return address;
      },
    },
  };
}

before(async () => {
  store = await openStore({});
  const kinds = credentialKindsOf(registry);
  await Promise.all(
    stacks.map(async (s) => {
      const emu = await s.start();
      running.set(s.psa, emu);
      const memoryToken = `memory-${randomBytes(12).toString("hex")}`;
      memoryTokens.set(s.client, memoryToken);
      for (const [ref, credential] of [
        [`${s.client}/memory`, { kind: "memory-token", value: { token: memoryToken } }],
        [`msp/${s.psa}`, emu.credential],
      ] as const) {
        const stored = await setCredential(store, keys, kinds, { ref, ...credential, actor: "test" });
        assert.ok(stored.ok, JSON.stringify(stored));
      }
      const input: ClientConfigInput = {
        id: s.client,
        displayName: s.client,
        domains: [s.domain],
        timeZone: "Europe/Berlin",
        usageLocation: "DE",
        usernameFormat: { pattern: "{first}.{last}", collision: "numeric-suffix" },
        groupsByDepartment: { Engineering: ["Engineering"] },
        hrContacts: [`hr@${s.domain}`],
        systems: {
          directory: {
            connector: "memory-directory",
            tenant: `${s.client}-stack`,
            credential: `${s.client}/memory`,
            groups: ["Engineering"],
          },
          // The vendor's default rate (Autotask's is one call a second) is not what this test is about.
          psa: {
            ...emu.system,
            credential: `msp/${s.psa}`,
            limits: { concurrency: 4, ratePerSecond: 100 },
          },
        },
        mail: { sendMailFrom: `it@${s.domain}` },
      };
      const parsed = parseClient(input, registry);
      assert.ok(parsed.ok, JSON.stringify(parsed));
      clients.set(s.psa, parsed.value);
      await upsertClient(store, parsed.value);
    }),
  );
  const product = portsFor({ sql: store, keys, publicUrl: () => "https://lifecycle.test", registry });
  resolve = async (client, bind) => watched(await product(client, bind));
  worker = productWorker(store, {
    ports: resolve,
    tuning: { idleMs: 20, pollMs: 50, backoffBaseMs: 50, backoffCapMs: 500 },
  });
  await worker.start();
});

after(async () => {
  await worker?.stop();
  await store?.close();
  for (const emu of running.values()) await emu.close();
});

async function submit(
  s: Stack,
  kind: "onboard" | "offboard",
  body: Record<string, unknown>,
): Promise<string> {
  const submitted = await submitRequest(
    store,
    kind,
    { client: s.client, requester: `hr@${s.domain}`, ...body },
    { actor: `hr@${s.domain}`, live: async (c) => liveStateOf(await resolve(c)), registry },
  );
  assert.ok(submitted.ok, JSON.stringify(submitted));
  const runId = submitted.value.runId!;
  runIds.push(runId);
  return runId;
}

async function finished(runId: string): Promise<RunDetail> {
  await waitForStatus(store, runId, [...done], 30_000);
  return getRun(store, runId);
}

const steps = (run: RunDetail) => JSON.stringify(run.actions.map((a) => [a.key, a.state, a.outcome]));
/** The steps the final log has a line for: all but the ticket's own notes. */
const logged = (run: RunDetail) =>
  run.actions.filter((a) => !a.type.startsWith("psa.note-") && a.type !== "psa.log-run");

/** Every note in the emulator whose text carries this run's id: the run's notes, wherever they landed. */
async function notesOfRun(emu: Running, runId: string): Promise<AdminNote[]> {
  const all = await Promise.all((await emu.ticketIds()).map((id) => emu.notes(id)));
  return all.flat().filter((n) => n.text.includes(runId));
}

/** Whether the note carries this marker whole (each vendor writes it on a line of its own). */
const carries = (marker: string) => {
  const whole = new RegExp(`(^|[^\\w:-])${marker.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\w:-])`);
  return (n: AdminNote) => n.text.split(/\r?\n/).some((l) => whole.test(l.trim()));
};

/**
 * The run's trail on the ticket: the plan note and the log, each once, internal, each found again by its
 * marker through the port; the log has one timestamped line per step and the verdict.
 */
async function assertTrail(emu: Running, psa: Psa, run: RunDetail, ticketId: string): Promise<AdminNote> {
  const planMarker = `${run.id}:psa-plan-note`;
  const logMarker = `${run.id}:psa-log`;
  assert.ok(await psa.findNote(ticketId, planMarker), "the plan note is found by its marker");
  assert.ok(await psa.findNote(ticketId, logMarker), "the log is found by its marker");
  const mine = await notesOfRun(emu, run.id);
  const plan = mine.filter(carries(planMarker));
  const log = mine.filter(carries(logMarker));
  const texts = mine.map((n) => n.text).join("\n---\n");
  assert.equal(plan.length, 1, `one plan note:\n${texts}`);
  assert.equal(log.length, 1, `one log note:\n${texts}`);
  assert.equal(mine.length, 2, `no other note of the run:\n${texts}`);
  for (const n of mine) {
    assert.equal(n.ticketId, ticketId, "on the run's ticket");
    assert.ok(n.internal, `internal: ${n.text}`);
  }
  assert.match(
    plan[0]!.text,
    new RegExp(`^Lifecycle ${run.kind === "onboard" ? "onboarding" : "offboarding"} of `),
  );
  const lines = log[0]!.text.split(/\r?\n/);
  assert.match(lines[0]!, /^Lifecycle log of the (on|off)boarding of .+ \(run [0-9a-f-]{36}\):$/);
  const timed = lines.filter((l) => /^\d+:\d\d /.test(l));
  const expected = logged(run);
  assert.equal(timed.length, expected.length + 1, `one line per step and the verdict:\n${log[0]!.text}`);
  assert.match(timed.at(-1)!, /^\d+:\d\d Result: completed\.$/);
  return log[0]!;
}

for (const s of stacks) {
  describe(`${s.psa}: the ticket trail end to end`, () => {
    const emu = () => running.get(s.psa)!;
    const ports = async () => (await resolve(clients.get(s.psa)!)).psa!;

    test(`an onboarding naming ticket ${s.ticket} notes its plan and log there, creates the contact and completes the ticket`, async () => {
      const runId = await submit(s, "onboard", {
        start: "now",
        firstName: "Nora",
        lastName: "Neumann",
        department: "Engineering",
        jobTitle: "Engineer",
        ticket: s.ticket,
      });
      const run = await finished(runId);
      assert.equal(run.status, "completed", steps(run));
      const psa = await ports();
      const ticket = await psa.findTicket(s.ticket);
      assert.ok(ticket, `ticket ${s.ticket} is there`);
      const upn = `nora.neumann@${s.domain}`;
      const log = await assertTrail(emu(), psa, run, ticket.id);
      assert.match(log.text, new RegExp(`^\\d+:\\d\\d Created contact ${upn.replace(/\./g, "\\.")}`, "m"));
      const contact = await psa.findContact(upn);
      assert.equal(contact?.active, true, "the new user's contact is active");
      assert.equal(await emu().contactActive(contact.id), true, "active by the vendor's own flag");
      assert.ok(await emu().completed(ticket.id), "the ticket's status is the completed phase's");
    });

    test("an onboarding with no ticket opens one, found again by the run's reference", async () => {
      const before = await emu().ticketIds();
      const runId = await submit(s, "onboard", { start: "now", firstName: "Ole", lastName: "Offen" });
      const run = await finished(runId);
      assert.equal(run.status, "completed", steps(run));
      const psa = await ports();
      const opened = await psa.findTicketByReference(runId);
      assert.ok(opened, "found by the run's reference");
      assert.ok(!before.includes(opened.id), "a new ticket");
      assert.deepEqual(
        (await emu().ticketIds()).filter((id) => !before.includes(id)),
        [opened.id],
        "exactly one ticket opened",
      );
      assert.equal(opened.title, "New starter: Ole Offen");
      // The ticket's link, where the connector knows one, is in the run's record of the step.
      const step = run.actions.find((a) => a.type === "psa.open-ticket");
      const data = step?.outcome && "data" in step.outcome ? step.outcome.data : undefined;
      assert.equal(data?.ticketId, opened.id);
      assert.equal(data?.url, opened.url);
      if (s.psa === "connectwise") assert.match(String(data?.url), /ConnectWise\.aspx\?.*recid=/);
      await assertTrail(emu(), psa, run, opened.id);
    });

    test(`an offboarding of ${s.leaver.email} deactivates the contact by the vendor's own flag and logs the run`, async () => {
      const client = clients.get(s.psa)!;
      const directory = (await resolve(client)).directory!;
      if (!(await directory.findUser(s.leaver.email)))
        await directory.createUser({
          upn: s.leaver.email,
          displayName: `${s.leaver.first} ${s.leaver.last}`,
          givenName: s.leaver.first,
          surname: s.leaver.last,
          mailNickname: s.leaver.email.split("@")[0]!,
          usageLocation: "DE",
          password: "unused-in-memory",
        });
      const psa = await ports();
      const contact = await psa.findContact(s.leaver.email);
      assert.equal(contact?.active, true, "the leaver's contact is in the seed, active");
      const before = await emu().ticketIds();
      const runId = await submit(s, "offboard", {
        user: s.leaver.email,
        lastDay: "now",
        // The memory directory has no MFA methods or licences to remove.
        actions: { removeMfa: false, removeLicenses: false },
      });
      const run = await finished(runId);
      assert.equal(run.status, "completed", steps(run));
      assert.equal(run.actions.find((a) => a.key === "psa-contact")?.state, "succeeded", steps(run));
      assert.equal((await psa.findContact(s.leaver.email))?.active, false);
      assert.equal(await emu().contactActive(contact.id), false, "inactive by the vendor's own flag");
      const opened = await psa.findTicketByReference(runId);
      assert.ok(opened && !before.includes(opened.id), "the offboarding opened its ticket");
      const log = await assertTrail(emu(), psa, run, opened.id);
      // The verdict is read from what the verification recorded, check by check.
      assert.match(log.text, /^Verification: no access remains; \d+ checks \(.+\) re-read, all clean\.$/m);
    });

    test("a ticket the PSA does not know is waited for while the directory's steps complete; cancelled, nothing is posted", async () => {
      const missing = s.psa === "autotask" ? "T20991231.9999" : "99999";
      const psa = await ports();
      assert.equal(await psa.findTicket(missing), undefined, `the PSA has no ticket ${missing}`);
      const runId = await submit(s, "onboard", {
        start: "now",
        firstName: "Wanda",
        lastName: "Warten",
        department: "Engineering",
        ticket: missing,
      });
      const until = Date.now() + 20_000;
      let run = await getRun(store, runId);
      const settled = (r: RunDetail) =>
        ["create-user", "group:Engineering", "welcome-email", "psa-contact"].every(
          (k) => r.actions.find((a) => a.key === k)?.state === "succeeded",
        ) && r.actions.find((a) => a.key === "psa-ticket")?.state === "waiting";
      while (!settled(run) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 50));
        run = await getRun(store, runId);
      }
      assert.ok(settled(run), steps(run));
      const waiting = run.actions.find((a) => a.key === "psa-ticket")!;
      assert.match(JSON.stringify(waiting.outcome), new RegExp(`ticket #${missing} in the PSA`));
      await cancelRun(store, runId, "tech@msp.example", "the ticket number was wrong");
      const ended = await finished(runId);
      assert.equal(ended.status, "cancelled", steps(ended));
      // The worker may finish a step it had claimed; give the trail a moment before counting.
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(await notesOfRun(emu(), runId), [], "no note of the cancelled run anywhere");
    });
  });
}

/** What must never be found outside the vault, by name, and the patterns of a pass, a password or a link. */
function forbidden(): { name: string; test: (text: string) => boolean }[] {
  const literal = (name: string, value: string) => ({ name, test: (t: string) => t.includes(value) });
  return [
    ...[...memoryTokens].map(([client, token]) => literal(`${client}'s memory-directory token`, token)),
    ...stacks.flatMap((s) =>
      running.get(s.psa)!.secrets.map((v, i) => literal(`${s.psa} credential secret #${i + 1}`, v)),
    ),
    ...[...handed.passwords].map((p, i) => literal(`generated password #${i + 1}`, p)),
    ...[...handed.shared].map((p, i) => literal(`secret shared by link #${i + 1}`, p)),
    ...[...handed.links].map((l, i) => literal(`one-time link #${i + 1}`, l)),
    {
      name: "a /credentials/<token> link",
      test: (t) => /\/credentials\/(?!\[redacted\]|\[withheld\])[A-Za-z0-9_%-]{8,}/.test(t),
    },
    { name: "a Temporary Access Pass", test: (t) => /temporary access pass\s*[:=]\s*(?!\[)\S/i.test(t) },
    {
      name: "a password",
      test: (t) =>
        /\bpassword\s*[:=]\s*(?!\[redacted\])[^\s,;]/i.test(t) ||
        /"(?:password|newPassword|initialPassword|temporaryAccessPass|clientSecret|client_secret|privateKey|secret)"\s*:\s*"(?!\[redacted\])[^"]+"/i.test(
          t,
        ),
    },
  ];
}

test("no secret reaches a note, an event, an outcome, an attempt, an emulator's call log or the evidence report", async () => {
  assert.ok(runIds.length >= stacks.length * 4, "the runs above ran");
  // The directory was handed a password by each create and reset: the scan looks for each of them.
  assert.ok(handed.passwords.size >= stacks.length * 4, `${handed.passwords.size} passwords seen`);
  const places: [string, string][] = [];
  for (const s of stacks) {
    const emu = running.get(s.psa)!;
    for (const id of await emu.ticketIds())
      for (const [i, n] of (await emu.notes(id)).entries())
        places.push([`${s.psa} ticket ${id} note #${i + 1}`, n.text]);
    places.push([`${s.psa} emulator's call log`, await emu.calls()]);
  }
  for (const r of await store.query<{ id: string; run_id: string; text: string }>(
    `select id::text, run_id::text, coalesce(message, '') || ' ' || coalesce(detail::text, '') as text from events`,
  ))
    places.push([`event ${r.id} of run ${r.run_id}`, r.text]);
  for (const r of await store.query<{ key: string; run_id: string; text: string }>(
    `select key, run_id::text, coalesce(outcome::text, '') || ' ' || params::text as text from actions`,
  ))
    places.push([`actions.outcome of ${r.key} in run ${r.run_id}`, r.text]);
  for (const r of await store.query<{ id: string; run_id: string; text: string }>(
    `select id::text, run_id::text, row_to_json(a)::text as text from attempts a`,
  ))
    places.push([`attempt ${r.id} of run ${r.run_id}`, r.text]);
  for (const runId of runIds) {
    const report = await buildReport(store, runId);
    places.push([`run ${runId}'s report (JSON)`, JSON.stringify(report)]);
    places.push([`run ${runId}'s report (HTML)`, renderHtml(report)]);
  }
  assert.ok(places.length > 50, `only ${places.length} places read`);
  const found: string[] = [];
  for (const [where, text] of places)
    for (const f of forbidden()) if (f.test(text)) found.push(`${f.name} in ${where}`);
  assert.deepEqual(found, []);
});
