import assert from "node:assert/strict";
import { test } from "node:test";
import { parseClientConfig } from "../../src/domain/client.ts";
import { offboardingForm, onboardingForm } from "../../src/requests/index.ts";
import { parseCsvRequests } from "../../src/requests/bulk-csv.ts";
import { testClientConfig } from "../support/engine-helpers.ts";

const parsed = parseClientConfig({
  ...testClientConfig("acme"),
  customFields: [{ key: "costCenter", label: "Cost center", required: false }],
});
assert.ok(parsed.ok, JSON.stringify(parsed));
const client = parsed.value;
const limits = { maxRows: 1000 };

test("rows keep the line they start on: blank lines and quoted line breaks counted as the file has them", () => {
  const csv =
    'firstName,lastName,start,notes\r\nAnn,Lee,now,\r\n\r\nBo,Kim,now,"two\nlines"\r\nCy,Ng,now,x\r\n';
  const rows = parseCsvRequests(onboardingForm, client, csv, limits);
  assert.ok(rows.ok, JSON.stringify(rows));
  assert.deepEqual(
    rows.value.map((r) => [r.line, r.body.firstName]),
    [
      [2, "Ann"],
      [4, "Bo"],
      [6, "Cy"],
    ],
  );
  assert.equal(rows.value[1]!.body.notes, "two\nlines");
  assert.equal("notes" in rows.value[0]!.body, false, "a blank cell leaves its field out");
});

test("labels in any case, lists by semicolon, custom fields by key or label", () => {
  const csv =
    "FIRST NAME,last name,Start,Extra groups,customFields.costCenter\nAnn,Lee,now,Sales; All-Staff ,CC-1\n";
  const rows = parseCsvRequests(onboardingForm, client, csv, limits);
  assert.ok(rows.ok, JSON.stringify(rows));
  assert.deepEqual(rows.value[0]!.body, {
    firstName: "Ann",
    lastName: "Lee",
    start: "now",
    extraGroups: ["Sales", "All-Staff"],
    customFields: { costCenter: "CC-1" },
  });
  const byLabel = parseCsvRequests(onboardingForm, client, "First name,Cost Center\nAnn,CC-2\n", limits);
  assert.ok(byLabel.ok);
  assert.deepEqual(byLabel.value[0]!.body.customFields, { costCenter: "CC-2" });
});

test("offboarding actions as columns: booleans in words, an option switched off, a forward with its copy", () => {
  const csv =
    "User,Last day,actions.disableAccount,Convert the mailbox to shared,actions.outOfOffice,Forward mail,actions.forwardTo.keepCopy\n" +
    "a@acme.example.com,now,YES,n,false,manager,no\n" +
    "b@acme.example.com,now,1,0,Gone,no,\n";
  const rows = parseCsvRequests(offboardingForm, client, csv, limits);
  assert.ok(rows.ok, JSON.stringify(rows));
  assert.deepEqual(rows.value[0]!.body.actions, {
    disableAccount: true,
    convertToShared: false,
    outOfOffice: false,
    forwardTo: { address: "manager", keepCopy: false },
  });
  assert.deepEqual(rows.value[1]!.body.actions, {
    disableAccount: true,
    convertToShared: false,
    outOfOffice: "Gone",
    forwardTo: false,
  });
});

test("an unknown, a group or a repeated column refuses the file naming each; a bad cell is its row's error", () => {
  const bad = parseCsvRequests(offboardingForm, client, "user,actions,Colour,User\nx,y,z,w\n", limits);
  assert.ok(!bad.ok);
  assert.deepEqual(
    bad.errors.map((e) => e.field),
    ["actions", "Colour", "User"],
  );
  assert.match(bad.errors[0]!.message, /actions\.disableAccount/);
  assert.match(bad.errors[2]!.message, /same field as column "user"/);

  const cells = parseCsvRequests(
    offboardingForm,
    client,
    "user,actions.removeMfa\nx,perhaps\ny,yes,extra\n",
    limits,
  );
  assert.ok(cells.ok);
  assert.deepEqual(
    cells.value[0]!.errors.map((e) => e.field),
    ["actions.removeMfa"],
  );
  assert.deepEqual(
    cells.value[1]!.errors.map((e) => e.field),
    ["csv"],
  );
});

test("not CSV, empty, or too many rows: refused whole", () => {
  const unterminated = parseCsvRequests(onboardingForm, client, 'firstName\n"Ann', limits);
  assert.ok(!unterminated.ok && unterminated.errors[0]!.field === "csv");
  const empty = parseCsvRequests(onboardingForm, client, "", limits);
  assert.ok(!empty.ok && /empty/.test(empty.errors[0]!.message));
  const many = parseCsvRequests(onboardingForm, client, "firstName\na\nb\nc\n", { maxRows: 2 });
  assert.ok(!many.ok && /more than 2 rows/.test(many.errors[0]!.message));
});
