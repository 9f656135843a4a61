import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  calibration,
  latencyProfiles,
  profileDelays,
  welcomeEmailCalibration,
} from "../../../emulators/microsoft365/latency.ts";
import type { Microsoft365Emulator } from "../../../emulators/microsoft365/index.ts";
import { createTenant, graphFor, startEmulator, type Graph } from "./helpers.ts";

const mean = (calls: (keyof typeof latencyProfiles.realistic)[]) =>
  calls.reduce((sum, c) => sum + latencyProfiles.realistic[c].meanMs, 0);

describe("latency profiles", () => {
  it("places each calibrated onboarding step, run one after another, within 5 % of the product page's time", () => {
    let elapsed = 0;
    for (const step of calibration) {
      elapsed += mean(step.calls) + (step.waitMs ?? 0);
      const seconds = elapsed / 1000;
      assert.ok(
        Math.abs(seconds - step.targetSeconds) <= step.targetSeconds * 0.05,
        `${step.step}: ${seconds} s vs ${step.targetSeconds} s`,
      );
    }
    assert.equal(profileDelays.realistic.mailboxProvisioningDelayMs, 27_000);
    const welcome = mean(welcomeEmailCalibration.calls) / 1000;
    assert.ok(Math.abs(welcome - welcomeEmailCalibration.targetSeconds) <= 0.75, String(welcome));
  });

  it("keeps every fast-profile latency within 0–2 ms", () => {
    for (const spec of Object.values(latencyProfiles.fast)) {
      assert.ok(spec.meanMs - spec.meanMs * spec.jitter >= 0 && spec.meanMs + spec.meanMs * spec.jitter <= 2);
    }
  });

  describe("as served", () => {
    let emu: Microsoft365Emulator;
    let graph: Graph;
    before(async () => {
      emu = await startEmulator();
      const tenant = createTenant(emu.admin);
      graph = await graphFor(emu.url, tenant);
    });
    after(() => emu.close());

    it("delays a request by its class's latency once configured", async () => {
      emu.admin.configure({ latency: { directoryRead: { meanMs: 120, jitter: 0 } } });
      const started = performance.now();
      assert.equal((await graph.get("/users")).status, 200);
      assert.ok(performance.now() - started >= 115);
      emu.admin.setProfile("fast");
      const fastStart = performance.now();
      await graph.get("/users");
      assert.ok(performance.now() - fastStart < 100);
    });

    it("names in the call log the latency class each request waited on, which the bench costs calls by", async () => {
      emu.admin.clearCalls();
      assert.equal((await graph.get("/users")).status, 200);
      assert.equal((await graph.get("/subscribedSkus")).status, 200);
      const classes = emu.admin
        .calls()
        .filter((c) => c.api === "graph")
        .map((c) => c.latencyClass);
      assert.deepEqual(classes, ["directoryRead", "licenseRead"]);
    });
  });
});
