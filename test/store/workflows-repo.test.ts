import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { verifyAudit } from "../../src/store/audit/verify.ts";
import type { Store } from "../../src/store/sql.ts";
import {
  getWorkflowVersion,
  latestWorkflowVersion,
  saveWorkflowVersion,
  workflowHistory,
} from "../../src/store/workflows-repo.ts";
import { seedClient } from "../support/engine-helpers.ts";
import {
  pgliteUnderTest,
  postgresSkipReason,
  postgresUnderTest,
  type StoreUnderTest,
} from "../support/stores.ts";

const overlay = (remove: string[] = []) => ({
  kind: "onboard",
  extends: "builtin:onboard@1",
  remove,
  add: [],
  patch: {},
});

function repoSuite(sut: StoreUnderTest, skip: string | false) {
  describe(`workflow versions on ${sut.name}`, { skip }, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ store, cleanup } = await sut.open());
      for (const id of ["acme", "globex", "initech", "umbrella"]) await seedClient(store, id);
    });
    after(async () => cleanup());

    test("every save is the next version; latest and get read them back as saved", async () => {
      const a = await saveWorkflowVersion(store, {
        clientId: "acme",
        kind: "onboard",
        overlay: overlay(["a"]),
        actor: "tech@msp.example",
        detail: { remove: ["a"] },
      });
      const b = await saveWorkflowVersion(store, {
        clientId: "acme",
        kind: "onboard",
        overlay: overlay(["b"]),
        actor: "lead@msp.example",
        detail: { remove: ["b"] },
      });
      assert.deepEqual([a.version, b.version], [1, 2]);
      assert.equal(b.savedBy, "lead@msp.example");
      assert.ok(b.savedAt instanceof Date && !Number.isNaN(b.savedAt.getTime()));
      assert.deepEqual((await latestWorkflowVersion(store, "acme", "onboard"))?.overlay, overlay(["b"]));
      assert.deepEqual((await getWorkflowVersion(store, "acme", "onboard", 1))?.overlay, overlay(["a"]));
      assert.equal(await getWorkflowVersion(store, "acme", "onboard", 3), undefined);
    });

    test("versions count per client and kind: another client or kind starts at 1", async () => {
      const other = await saveWorkflowVersion(store, {
        clientId: "globex",
        kind: "onboard",
        overlay: overlay(),
        actor: "tech",
      });
      const offboard = await saveWorkflowVersion(store, {
        clientId: "globex",
        kind: "offboard",
        overlay: { ...overlay(), kind: "offboard", extends: "builtin:offboard@1" },
        actor: "tech",
      });
      assert.deepEqual([other.version, offboard.version], [1, 1]);
      assert.equal(await latestWorkflowVersion(store, "initech", "onboard"), undefined);
    });

    test("concurrent saves each get their own version, none lost", async () => {
      const saves = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          saveWorkflowVersion(store, {
            clientId: "initech",
            kind: "onboard",
            overlay: overlay([`s${i}`]),
            actor: `tech-${i}`,
          }),
        ),
      );
      assert.deepEqual(
        saves.map((s) => s.version).sort((x, y) => x - y),
        [1, 2, 3, 4, 5, 6, 7, 8],
      );
      const history = await workflowHistory(store, "initech", "onboard");
      assert.deepEqual(
        history.map((h) => h.version),
        [8, 7, 6, 5, 4, 3, 2, 1],
      );
      // Each version holds the overlay its own save sent, not a neighbour's.
      for (const s of saves) {
        const stored = await getWorkflowVersion(store, "initech", "onboard", s.version);
        assert.equal(stored?.savedBy, `tech-${(s.overlay as { remove: string[] }).remove[0]?.slice(1)}`);
      }
    });

    test("history lists versions newest first with who saved each and what it extends", async () => {
      const history = await workflowHistory(store, "acme", "onboard");
      assert.deepEqual(
        history.map(({ version, savedBy, extends: base }) => ({ version, savedBy, extends: base })),
        [
          { version: 2, savedBy: "lead@msp.example", extends: "builtin:onboard@1" },
          { version: 1, savedBy: "tech@msp.example", extends: "builtin:onboard@1" },
        ],
      );
      assert.ok(history.every((h) => h.savedAt instanceof Date));
    });

    test("every save is audited with its actor and <client>/<kind>@<version>, and the chain holds", async () => {
      const rows = await store.query<{ actor: string; subject: string; detail: { remove: string[] } }>(
        `select actor, subject, detail from audit_log where action = 'workflow.save' and subject like 'acme/%' order by id`,
      );
      assert.deepEqual(
        rows.map((r) => [r.actor, r.subject, r.detail.remove]),
        [
          ["tech@msp.example", "acme/onboard@1", ["a"]],
          ["lead@msp.example", "acme/onboard@2", ["b"]],
        ],
      );
      const concurrent = await store.query<{ subject: string }>(
        `select subject from audit_log where action = 'workflow.save' and subject like 'initech/%'`,
      );
      assert.equal(new Set(concurrent.map((r) => r.subject)).size, 8);
      assert.deepEqual((await verifyAudit(store)).problems, []);
    });

    test("a save for an unknown client is refused as not found and stores nothing", async () => {
      await assert.rejects(
        saveWorkflowVersion(store, {
          clientId: "nobody",
          kind: "onboard",
          overlay: overlay(),
          actor: "tech",
        }),
        (err: Error & { failure?: { kind: string } }) => err.failure?.kind === "not-found",
      );
      const rows = await store.query(`select 1 from workflow_versions where client_id = 'nobody'`);
      assert.equal(rows.length, 0);
    });
  });
}

const pgSkip = await postgresSkipReason();
repoSuite(pgliteUnderTest, false);
repoSuite(postgresUnderTest, pgSkip);
