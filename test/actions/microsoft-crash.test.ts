import assert from "node:assert/strict";
import { test } from "node:test";
import { acme as acmeTenant } from "../../emulators/microsoft365/index.ts";
import { cleanupsAfterAll } from "../support/cleanups.ts";
import {
  acmeInPostgres,
  assertOneUserAndOneEmail,
  killUntilFinished,
  microsoftAt,
  sarahJohnson,
  slowAcmeTenant,
} from "../support/kill-loop.ts";
import { postgresSkipReason } from "../support/stores.ts";

const cleanups = cleanupsAfterAll();

test("kill -9 in the middle of an onboarding resumes with no duplicate user, group add or email", async (t) => {
  const skip = await postgresSkipReason();
  if (skip) return t.skip(skip);
  const m365 = await slowAcmeTenant();
  cleanups.push(() => m365.close());
  // The demo's Acme, its Microsoft side only: the PSA trail has its own crash test (psa-crash.test.ts).
  const microsoft = microsoftAt(m365);
  const { acme, env } = await acmeInPostgres(cleanups, {
    address: microsoft.address,
    credentials: [microsoft.credential],
  });

  const res = await acme.submit("onboard", sarahJohnson, "test");
  assert.ok(res.ok, JSON.stringify(!res.ok && res.errors));
  // Each kill lands while a step is in flight (claimed, calling the emulator); after six the last worker
  // is left to finish.
  const { kills } = await killUntilFinished({
    store: acme.store,
    runId: res.value.runId!,
    env,
    cleanups,
    prefix: "m",
    maxKills: 6,
    timeoutMs: 90_000,
  });

  assertOneUserAndOneEmail(m365);
  const calls = m365.admin.calls({ tenantId: acmeTenant.tenantId });
  const ok = (c: { status: number }) => c.status >= 200 && c.status < 300;
  const adds = calls.filter((c) => c.method === "POST" && c.url.includes("/members/$ref") && ok(c));
  const perGroup = new Map<string, number>();
  for (const c of adds) perGroup.set(c.url, (perGroup.get(c.url) ?? 0) + 1);
  for (const [u, n] of perGroup) assert.equal(n, 1, `${u} added ${n} times`);
  const listAdds = calls.filter((c) => c.cmdlet === "Add-DistributionGroupMember" && ok(c));
  assert.equal(listAdds.length, 2, "each distribution list joined once");
  console.log(`# microsoft crash: ${kills} kills`);
});
