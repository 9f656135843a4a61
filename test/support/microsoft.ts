import { createHash } from "node:crypto";
import type { ApprovalLinks, Capabilities, OneTimeLinks } from "../../src/ports/index.ts";
import type { StepContext } from "../../src/actions/define.ts";
import { graphCapabilities, TokenSource } from "../../src/connectors/msgraph/index.ts";
import { parseClient } from "../../src/composition/index.ts";
import type { ClientConfig } from "../../src/domain/client.ts";
import { demoClients } from "../../emulators/demo/clients.ts";
import {
  acme,
  startMicrosoft365Emulator,
  type Microsoft365Emulator,
} from "../../emulators/microsoft365/index.ts";
import { productionCatalog } from "../../src/actions/catalog.ts";
import { sqlStepQueue } from "../../src/engine/sql-step-queue.ts";
import { createWorker, type Worker } from "../../src/engine/worker.ts";
import type { Store } from "../../src/store/sql.ts";

/**
 * Links kept in memory: enough to prove a secret went to a link and nowhere else. A link's address is a
 * hash of its id, the same every time it is asked for, as the product's derived address is.
 */
export function memoryLinks(): OneTimeLinks & { secrets: Map<string, string>; addresses: Set<string> } {
  const secrets = new Map<string, string>();
  const expiries = new Map<string, Date>();
  const generations = new Map<string, number>();
  const addresses = new Set<string>();
  return {
    secrets,
    addresses,
    async share(owner, secret, { expiresAt }) {
      const key = `${owner.runId}:${owner.actionKey}`;
      const generation = (generations.get(key) ?? 0) + 1;
      generations.set(key, generation);
      const linkId = `${key}#${generation}`;
      secrets.set(linkId, secret);
      expiries.set(linkId, expiresAt);
      return { linkId, state: "created", expiresAt };
    },
    async address(linkId) {
      const expiresAt = expiries.get(linkId);
      if (!expiresAt) return { kind: "unavailable", state: "unknown", reason: `no one-time link ${linkId}` };
      const url = `https://lifecycle.test/credentials/${createHash("sha256").update(linkId).digest("base64url")}`;
      addresses.add(url);
      return { kind: "ready", url, expiresAt };
    },
  };
}

/**
 * Approval links kept in memory, for runs whose approval a test gives through the engine: every approval
 * is pending, each approver's address the same each time it is asked for.
 */
export function memoryApprovalLinks(): ApprovalLinks & { addresses: Set<string> } {
  const addresses = new Set<string>();
  const expiresAt = new Date(Date.now() + 24 * 3600_000);
  return {
    addresses,
    pending: async () => ({ expiresAt }),
    async linkFor(runId, approver) {
      const linkId = `${runId}:${approver}`;
      const url = `https://lifecycle.test/approvals/${createHash("sha256").update(linkId).digest("base64url")}`;
      addresses.add(url);
      return { kind: "ready", linkId, url, expiresAt };
    },
  };
}

/** Acme's connectors, pointed at an emulator. */
export function acmeCapabilities(
  m365: Microsoft365Emulator,
  links: OneTimeLinks = memoryLinks(),
  approvals: ApprovalLinks = memoryApprovalLinks(),
): Capabilities {
  const tokens = new TokenSource({ authorityHost: m365.url });
  return {
    ...graphCapabilities(tokens, {
      tenantId: acme.tenantId,
      credential: { clientId: acme.clientId, clientSecret: acme.clientSecret },
      graphUrl: m365.url,
      exchangeUrl: m365.url,
    }),
    oneTimeLinks: links,
    approvalLinks: approvals,
  };
}

/**
 * The demo's Acme configuration as `npm start` seeds it, its Microsoft side only: these tests serve it
 * with the Microsoft emulator, and the PSA has its own (test/actions/psa-trail.test.ts, the connectors').
 */
export function demoAcme(): ClientConfig {
  const demo = demoClients.find((c) => c.id === "acme");
  const systems = Object.fromEntries(
    Object.entries(demo?.systems ?? {}).filter(([, s]) =>
      ["msgraph", "exchange-online"].includes(s.connector),
    ),
  );
  const parsed = parseClient({ ...demo, systems });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

/** What the engine hands a step, for calling an action's plan / apply / verify directly. */
export function stepContext<P>(
  ports: P,
  key = "k",
  extra: Partial<StepContext<P>> & {
    runId?: string;
    outputs?: Record<string, Record<string, unknown>>;
  } = {},
): StepContext<P> {
  const { outputs, runId = "run", ...rest } = extra;
  return {
    ports,
    idempotencyKey: `${runId}:${key}`,
    runId,
    actionKey: key,
    attempt: 1,
    inDoubt: false,
    // Unless a test says it is the step's first, an attempt may follow others: actions look before writing.
    firstAttempt: false,
    signal: new AbortController().signal,
    attemptStartedAt: new Date(),
    runStartAt: new Date(Date.now() - 1000),
    output: (dep) => outputs?.[dep],
    ...rest,
  };
}

/**
 * Acme's emulated tenant as the end-to-end tests want it: the fast profile, no replication lag, and
 * mailboxes that provision and convert in `mailboxMs`.
 */
export async function startAcmeTenant(mailboxMs = 200): Promise<Microsoft365Emulator> {
  const m365 = await startMicrosoft365Emulator({ profile: "fast", seed: "acme" });
  m365.admin.setReplicationLag(0);
  m365.admin.setMailboxProvisioningDelay(mailboxMs);
  m365.admin.setMailboxConversionDelay(mailboxMs);
  return m365;
}

/** A started worker with the product's catalogue over the given ports, polling fast enough for tests. */
export async function startProductWorker(store: Store, caps: () => Capabilities): Promise<Worker> {
  const worker = createWorker({
    queue: sqlStepQueue(store),
    catalog: productionCatalog(),
    capabilities: caps,
    tuning: { idleMs: 20, pollMs: 50, backoffBaseMs: 50, backoffCapMs: 500 },
  });
  await worker.start();
  return worker;
}
