import { test } from "node:test";
import assert from "node:assert/strict";
import { parseClientConfig, type ClientConfigInput } from "../../src/domain/client.ts";
import { fromZod } from "../../src/domain/result.ts";
import { z } from "zod";

const minimal: ClientConfigInput = {
  id: "acme",
  displayName: "Acme Corp",
  domains: ["acme.com"],
  timeZone: "Europe/Berlin",
  usageLocation: "DE",
};

function errorsFor(input: unknown): Record<string, string> {
  const parsed = parseClientConfig(input);
  assert.equal(parsed.ok, false, "expected the config to be rejected");
  return parsed.ok ? {} : Object.fromEntries(parsed.errors.map((e) => [e.field, e.message]));
}

test("a minimal config is accepted with every default filled in", () => {
  const parsed = parseClientConfig(minimal);
  assert.ok(parsed.ok);
  const c = parsed.value;
  assert.deepEqual(c.usernameFormat, { pattern: "{first}.{last}", collision: "numeric-suffix" });
  assert.deepEqual(c.transliteration, { umlauts: "expand" });
  assert.deepEqual(c.approval, { onboarding: "none", offboarding: "none", expiresAfterHours: 72 });
  assert.deepEqual(
    [c.systems, c.serve, c.licensesByRole, c.groupsByDepartment, c.variables],
    [{}, {}, {}, {}, {}],
  );
  assert.equal(c.identity.temporaryAccessPass.enabled, true);
  assert.deepEqual(c.identity.conditionalAccessGroups, []);
  assert.equal(c.licensing.whenNoSeat, "fail");
  assert.deepEqual(c.preflight, { unknownDepartment: "error", unknownRole: "error" });
  assert.deepEqual(c.customFields, []);
  assert.equal(c.offboardingDefaults.disableAccount, true);
  assert.equal(c.offboardingDefaults.deleteUser, false);
  assert.equal(c.offboardingDefaults.wipeDevices, "none");
});

test("domains, zone and country are normalised to their canonical spelling", () => {
  const parsed = parseClientConfig({
    ...minimal,
    domains: [" Acme.COM ", "acme.de"],
    timeZone: "europe/berlin",
    usageLocation: "de",
  });
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value.domains, ["acme.com", "acme.de"]);
  assert.equal(parsed.value.timeZone, "Europe/Berlin");
  assert.equal(parsed.value.usageLocation, "DE");
});

test("a bad id, domain, zone or country is rejected naming each field", () => {
  const errors = errorsFor({
    ...minimal,
    id: "Acme Corp",
    domains: ["not a domain"],
    timeZone: "Mars/Base",
    usageLocation: "UK",
  });
  assert.deepEqual(Object.keys(errors).sort(), ["domains.0", "id", "timeZone", "usageLocation"]);
});

test("an empty domain list is rejected", () => {
  assert.ok(errorsFor({ ...minimal, domains: [] }).domains);
});

test("a repeated domain is rejected", () => {
  assert.match(errorsFor({ ...minimal, domains: ["acme.com", "acme.com"] }).domains ?? "", /twice/);
});

test("a username pattern with an unknown token is rejected with the token named", () => {
  const errors = errorsFor({ ...minimal, usernameFormat: { pattern: "{first}.{surname}" } });
  assert.match(errors["usernameFormat.pattern"] ?? "", /\{surname\}/);
});

test("unknown keys are rejected at any depth so a typo in a config file is never ignored", () => {
  const errors = errorsFor({ ...minimal, usernameFromat: {}, approval: { onbaording: "manager" } });
  assert.equal(errors.usernameFromat, "is not a known field");
  assert.equal(errors["approval.onbaording"], "is not a known field");
});

test("a credential that looks like a secret rather than a reference is rejected", () => {
  const errors = errorsFor({
    ...minimal,
    systems: { entra: { connector: "msgraph", credential: "Xy8Q~abcDEF12345+/==" } },
  });
  assert.ok(errors["systems.entra.credential"]);
  assert.ok(
    parseClientConfig({
      ...minimal,
      systems: {
        entra: { connector: "msgraph", credential: "cred_01HZX3" },
        halo: { connector: "halopsa", credential: "vault/acme/halo" },
      },
    }).ok,
  );
});

test("approval expiry outside 1–720 hours is rejected", () => {
  assert.ok(errorsFor({ ...minimal, approval: { expiresAfterHours: 0 } })["approval.expiresAfterHours"]);
  assert.ok(errorsFor({ ...minimal, approval: { expiresAfterHours: 721 } })["approval.expiresAfterHours"]);
  assert.ok(errorsFor({ ...minimal, approval: { expiresAfterHours: 1.5 } })["approval.expiresAfterHours"]);
});

test("limits need a positive concurrency and rate", () => {
  const errors = errorsFor({
    ...minimal,
    systems: { entra: { connector: "msgraph", limits: { concurrency: 0, ratePerSecond: 0 } } },
  });
  assert.deepEqual(Object.keys(errors).sort(), [
    "systems.entra.limits.concurrency",
    "systems.entra.limits.ratePerSecond",
  ]);
});

test("serve names one of the client's own systems", () => {
  assert.match(errorsFor({ ...minimal, serve: { directory: "ad" } })["serve.directory"] ?? "", /not one of/);
});

test("offboarding defaults that delete the user cannot also keep the mailbox", () => {
  const errors = errorsFor({
    ...minimal,
    offboardingDefaults: { deleteUser: true, convertToShared: true, grantAccessTo: "manager" },
  });
  assert.deepEqual(Object.keys(errors).sort(), [
    "offboardingDefaults.convertToShared",
    "offboardingDefaults.grantAccessTo",
  ]);
});

test("repeated custom field keys are rejected", () => {
  const field = { key: "costCentre", label: "Cost centre" };
  assert.ok(errorsFor({ ...minimal, customFields: [field, field] }).customFields);
});

test("a config that is not an object is rejected naming the config as the field", () => {
  assert.deepEqual(errorsFor("acme"), { config: "must be an object" });
});

test("zod issues become dotted field paths with plain messages", () => {
  const schema = z.strictObject({ a: z.strictObject({ b: z.array(z.string()) }), c: z.string() });
  const parsed = schema.safeParse({ a: { b: ["x", 3] }, d: 1 }, { reportInput: true });
  assert.ok(!parsed.success);
  assert.deepEqual(fromZod(parsed.error), [
    { field: "a.b.1", message: "must be text" },
    { field: "c", message: "is required" },
    { field: "d", message: "is not a known field" },
  ]);
});

test("HR contacts default to none and are lowercased; a bad or repeated address names its field", () => {
  const parsed = parseClientConfig({ ...minimal, hrContacts: ["HR@Acme.com", "people@acme.com"] });
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value.hrContacts, ["hr@acme.com", "people@acme.com"]);
  const defaulted = parseClientConfig(minimal);
  assert.deepEqual(defaulted.ok && defaulted.value.hrContacts, []);
  assert.match(errorsFor({ ...minimal, hrContacts: ["hr"] })["hrContacts.0"] ?? "", /email address/);
  assert.match(
    errorsFor({ ...minimal, hrContacts: ["hr@acme.com", "HR@acme.com"] }).hrContacts ?? "",
    /twice/,
  );
  assert.ok(
    errorsFor({ ...minimal, hrContacts: Array.from({ length: 21 }, (_, i) => `hr${i}@acme.com`) }).hrContacts,
  );
});

test("names refuse pictographs by default; strip is the only other choice", () => {
  const parsed = parseClientConfig(minimal);
  assert.deepEqual(parsed.ok && parsed.value.names, { pictographs: "refuse" });
  assert.ok(errorsFor({ ...minimal, names: { pictographs: "keep" } })["names.pictographs"]);
});
