import { test } from "node:test";
import assert from "node:assert/strict";
import { offboardCommand, formCommand } from "../../src/cli/commands/requests.ts";
import type { CliContext } from "../../src/cli/commands/context.ts";
import { CliError } from "../../src/cli/api.ts";
import { directApi } from "../../src/cli/direct-api.ts";
import { parseClientConfig, type ClientConfig } from "../../src/domain/client.ts";
import { singleLine } from "../../src/domain/fields.ts";
import { offboardingActionKeys } from "../../src/domain/offboarding-actions.ts";
import { ok } from "../../src/domain/result.ts";
import {
  cliFlags,
  defineForm,
  describeForm,
  formDocument,
  offboardingActionFields,
  offboardingForm,
  onboardingForm,
  type FieldDescription,
  type FormOutline,
} from "../../src/requests/index.ts";
import { checkbox, group, text } from "../../src/requests/kit/field-kinds.ts";
import { validateForm } from "../../src/requests/kit/validation.ts";
import { jsonSchemaOf } from "../../src/server/zod.ts";
import { stubStore } from "../server/helpers.ts";

function client(): ClientConfig {
  const parsed = parseClientConfig({
    id: "acme",
    displayName: "Acme Corp",
    domains: ["acme.com", "acme.de"],
    timeZone: "Europe/Berlin",
    usageLocation: "DE",
    licensesByRole: { staff: ["SPB"] },
    groupsByDepartment: { Sales: ["Sales Team"] },
    customFields: [{ key: "costCentre", label: "Cost centre", required: true }],
    offboardingDefaults: { wipeDevices: "retire", removeMfa: false },
    approval: { offboarding: "manager" },
  });
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return parsed.value;
}

const acme = client();
const ctx = { client: acme, now: new Date("2025-03-01T10:00:00Z") };

type JsonSchema = { properties: Record<string, JsonSchema & { title?: string }>; required?: string[] };
const documentOf = (form: FormOutline) => jsonSchemaOf(formDocument(form), "input") as unknown as JsonSchema;

/** Runs a form's command with `argv` and returns the body it would submit (nothing is submitted). */
async function bodyFromCli(form: FormOutline, argv: string[]): Promise<Record<string, unknown>> {
  let body: Record<string, unknown> | undefined;
  const cli: CliContext = {
    env: {},
    actor: "tech@msp.example",
    out: () => undefined,
    err: () => undefined,
    setExitCode: () => undefined,
    connect: async () => ({
      ...directApi(stubStore(async () => [])),
      submit: async (_kind, submitted) => {
        body = submitted;
        throw new CliError("captured", 1);
      },
    }),
  };
  const cmd = formCommand(cli, "onboard", form, "test").exitOverride();
  await assert.rejects(cmd.parseAsync(argv, { from: "user" }), /captured/);
  assert.ok(body, "the command never submitted");
  return body;
}

// The proof that a form is declared in one place: one field added to a definition appears in the
// validator, the OpenAPI document, the CLI and the console, with nothing else edited.
test("a field added to the onboarding definition is validated, documented, a CLI flag and in the console", async () => {
  const withPronouns = defineForm({
    ...onboardingForm,
    fields: {
      ...onboardingForm.fields,
      pronouns: text({ label: "Pronouns", help: "As the new hire gives them.", value: singleLine(40) }),
    },
    rules: [],
    build: (values) => ok(values.pronouns),
  });
  const body = {
    client: "acme",
    firstName: "Jane",
    lastName: "Doe",
    start: "now",
    requester: "hr@acme.com",
    customFields: { costCentre: "1" },
  };

  assert.deepEqual(validateForm(withPronouns, { ...body, pronouns: " she/her " }, ctx), ok("she/her"));
  assert.deepEqual(validateForm(withPronouns, { ...body, pronouns: 42 }, ctx), {
    ok: false,
    errors: [{ field: "pronouns", message: "must be text" }],
  });
  assert.equal(validateForm(onboardingForm, { ...body, pronouns: "she/her" }, ctx).ok, false);

  const documented = documentOf(withPronouns).properties.pronouns;
  assert.equal(documented?.title, "Pronouns");
  assert.ok(!("pronouns" in documentOf(onboardingForm).properties));

  assert.ok(cliFlags(withPronouns).some((f) => f.name === "pronouns" && f.value));
  const fromCli = await bodyFromCli(withPronouns, [
    "--client",
    "acme",
    "--first-name",
    "Jane",
    "--last-name",
    "Doe",
    "--now",
    "--pronouns",
    "she/her",
  ]);
  assert.equal(fromCli.pronouns, "she/her");

  const described = describeForm(withPronouns, acme).fields.find((f) => f.key === "pronouns");
  assert.deepEqual(described, {
    key: "pronouns",
    kind: "text",
    label: "Pronouns",
    help: "As the new hire gives them.",
    required: false,
  });
});

test("a checkbox added to the offboarding actions gets --x / --no-x, a document entry and a console entry", async () => {
  const { actions } = offboardingForm.fields;
  const withArchive = defineForm({
    ...offboardingForm,
    fields: {
      ...offboardingForm.fields,
      actions: group({
        label: actions.label,
        fields: { ...offboardingActionFields, archiveMailbox: checkbox({ label: "Archive the mailbox" }) },
        defaults: (c) => ({ ...c.offboardingDefaults, archiveMailbox: true }),
      }),
    },
    rules: [],
    build: (values) => ok(values.actions?.archiveMailbox),
  });
  const body = { client: "acme", user: "jane@acme.com", lastDay: "now", requester: "hr@acme.com" };
  assert.deepEqual(
    validateForm(withArchive, { ...body, actions: { archiveMailbox: false } }, ctx),
    ok(false),
  );
  assert.deepEqual(validateForm(withArchive, { ...body, actions: { archiveMailbox: "yes" } }, ctx), {
    ok: false,
    errors: [{ field: "actions.archiveMailbox", message: "must be true or false" }],
  });

  assert.equal(
    documentOf(withArchive).properties.actions?.properties.archiveMailbox?.title,
    "Archive the mailbox",
  );
  const names = cliFlags(withArchive).map((f) => f.name);
  assert.ok(names.includes("archive-mailbox") && names.includes("no-archive-mailbox"));
  const on = await bodyFromCli(withArchive, [
    "--client",
    "acme",
    "--user",
    "jane@acme.com",
    "--now",
    "--archive-mailbox",
  ]);
  assert.deepEqual(on.actions, { archiveMailbox: true });
  const off = await bodyFromCli(withArchive, [
    "--client",
    "acme",
    "--user",
    "x@acme.com",
    "--now",
    "--no-archive-mailbox",
  ]);
  assert.deepEqual(off.actions, { archiveMailbox: false });

  const described = describeForm(withArchive, acme)
    .fields.find((f) => f.key === "actions")
    ?.fields?.find((f) => f.key === "archiveMailbox");
  assert.equal(described?.default, true);
});

test("two fields claiming one CLI flag are refused when the form is defined", () => {
  assert.throws(
    () =>
      defineForm({
        ...onboardingForm,
        fields: {
          ...onboardingForm.fields,
          alsoNow: text({ label: "x", value: singleLine(1), cli: { flag: "now" } }),
        },
        rules: [],
        build: () => ok(null),
      }),
    /two fields claim the flag --now/,
  );
});

test("the offboarding actions are exactly the domain's actions", () => {
  assert.deepEqual(Object.keys(offboardingActionFields).sort(), [...offboardingActionKeys].sort());
});

function byKey(fields: FieldDescription[]): Record<string, FieldDescription> {
  return Object.fromEntries(fields.map((f) => [f.key, f]));
}

test("the console's onboarding form carries the client's choices, zone and custom fields", () => {
  const form = describeForm(onboardingForm, acme);
  assert.deepEqual(JSON.parse(JSON.stringify(form)), form, "plain JSON");
  assert.deepEqual(
    form.fields.map((f) => f.key),
    Object.keys(onboardingForm.fields),
  );
  const f = byKey(form.fields);
  assert.deepEqual(f.domain, {
    key: "domain",
    kind: "choice",
    label: "Domain",
    help: "One of the client's domains; the client's first when absent.",
    required: false,
    choices: ["acme.com", "acme.de"],
    closed: true,
    default: "acme.com",
  });
  assert.deepEqual(f.role?.choices, ["staff"]);
  assert.deepEqual([f.department?.choices, f.department?.closed], [["Sales"], undefined]);
  assert.deepEqual(
    [f.start?.kind, f.start?.timeZone, f.start?.allowsNow, f.start?.required],
    ["date-time", "Europe/Berlin", true, true],
  );
  assert.deepEqual(f.customFields?.clientFields, [
    { key: "costCentre", label: "Cost centre", required: true },
  ]);
  assert.equal(f.client?.default, "acme");
});

test("the console's offboarding actions start at the client's defaults, and deleting the user names what it excludes", () => {
  const f = byKey(describeForm(offboardingForm, acme).fields);
  const actions = byKey(f.actions?.fields ?? []);
  assert.deepEqual(Object.keys(actions), offboardingActionKeys);
  for (const key of offboardingActionKeys) {
    assert.deepEqual(actions[key]?.default, acme.offboardingDefaults[key], key);
  }
  assert.deepEqual(actions.wipeDevices?.choices, ["none", "retire", "wipe"]);
  assert.deepEqual(actions.deleteUser?.excludes, [
    "convertToShared",
    "forwardTo",
    "outOfOffice",
    "grantAccessTo",
  ]);
  assert.equal(actions.deleteUser?.excludesBecause, "deleting the user deletes the mailbox");
  assert.equal(actions.forwardTo?.kind, "forward-to");
  assert.match(actions.grantAccessTo?.orOff ?? "", /manager/);
  assert.equal(f.requiresApproval?.default, true, "this client's offboardings need approval");
});

test("the derived offboard command keeps today's flags", () => {
  const cmd = offboardCommand({
    env: {},
    actor: "x",
    out: () => undefined,
    err: () => undefined,
    setExitCode: () => undefined,
    connect: async () => assert.fail("not connected"),
  });
  const flags = cmd.options.map((o) => o.long);
  for (const flag of [
    "--client",
    "--user",
    "--last-day",
    "--now",
    "--disable-account",
    "--no-disable-account",
    "--forward-to",
    "--keep-copy",
    "--no-keep-copy",
    "--out-of-office",
    "--grant-access-to",
    "--wipe-devices",
    "--require-approval",
    "--no-require-approval",
    "--delete-user",
    "--ticket",
    "--requester",
    "--reason",
    "--notes",
  ])
    assert.ok(flags.includes(flag), flag);
});
