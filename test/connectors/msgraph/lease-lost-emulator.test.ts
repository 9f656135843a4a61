// create-user's first call (the directory's findUser, GET /users/{upn}) when its step's lease is lost,
// against the Microsoft 365 emulator with the connector's default batch window: the step fails ABORTED and
// nothing is left to reject unawaited, which would end the worker process.
import assert from "node:assert/strict";
import { after, afterEach, before, test } from "node:test";
import { VendorError } from "../../../src/connectors/http/index.ts";
import { graphPorts, TokenSource } from "../../../src/connectors/msgraph/index.ts";
import { GraphTransport } from "../../../src/connectors/msgraph/transport.ts";
import { LeaseLost } from "../../../src/engine/step-queue.ts";
import { runInStepScope } from "../../../src/observability/step-scope.ts";
import {
  acme,
  startMicrosoft365Emulator,
  type Microsoft365Emulator,
} from "../../../emulators/microsoft365/index.ts";

const batchWindowMs = 5;
let m365: Microsoft365Emulator;
const unhandled: unknown[] = [];
const record = (reason: unknown) => unhandled.push(reason);
before(async () => {
  m365 = await startMicrosoft365Emulator({ profile: "fast", seed: "acme" });
  process.on("unhandledRejection", record);
});
after(async () => {
  process.off("unhandledRejection", record);
  await m365.close();
});
afterEach(async () => {
  m365.admin.clearFaults();
  // The batch window has passed and whatever the aborted step left queued has run by then.
  await new Promise((r) => setTimeout(r, batchWindowMs * 20));
  await new Promise(setImmediate);
  assert.deepEqual(unhandled.splice(0).map(String), []);
});

/**
 * Acme's directory as the msgraph connector builds it; `tokenTaken` sees each token the transport takes,
 * `answered` each answer on the wire.
 */
function directory(hooks: { tokenTaken?: () => void; answered?: (status: number) => void } = {}) {
  const tokens = new TokenSource({ authorityHost: m365.url });
  const transport = new GraphTransport({
    baseUrl: m365.url,
    batchWindowMs,
    token: async () => {
      const t = await tokens.token(
        acme.tenantId,
        { clientId: acme.clientId, clientSecret: acme.clientSecret },
        "https://graph.microsoft.com",
      );
      hooks.tokenTaken?.();
      return t;
    },
    onCall: (c) => hooks.answered?.(c.status),
  });
  return graphPorts(transport).directory;
}

const step = () => {
  const lease = new AbortController();
  return {
    run: <T>(fn: () => Promise<T>) => runInStepScope({ calls: [], signal: lease.signal }, fn),
    lose: () => lease.abort(new LeaseLost("create-user")),
  };
};
const aborted = (e: unknown) => e instanceof VendorError && e.failure.code === "ABORTED";

test("a lease lost before create-user's findUser starts (the worker was slow building its ports)", async () => {
  const dir = directory();
  await dir.findUser("mike.chen@acmecorp.com"); // the token is cached: only the lookup is at stake
  const s = step();
  s.lose();
  await assert.rejects(
    s.run(() => dir.findUser("new.hire@acmecorp.com")),
    aborted,
  );
});

test("a lease lost while findUser hangs alone: it went direct, and its step's signal ends it", async () => {
  const hooks: { tokenTaken?: () => void } = {};
  const dir = directory(hooks);
  await dir.findUser("mike.chen@acmecorp.com");
  // Taken by the exchange just before its fetch: from then on the call is on the wire.
  const inFlight = new Promise<void>((r) => (hooks.tokenTaken = r));
  m365.admin.injectFault({ kind: "hang", hangMs: 2000, pathPattern: "/users/new.hire", count: 1 });
  const s = step();
  const lookup = s.run(() => dir.findUser("new.hire@acmecorp.com"));
  await inFlight;
  s.lose();
  await assert.rejects(lookup, aborted);
});

test("a lease lost while findUser hangs in a $batch with another step's lookup: the batch is not ended", async () => {
  const hooks: { tokenTaken?: () => void } = {};
  const dir = directory(hooks);
  await dir.findUser("mike.chen@acmecorp.com");
  // Taken by the exchange just before its fetch: from then on the call is on the wire.
  const inFlight = new Promise<void>((r) => (hooks.tokenTaken = r));
  m365.admin.injectFault({ kind: "hang", hangMs: 300, pathPattern: "/\\$batch", count: 1 });
  const s = step();
  const lookup = s.run(() => dir.findUser("new.hire@acmecorp.com"));
  const other = dir.findUser("tom.williams@acmecorp.com");
  await inFlight;
  s.lose();
  await assert.rejects(lookup, aborted);
  // The other step's lookup ends its own way: the emulator drops the hung connection.
  await assert.rejects(other, (e: VendorError) => e.failure.code === "NETWORK_ERROR");
});

test("a lease lost while findUser waits out a throttled answer", async () => {
  let throttled!: () => void;
  const waiting = new Promise<void>((r) => (throttled = r));
  const dir = directory({ answered: (status) => status === 429 && throttled() });
  await dir.findUser("mike.chen@acmecorp.com");
  m365.admin.injectFault({
    kind: "status",
    status: 429,
    retryAfterSeconds: 5,
    pathPattern: "/users/new.hire",
    count: 1,
  });
  const s = step();
  const lookup = s.run(() => dir.findUser("new.hire@acmecorp.com"));
  await waiting;
  // The answer is classified and the wait begun within the same few turns of the loop.
  await new Promise(setImmediate);
  s.lose();
  await assert.rejects(lookup, aborted);
});
