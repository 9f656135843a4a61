import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseClientConfig, type ClientConfig, type ClientConfigInput } from "../../src/domain/client.ts";
import type { Result } from "../../src/domain/result.ts";
import { toOnboardingInput, validateOnboarding, type OnboardingRequest } from "../../src/requests/index.ts";

function client(overrides: Partial<ClientConfigInput> = {}): ClientConfig {
  const parsed = parseClientConfig({
    id: "acme",
    displayName: "Acme Corp",
    domains: ["acme.com", "acme.de"],
    timeZone: "Europe/Berlin",
    usageLocation: "DE",
    licensesByRole: { staff: ["SPB"], frontline: ["SPE_F1"] },
    customFields: [
      { key: "costCentre", label: "Cost centre", required: true },
      { key: "badge", label: "Badge number" },
    ],
    ...overrides,
  });
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return parsed.value;
}

const acme = client();
const now = new Date("2025-03-01T10:00:00Z");
const body = {
  client: "acme",
  firstName: "Jane",
  lastName: "Doe",
  start: "2025-06-02T09:00",
  requester: "boss@acme.com",
  customFields: { costCentre: "CC-100" },
};

function accepted(result: Result<OnboardingRequest>): OnboardingRequest {
  assert.ok(result.ok, JSON.stringify(result));
  return result.value;
}

function rejected(result: Result<OnboardingRequest>): Record<string, string> {
  assert.ok(!result.ok, "expected the request to be rejected");
  return Object.fromEntries(result.errors.map((e) => [e.field, e.message]));
}

test("a minimal request is accepted with the client's defaults filled in", () => {
  assert.deepEqual(accepted(validateOnboarding(body, acme, now)), {
    kind: "onboard",
    clientId: "acme",
    firstName: "Jane",
    lastName: "Doe",
    displayName: "Jane Doe",
    domain: "acme.com",
    startAt: "2025-06-02T07:00:00.000Z",
    startLocal: "2025-06-02T09:00 Europe/Berlin",
    startNow: false,
    timeZone: "Europe/Berlin",
    extraGroups: [],
    extraLicenses: [],
    sharedMailboxes: [],
    requester: "boss@acme.com",
    customFields: { costCentre: "CC-100" },
    approval: "none",
  });
});

test("strings are trimmed, blank fields count as absent and addresses are lowercased", () => {
  const r = accepted(
    validateOnboarding(
      {
        ...body,
        firstName: "  Jane ",
        jobTitle: "   ",
        manager: " Max.Mustermann@ACME.com ",
        domain: "ACME.de",
        requester: "Boss@Acme.com",
        extraGroups: ["Sales", "", " Sales "],
      },
      acme,
      now,
    ),
  );
  assert.equal(r.firstName, "Jane");
  assert.equal(r.jobTitle, undefined);
  assert.ok(!("jobTitle" in r));
  assert.equal(r.manager, "max.mustermann@acme.com");
  assert.equal(r.domain, "acme.de");
  assert.equal(r.requester, "boss@acme.com");
  assert.deepEqual(r.extraGroups, ["Sales"]);
});

test("a requester given as a name keeps its spelling", () => {
  assert.equal(
    accepted(validateOnboarding({ ...body, requester: "Max Mustermann" }, acme, now)).requester,
    "Max Mustermann",
  );
});

test("an unknown top-level key is rejected naming the key", () => {
  assert.deepEqual(rejected(validateOnboarding({ ...body, surname: "Doe" }, acme, now)), {
    surname: "is not a known field",
  });
});

test("missing first name, last name, start and requester are each reported as required", () => {
  const errors = rejected(validateOnboarding({ client: "acme" }, acme, now));
  assert.equal(errors.firstName, "is required");
  assert.equal(errors.lastName, "is required");
  assert.equal(errors.requester, "is required");
  assert.match(errors.start ?? "", /^is required/);
});

test("a body for another client is rejected", () => {
  assert.match(rejected(validateOnboarding({ ...body, client: "globex" }, acme, now)).client ?? "", /acme/);
});

test("a domain the client does not own is rejected listing the client's domains", () => {
  assert.match(
    rejected(validateOnboarding({ ...body, domain: "evil.com" }, acme, now)).domain ?? "",
    /acme\.com, acme\.de/,
  );
});

test("a role is kept as given: whether the client knows it is the pre-flight's to judge", () => {
  assert.equal(accepted(validateOnboarding({ ...body, role: "staff" }, acme, now)).role, "staff");
  assert.equal(accepted(validateOnboarding({ ...body, role: "boss" }, acme, now)).role, "boss");
});

test("a username override is lowercased and must use the username characters", () => {
  assert.equal(accepted(validateOnboarding({ ...body, username: "JDoe" }, acme, now)).username, "jdoe");
  assert.ok(rejected(validateOnboarding({ ...body, username: "j doe" }, acme, now)).username);
  assert.ok(rejected(validateOnboarding({ ...body, username: "j..doe" }, acme, now)).username);
});

test("a name with no latin letters is rejected unless a username is given", () => {
  const cjk = { ...body, firstName: "美咲", lastName: "佐藤" };
  const errors = rejected(validateOnboarding(cjk, acme, now));
  assert.match(errors.firstName ?? "", /give a username/);
  assert.equal(
    accepted(validateOnboarding({ ...cjk, username: "misaki.sato" }, acme, now)).username,
    "misaki.sato",
  );
});

test("references to directory users must be in the client's domains", () => {
  const errors = rejected(
    validateOnboarding(
      {
        ...body,
        manager: "max@gmail.com",
        copyFrom: "x@evil.com",
        sharedMailboxes: ["info@acme.com", "ops@other.org"],
      },
      acme,
      now,
    ),
  );
  assert.deepEqual(Object.keys(errors).sort(), ["copyFrom", "manager", "sharedMailboxes.1"]);
});

test("a personal phone number is normalised to E.164 and a malformed one is rejected", () => {
  assert.equal(
    accepted(validateOnboarding({ ...body, personalPhone: "+49 (170) 123-4567" }, acme, now)).personalPhone,
    "+491701234567",
  );
  assert.ok(
    rejected(validateOnboarding({ ...body, personalPhone: "0170 1234567" }, acme, now)).personalPhone,
  );
});

test("a ticket quoted with # is stored without it", () => {
  assert.equal(accepted(validateOnboarding({ ...body, ticket: "#4711" }, acme, now)).ticket, "4711");
});

test("a required custom field that is missing is named, and unknown custom fields are rejected", () => {
  const { customFields: _c, ...withoutCustom } = body;
  assert.deepEqual(rejected(validateOnboarding(withoutCustom, acme, now)), {
    "customFields.costCentre": "is required (Cost centre)",
  });
  assert.deepEqual(
    rejected(validateOnboarding({ ...body, customFields: { costCentre: "1", shoe: "42" } }, acme, now)),
    {
      "customFields.shoe": "is not a field this client defines",
    },
  );
});

test("the manager is required when the client's onboardings are approved by the manager", () => {
  const strict = client({ approval: { onboarding: "manager" } });
  assert.ok(rejected(validateOnboarding(body, strict, now)).manager);
  const r = accepted(validateOnboarding({ ...body, manager: "max@acme.com" }, strict, now));
  assert.equal(r.approval, "manager");
});

const startTable: [start: unknown, startAt: string, startLocal: string][] = [
  ["2025-06-02T09:00", "2025-06-02T07:00:00.000Z", "2025-06-02T09:00 Europe/Berlin"],
  ["2025-12-01T09:00:30", "2025-12-01T08:00:30.000Z", "2025-12-01T09:00:30 Europe/Berlin"],
  ["2025-06-02T07:00:00Z", "2025-06-02T07:00:00.000Z", "2025-06-02T09:00 Europe/Berlin"],
  ["2025-06-02T09:00:00+02:00", "2025-06-02T07:00:00.000Z", "2025-06-02T09:00 Europe/Berlin"],
  // The clocks show 02:30 twice on 26 October; the first occurrence is still summer time.
  ["2025-10-26T02:30", "2025-10-26T00:30:00.000Z", "2025-10-26T02:30 Europe/Berlin"],
  ["now", "2025-03-01T10:00:00.000Z", "2025-03-01T11:00 Europe/Berlin"],
  [{ now: true }, "2025-03-01T10:00:00.000Z", "2025-03-01T11:00 Europe/Berlin"],
];

for (const [start, startAt, startLocal] of startTable) {
  test(`start ${JSON.stringify(start)} in Europe/Berlin begins at ${startAt}`, () => {
    const r = accepted(validateOnboarding({ ...body, start }, acme, now));
    assert.deepEqual(
      [r.startAt, r.startLocal, r.startNow],
      [startAt, startLocal, start === "now" || typeof start === "object"],
    );
  });
}

test("a start in the DST gap of Europe/Berlin is rejected with a clear message", () => {
  const message = rejected(validateOnboarding({ ...body, start: "2025-03-30T02:30" }, acme, now)).start ?? "";
  assert.match(message, /does not exist in Europe\/Berlin/);
  assert.match(message, /2025-03-30T03:30/);
});

test("a start in the past is rejected telling the user to use now", () => {
  assert.match(
    rejected(validateOnboarding({ ...body, start: "2025-03-01T10:00" }, acme, now)).start ?? "",
    /use "now"/,
  );
});

test("a start less than a minute in the past is accepted", () => {
  assert.ok(validateOnboarding({ ...body, start: "2025-03-01T10:59:30" }, acme, now).ok);
});

test("impossible dates, dates without a time and other shapes are rejected", () => {
  for (const start of [
    "2025-02-30T09:00",
    "2025-06-02",
    "next monday",
    1748847600000,
    { now: false },
    "2025-06-02T25:00",
  ]) {
    assert.ok(rejected(validateOnboarding({ ...body, start }, acme, now)).start, JSON.stringify(start));
  }
});

test("validation never throws, whatever the input", () => {
  fc.assert(
    fc.property(fc.anything(), (input) => {
      validateOnboarding(input, acme, now);
    }),
  );
});

const knownKeys = [
  ...Object.keys(body),
  "middleName",
  "displayName",
  "domain",
  "username",
  "manager",
  "role",
  "extraGroups",
  "personalPhone",
];

test("validation never throws when known fields hold arbitrary values", () => {
  fc.assert(
    fc.property(fc.dictionary(fc.constantFrom(...knownKeys), fc.anything()), (fields) => {
      validateOnboarding({ ...body, ...fields }, acme, now);
    }),
  );
});

test("every rejection names at least one field and says why", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.anything(),
        fc.dictionary(fc.constantFrom(...knownKeys, "extra"), fc.anything()).map((f) => ({ ...body, ...f })),
      ),
      (input) => {
        const r = validateOnboarding(input, acme, now);
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

const name = fc.constantFrom(
  "Jane",
  "José María",
  "Zoë",
  "Seán",
  "Mary-Kate",
  "Łukasz",
  "Ødegaard",
  "de la Cruz",
  "O'Brien",
  "Müller",
);
const optionalText = fc.option(fc.constantFrom("Sales", "  Finance ", "", "R&D"), { nil: undefined });
const future = fc.integer({ min: 0, max: 2 * 365 * 24 * 60 }).map((minutes) => {
  const d = new Date(now.getTime() + minutes * 60_000 + 60_000 * 60 * 24);
  return d.toISOString().slice(0, 16);
});
const validBody = fc.record(
  {
    client: fc.constant("acme"),
    firstName: name,
    lastName: name,
    middleName: fc.option(name, { nil: undefined }),
    displayName: fc.option(fc.constant("Jay Doe"), { nil: undefined }),
    domain: fc.option(fc.constantFrom("acme.com", "ACME.DE"), { nil: undefined }),
    username: fc.option(fc.constantFrom("jdoe", "J.Doe"), { nil: undefined }),
    manager: fc.option(fc.constant("Max@Acme.com"), { nil: undefined }),
    department: optionalText,
    jobTitle: optionalText,
    role: fc.option(fc.constantFrom("staff", "frontline"), { nil: undefined }),
    office: optionalText,
    employeeId: fc.option(fc.constant("E-1"), { nil: undefined }),
    start: fc.oneof(
      fc.constant("now"),
      future,
      future.map((s) => `${s}:00Z`),
    ),
    copyFrom: fc.option(fc.constant("tmpl@acme.com"), { nil: undefined }),
    extraGroups: fc.option(fc.array(fc.constantFrom("Sales", "VPN", "")), { nil: undefined }),
    extraLicenses: fc.option(fc.array(fc.constantFrom("SPB", "POWER_BI_PRO")), { nil: undefined }),
    sharedMailboxes: fc.option(fc.array(fc.constantFrom("info@acme.com", "Sales@Acme.de")), {
      nil: undefined,
    }),
    deviceSerial: fc.option(fc.constant("5CG1234XYZ"), { nil: undefined }),
    personalEmail: fc.option(fc.constant("Jane@Example.org"), { nil: undefined }),
    personalPhone: fc.option(fc.constant("+44 20 7946 0958"), { nil: undefined }),
    ticket: fc.option(fc.constantFrom("#123", "T20250101.0001"), { nil: undefined }),
    requester: fc.constantFrom("boss@acme.com", "Max Mustermann"),
    notes: fc.option(fc.constant("Needs a laptop.\nStarts remote."), { nil: undefined }),
    customFields: fc.record({
      costCentre: fc.constant("CC1"),
      badge: fc.option(fc.constant("77"), { nil: undefined }),
    }),
  },
  { requiredKeys: ["client", "firstName", "lastName", "start", "requester", "customFields"] },
);

test("a valid request round-trips through its input form to the same request", () => {
  fc.assert(
    fc.property(validBody, (input) => {
      const first = validateOnboarding(input, acme, now);
      // A generated local time may fall in a DST gap: that rejection is tested above.
      fc.pre(first.ok || !first.errors.every((e) => e.field === "start"));
      const request = accepted(first);
      assert.deepEqual(validateOnboarding(toOnboardingInput(request), acme, now), first);
      assert.deepEqual(JSON.parse(JSON.stringify(request)), request);
    }),
  );
});
