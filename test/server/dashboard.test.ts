import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { DateTime } from "luxon";
import { z } from "zod";
import { catalog } from "../../src/actions/define.ts";
import { parseClientConfig } from "../../src/domain/client.ts";
import { LifecycleError } from "../../src/domain/errors.ts";
import type { PlannedAction } from "../../src/domain/plan.ts";
import { createRun } from "../../src/engine/runs.ts";
import { sqlStepQueue } from "../../src/engine/sql-step-queue.ts";
import { createWorker, type Worker } from "../../src/engine/worker.ts";
import { buildServer } from "../../src/server/app.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import type { Store } from "../../src/store/sql.ts";
import { testClientConfig, waitForStatus } from "../support/engine-helpers.ts";
import { staffToken } from "../support/signed-in.ts";
import {
  pgliteUnderTest,
  postgresSkipReason,
  postgresUnderTest,
  type StoreUnderTest,
} from "../support/stores.ts";
import { defineNoPortsAction, memoryWork, type NoPorts } from "../support/test-actions.ts";
import { assertMatchesDocument, fieldsOf, json } from "./helpers.ts";

const work = memoryWork("test.work").action;
const fail = defineNoPortsAction({
  type: "test.fail",
  params: z.looseObject({}),
  ports: [],
  plan: async () => ({ kind: "will-change", summary: "fail" }),
  apply: async () => {
    throw new LifecycleError({ kind: "fatal", code: "VENDOR_ERROR", message: "the vendor said no" });
  },
  verify: async () => ({ kind: "verified" }),
});
const skip = defineNoPortsAction({
  type: "test.skip",
  params: z.looseObject({}),
  ports: [],
  plan: async () => ({ kind: "skip", reason: "nothing to forward" }),
  apply: async () => ({ kind: "done" }),
  verify: async () => ({ kind: "verified" }),
});
const seat = defineNoPortsAction({
  type: "test.seat",
  params: z.looseObject({}),
  ports: [],
  plan: async () => ({
    kind: "wait",
    for: "a free SPB seat",
    needs: "person",
    retryInMs: 600_000,
    deadlineMs: 86_400_000,
  }),
  apply: async () => ({ kind: "done" }),
  verify: async () => ({ kind: "verified" }),
});

const step = (key: string, type: string, deps: string[] = []): PlannedAction => ({
  key,
  type,
  title: `Step ${key}`,
  params: {},
  deps,
  required: true,
  tenant: "t",
  api: "test",
});

type Dashboard = {
  month: string;
  timeZone: string;
  counts: Record<string, number>;
  waiting: { runId: string; clientId: string; title: string; reason: string; needs: string | null }[];
  impact: Record<string, number>;
  missedSteps: { runId: string; key: string; state: string; reason: string; code: string | null }[];
  daily: { date: string; runsStarted: number; stepsAutomated: number }[];
};

for (const under of [pgliteUnderTest, postgresUnderTest] satisfies StoreUnderTest[]) {
  describe(`the dashboard (${under.name})`, async () => {
    const skipReason = under.name === "postgres" ? await postgresSkipReason() : false;
    let store: Store;
    let cleanup: () => Promise<void>;
    let worker: Worker;
    let app: FastifyInstance;
    const token: Record<string, string> = {};
    const runs: Record<string, string> = {};
    const month = DateTime.now().setZone("Europe/Berlin").toFormat("yyyy-MM");

    const get = async (url: string, as = "admin") =>
      app.inject({ method: "GET", url, headers: { authorization: `Bearer ${token[as]}` } });

    before(async () => {
      if (skipReason) return;
      ({ store, cleanup } = await under.open());
      const acme = testClientConfig("acme");
      const withImpact = parseClientConfig({
        ...acme,
        impact: { minutesPerStep: 4, perAction: { "test.work": 12 } },
      });
      assert.ok(withImpact.ok, JSON.stringify(withImpact));
      await upsertClient(store, withImpact.value);
      await upsertClient(store, testClientConfig("globex"));
      worker = createWorker<NoPorts>({
        queue: sqlStepQueue(store),
        catalog: catalog<NoPorts>(work, fail, skip, seat),
        capabilities: () => ({}),
        tuning: { leaseMs: 2_000, backoffBaseMs: 20, backoffCapMs: 200, pollMs: 30, idleMs: 50 },
      });
      await worker.start();
      const start = async (
        name: string,
        clientId: string,
        kind: "onboard" | "offboard",
        actions: PlannedAction[],
        startAt = new Date(),
      ) => {
        const { runId } = await createRun(store, {
          clientId,
          kind,
          subject: `${name}@${clientId}.example.com`,
          requester: "tech@msp.example",
          request: {},
          startAt,
          plan: { actions },
        });
        runs[name] = runId;
      };
      await start("done", "acme", "onboard", [
        step("a", "test.work"),
        step("b", "test.work", ["a"]),
        { ...step("c", "test.skip"), required: false },
      ]);
      await start("broken", "acme", "offboard", [step("a", "test.work"), step("b", "test.fail", ["a"])]);
      await start("seat", "acme", "onboard", [step("licence", "test.seat")]);
      await start(
        "later",
        "acme",
        "onboard",
        [step("a", "test.work")],
        new Date(Date.now() + 7 * 86_400_000),
      );
      await start("globex", "globex", "onboard", [step("a", "test.work")]);
      await waitForStatus(store, runs.done!, ["completed", "completed-with-warnings"]);
      await waitForStatus(store, runs.broken!, ["failed"]);
      await waitForStatus(store, runs.seat!, ["waiting"]);
      await waitForStatus(store, runs.globex!, ["completed"]);
      app = await buildServer({ store });
      token.admin = await staffToken(store, { role: "admin" });
      token.acme = await staffToken(store, {
        role: "viewer",
        email: "viewer-acme@msp.test",
        clients: ["acme"],
      });
      token.globex = await staffToken(store, {
        role: "viewer",
        email: "viewer-globex@msp.test",
        clients: ["globex"],
      });
    });
    after(async () => {
      if (skipReason) return;
      await app?.close();
      await worker?.stop();
      await cleanup?.();
    });

    test(
      "counts runs by where they stand, and names what the waiting one waits on",
      { skip: skipReason },
      async () => {
        const res = await get(`/api/dashboard?client=acme&month=${month}`);
        assert.equal(res.statusCode, 200, res.body);
        assertMatchesDocument(json(await get("/api/openapi.json")), "GET", "/api/dashboard", res);
        const d = json<Dashboard>(res);
        assert.equal(d.timeZone, "Europe/Berlin");
        assert.deepEqual(d.counts, { inFlight: 0, awaitingApproval: 0, scheduled: 1, waiting: 1, failed: 1 });
        assert.equal(d.waiting.length, 1);
        assert.equal(d.waiting[0]?.runId, runs.seat);
        assert.equal(d.waiting[0]?.title, "Step licence");
        assert.equal(d.waiting[0]?.reason, "a free SPB seat");
        assert.equal(d.waiting[0]?.needs, "person");
      },
    );

    test(
      "impact: completed runs by kind, succeeded steps at the client's minutes, every missed step with its reason",
      { skip: skipReason },
      async () => {
        const d = json<Dashboard>(await get(`/api/dashboard?client=acme&month=${month}`));
        // done: a, b; broken: a. Each test.work step is worth the client's 12 minutes.
        assert.deepEqual(d.impact, {
          onboardings: 1,
          offboardings: 0,
          stepsAutomated: 3,
          minutesSaved: 36,
          missedSteps: 2,
        });
        const missed = d.missedSteps
          .map(
            (m) => `${m.runId === runs.done ? "done" : "broken"}.${m.key}:${m.state}:${m.reason}:${m.code}`,
          )
          .sort();
        assert.deepEqual(missed, [
          "broken.b:failed:the vendor said no:VENDOR_ERROR",
          "done.c:skipped:nothing to forward:null",
        ]);
        const today = DateTime.now().setZone("Europe/Berlin").toFormat("yyyy-MM-dd");
        assert.equal(d.daily.length, DateTime.fromISO(`${month}-01`).daysInMonth);
        const day = d.daily.find((x) => x.date === today);
        assert.equal(day?.stepsAutomated, 3);
        // done, broken and seat began today (seat's step was tried, and waits); later has not begun.
        assert.equal(day?.runsStarted, 3);
        assert.equal(
          d.daily.filter((x) => x.date !== today).every((x) => x.runsStarted === 0 && x.stepsAutomated === 0),
          true,
        );
      },
    );

    test(
      "another month has the counts of now but none of this month's impact",
      { skip: skipReason },
      async () => {
        const d = json<Dashboard>(await get("/api/dashboard?client=acme&month=2001-02"));
        assert.equal(d.daily.length, 28);
        assert.deepEqual(d.impact, {
          onboardings: 0,
          offboardings: 0,
          stepsAutomated: 0,
          minutesSaved: 0,
          missedSteps: 0,
        });
        assert.equal(d.counts.failed, 0);
        assert.equal(d.counts.waiting, 1);
      },
    );

    test(
      "an account limited to globex sees globex only: the default minutes, none of acme's runs",
      { skip: skipReason },
      async () => {
        const res = await get(`/api/dashboard?month=${DateTime.now().toUTC().toFormat("yyyy-MM")}`, "globex");
        assert.equal(res.statusCode, 200, res.body);
        const d = json<Dashboard>(res);
        assert.equal(d.timeZone, "UTC");
        assert.deepEqual(d.impact, {
          onboardings: 1,
          offboardings: 0,
          stepsAutomated: 1,
          minutesSaved: 5,
          missedSteps: 0,
        });
        assert.deepEqual(d.counts, { inFlight: 0, awaitingApproval: 0, scheduled: 0, waiting: 0, failed: 0 });
        assert.deepEqual(d.waiting, []);
        assert.equal((await get("/api/dashboard?client=acme", "globex")).statusCode, 403);
        const acmeOnly = json<Dashboard>(await get("/api/dashboard", "acme"));
        assert.equal(acmeOnly.counts.waiting, 1);
        assert.ok(acmeOnly.waiting.every((w) => w.clientId === "acme"));
      },
    );

    test("across every client the figures add up, in UTC", { skip: skipReason }, async () => {
      const d = json<Dashboard>(
        await get(`/api/dashboard?month=${DateTime.now().toUTC().toFormat("yyyy-MM")}`),
      );
      assert.equal(d.impact.onboardings, 2);
      assert.equal(d.impact.minutesSaved, 36 + 5);
    });

    test(
      "a month that is not YYYY-MM, or an unknown client, is refused naming it",
      { skip: skipReason },
      async () => {
        const bad = await get("/api/dashboard?month=2026-13");
        assert.equal(bad.statusCode, 400);
        assert.deepEqual(fieldsOf(bad), ["month"]);
        assert.equal((await get("/api/dashboard?client=nobody")).statusCode, 404);
      },
    );
  });
}
