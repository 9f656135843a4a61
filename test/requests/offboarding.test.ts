import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseClientConfig, type ClientConfig, type ClientConfigInput } from "../../src/domain/client.ts";
import { offboardingActionKeys } from "../../src/domain/offboarding-actions.ts";
import type { Result } from "../../src/domain/result.ts";
import {
  toOffboardingInput,
  validateOffboarding,
  type OffboardingRequest,
} from "../../src/requests/index.ts";

function client(overrides: Partial<ClientConfigInput> = {}): ClientConfig {
  const parsed = parseClientConfig({
    id: "acme",
    displayName: "Acme Corp",
    domains: ["acme.com", "acme.de"],
    timeZone: "Europe/Berlin",
    usageLocation: "DE",
    offboardingDefaults: {
      forwardTo: { address: "manager", keepCopy: false },
      outOfOffice: "I have left Acme. Please write to info@acme.com.",
      wipeDevices: "retire",
    },
    ...overrides,
  });
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return parsed.value;
}

const acme = client();
const now = new Date("2025-03-01T10:00:00Z");
const body = {
  client: "acme",
  user: "Jane.Doe@Acme.com",
  lastDay: "2025-03-31T17:00",
  requester: "hr@acme.com",
};

function accepted(result: Result<OffboardingRequest>): OffboardingRequest {
  assert.ok(result.ok, JSON.stringify(result));
  return result.value;
}

function rejected(result: Result<OffboardingRequest>): Record<string, string> {
  assert.ok(!result.ok, "expected the request to be rejected");
  return Object.fromEntries(result.errors.map((e) => [e.field, e.message]));
}

test("a minimal request takes every action from the client's defaults", () => {
  assert.deepEqual(accepted(validateOffboarding(body, acme, now)), {
    kind: "offboard",
    clientId: "acme",
    user: "jane.doe@acme.com",
    startAt: "2025-03-31T15:00:00.000Z",
    startLocal: "2025-03-31T17:00 Europe/Berlin",
    startNow: false,
    timeZone: "Europe/Berlin",
    actions: { ...acme.offboardingDefaults },
    approval: "none",
    requester: "hr@acme.com",
  });
});

test("actions given in the request override the defaults key by key", () => {
  const r = accepted(
    validateOffboarding(
      { ...body, actions: { removeMfa: false, wipeDevices: "wipe", grantAccessTo: "Boss@Acme.de" } },
      acme,
      now,
    ),
  );
  assert.equal(r.actions.removeMfa, false);
  assert.equal(r.actions.wipeDevices, "wipe");
  assert.equal(r.actions.grantAccessTo, "boss@acme.de");
  assert.deepEqual(r.actions.forwardTo, { address: "manager", keepCopy: false });
  assert.equal(r.actions.disableAccount, true);
});

test("false switches off a defaulted mailbox option, while a blank one keeps the default", () => {
  const off = accepted(
    validateOffboarding({ ...body, actions: { forwardTo: false, outOfOffice: false } }, acme, now),
  );
  assert.ok(!("forwardTo" in off.actions) && !("outOfOffice" in off.actions));
  const blank = accepted(validateOffboarding({ ...body, actions: { outOfOffice: "  " } }, acme, now));
  assert.equal(blank.actions.outOfOffice, acme.offboardingDefaults.outOfOffice);
});

test("forwarding keeps a copy unless told otherwise", () => {
  const r = accepted(
    validateOffboarding({ ...body, actions: { forwardTo: { address: "Team@acme.com" } } }, acme, now),
  );
  assert.deepEqual(r.actions.forwardTo, { address: "team@acme.com", keepCopy: true });
});

test("deleteUser together with chosen mailbox options is rejected naming the conflicting fields", () => {
  const errors = rejected(
    validateOffboarding(
      { ...body, actions: { deleteUser: true, convertToShared: true, grantAccessTo: "manager" } },
      acme,
      now,
    ),
  );
  assert.match(errors["actions.deleteUser"] ?? "", /convertToShared, grantAccessTo/);
  assert.ok(errors["actions.convertToShared"]);
  assert.ok(errors["actions.grantAccessTo"]);
});

test("deleteUser makes defaulted mailbox options yield instead of failing", () => {
  const r = accepted(validateOffboarding({ ...body, actions: { deleteUser: true } }, acme, now));
  assert.equal(r.actions.deleteUser, true);
  assert.equal(r.actions.convertToShared, false);
  assert.ok(!("forwardTo" in r.actions) && !("outOfOffice" in r.actions) && !("grantAccessTo" in r.actions));
});

test("a chosen mailbox option wins over a client default of deleting the user", () => {
  const deleting = client({ offboardingDefaults: { deleteUser: true, convertToShared: false } });
  const r = accepted(validateOffboarding({ ...body, actions: { convertToShared: true } }, deleting, now));
  assert.deepEqual([r.actions.deleteUser, r.actions.convertToShared], [false, true]);
});

test("forwarding to or granting access to the leaver is rejected", () => {
  const errors = rejected(
    validateOffboarding(
      {
        ...body,
        actions: { forwardTo: { address: "jane.doe@acme.com" }, grantAccessTo: "JANE.DOE@acme.com" },
      },
      acme,
      now,
    ),
  );
  assert.deepEqual(Object.keys(errors).sort(), ["actions.forwardTo.address", "actions.grantAccessTo"]);
});

test("access can only be granted to the manager or someone in the client's domains", () => {
  assert.ok(
    rejected(validateOffboarding({ ...body, actions: { grantAccessTo: "x@gmail.com" } }, acme, now))[
      "actions.grantAccessTo"
    ],
  );
  assert.equal(
    accepted(validateOffboarding({ ...body, actions: { grantAccessTo: "Manager" } }, acme, now)).actions
      .grantAccessTo,
    "manager",
  );
});

test("mail may be forwarded outside the client's domains", () => {
  const r = accepted(
    validateOffboarding(
      { ...body, actions: { forwardTo: { address: "jane@partner.org", keepCopy: false } } },
      acme,
      now,
    ),
  );
  assert.equal(r.actions.forwardTo?.address, "jane@partner.org");
});

test("a leaver outside the client's domains is rejected", () => {
  assert.ok(rejected(validateOffboarding({ ...body, user: "jane@globex.com" }, acme, now)).user);
});

test("unknown keys are rejected at the top and inside actions", () => {
  assert.deepEqual(rejected(validateOffboarding({ ...body, why: "x", actions: { wipe: true } }, acme, now)), {
    why: "is not a known field",
    "actions.wipe": "is not a known field",
  });
});

test("action values of the wrong shape name the action", () => {
  const errors = rejected(
    validateOffboarding(
      { ...body, actions: { removeMfa: "yes", wipeDevices: "nuke", forwardTo: "boss@acme.com" } },
      acme,
      now,
    ),
  );
  assert.deepEqual(Object.keys(errors).sort(), [
    "actions.forwardTo",
    "actions.removeMfa",
    "actions.wipeDevices",
  ]);
});

test("approval follows the client's policy unless the request asks for one", () => {
  assert.equal(accepted(validateOffboarding(body, acme, now)).approval, "none");
  assert.equal(
    accepted(validateOffboarding({ ...body, requiresApproval: true }, acme, now)).approval,
    "manager",
  );
  const strict = client({ approval: { offboarding: "technician" } });
  assert.equal(accepted(validateOffboarding(body, strict, now)).approval, "technician");
  assert.match(
    rejected(validateOffboarding({ ...body, requiresApproval: false }, strict, now)).requiresApproval ?? "",
    /approval by MSP staff who may approve/,
  );
  // The object form is kept as the client wrote it, and refused off in its own words.
  const named = client({
    approval: { offboarding: { approvers: ["manager", { email: "ceo@acme.example.com" }] } },
  });
  assert.deepEqual(accepted(validateOffboarding(body, named, now)).approval, {
    approvers: ["manager", { email: "ceo@acme.example.com" }],
  });
  assert.match(
    rejected(validateOffboarding({ ...body, requiresApproval: false }, named, now)).requiresApproval ?? "",
    /approval by the manager or ceo@acme\.example\.com/,
  );
});

test("the last day follows the start-time rules: now, local time, DST gap and past", () => {
  assert.equal(accepted(validateOffboarding({ ...body, lastDay: "now" }, acme, now)).startNow, true);
  assert.match(
    rejected(validateOffboarding({ ...body, lastDay: "2025-03-30T02:15" }, acme, now)).lastDay ?? "",
    /does not exist/,
  );
  assert.match(
    rejected(validateOffboarding({ ...body, lastDay: "2025-02-28T17:00" }, acme, now)).lastDay ?? "",
    /use "now"/,
  );
  assert.match(
    rejected(validateOffboarding({ ...body, lastDay: undefined }, acme, now)).lastDay ?? "",
    /is required/,
  );
});

test("validation never throws, whatever the input", () => {
  fc.assert(
    fc.property(fc.anything(), (input) => {
      validateOffboarding(input, acme, now);
    }),
  );
});

const actionValues = fc.dictionary(fc.constantFrom(...offboardingActionKeys, "bogus"), fc.anything());

test("validation never throws when actions hold arbitrary values", () => {
  fc.assert(
    fc.property(actionValues, fc.anything(), (actions, requiresApproval) => {
      validateOffboarding({ ...body, actions, requiresApproval }, acme, now);
    }),
  );
});

test("every rejection names at least one field and says why", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.anything(),
        actionValues.map((actions) => ({ ...body, actions })),
      ),
      (input) => {
        const r = validateOffboarding(input, acme, now);
        if (r.ok) return;
        assert.ok(r.errors.length > 0);
        for (const e of r.errors) {
          assert.ok(e.field.length > 0);
          assert.ok(e.message.length > 0);
        }
      },
    ),
  );
});

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const validActions = fc.record(
  {
    disableAccount: maybe(fc.boolean()),
    removeMfa: maybe(fc.boolean()),
    convertToShared: maybe(fc.boolean()),
    forwardTo: maybe(
      fc.oneof(
        fc.constant(false as const),
        fc.record({
          address: fc.constantFrom("manager", "Boss@acme.com", "x@partner.org"),
          keepCopy: fc.boolean(),
        }),
      ),
    ),
    outOfOffice: maybe(fc.oneof(fc.constant(false as const), fc.constantFrom("Gone.", "  Left us.\nBye  "))),
    grantAccessTo: maybe(fc.oneof(fc.constant(false as const), fc.constantFrom("manager", "boss@ACME.de"))),
    hideFromAddressList: maybe(fc.boolean()),
    removeMobileDevices: maybe(fc.boolean()),
    wipeDevices: maybe(fc.constantFrom("none", "retire", "wipe")),
    removeGroups: maybe(fc.boolean()),
    removeLicenses: maybe(fc.boolean()),
    moveToDisabledOu: maybe(fc.boolean()),
    deactivatePsaContact: maybe(fc.boolean()),
    updateDocumentation: maybe(fc.boolean()),
    notifySupervisor: maybe(fc.boolean()),
    deleteUser: maybe(fc.boolean()),
  },
  { requiredKeys: [] },
);
const validBody = fc.record(
  {
    client: fc.constant("acme"),
    user: fc.constantFrom("jane@acme.com", "Max.Power@ACME.de"),
    lastDay: fc.oneof(
      fc.constant("now"),
      fc.constantFrom("2025-03-31T17:00", "2025-12-31T23:59:59", "2026-01-01T08:00:00+01:00"),
    ),
    actions: maybe(validActions),
    requiresApproval: maybe(fc.boolean()),
    ticket: maybe(fc.constantFrom("T20250101.0001", "#99")),
    requester: fc.constantFrom("HR@acme.com", "Max Mustermann"),
    reason: maybe(fc.constant("Resigned")),
    notes: maybe(fc.constant("Keep the laptop.")),
  },
  { requiredKeys: ["client", "user", "lastDay", "requester"] },
);

test("a valid request round-trips through its input form to the same request", () => {
  fc.assert(
    fc.property(validBody, (input) => {
      const first = validateOffboarding(input, acme, now);
      // Explicit deleteUser with an explicit mailbox option is a rejection tested above.
      fc.pre(first.ok);
      assert.deepEqual(validateOffboarding(toOffboardingInput(first.value), acme, now), first);
    }),
  );
});

test("whatever is chosen, an accepted request never deletes the user while keeping the mailbox", () => {
  fc.assert(
    fc.property(validBody, (input) => {
      const r = validateOffboarding(input, acme, now);
      if (!r.ok || !r.value.actions.deleteUser) return;
      const a = r.value.actions;
      assert.deepEqual(
        [a.convertToShared, a.forwardTo, a.outOfOffice, a.grantAccessTo],
        [false, undefined, undefined, undefined],
      );
    }),
  );
});
