import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { initech, startAutotaskEmulator, type AutotaskEmulator } from "../../../emulators/autotask/index.ts";

let emulator: AutotaskEmulator;
before(async () => {
  emulator = await startAutotaskEmulator({ profile: "fast", seed: "initech" });
});
after(async () => emulator.close());

const headers = {
  UserName: initech.apiUser.userName,
  Secret: initech.apiUser.secret,
  ApiIntegrationCode: initech.apiUser.integrationCode,
};

interface Field {
  name: string;
  dataType: string;
  isRequired: boolean;
  isPickList: boolean;
  isReference: boolean;
  referenceEntityType: string;
  picklistValues: { value: string; label: string; isActive: boolean; isSystem: boolean }[] | null;
}

async function fields(entity: string, h: Record<string, string> = headers) {
  const res = await fetch(`${emulator.url}/ATServicesRest/V1.0/${entity}/entityInformation/fields`, {
    headers: h,
  });
  return { status: res.status, body: (await res.json()) as { fields: Field[]; errors?: string[] } };
}

test("Tickets' fields list every field, its picklists with their values as text, labels and isActive", async () => {
  const { status, body } = await fields("Tickets");
  assert.equal(status, 200);
  const byName = new Map(body.fields.map((f) => [f.name, f]));
  for (const name of [
    "id",
    "ticketNumber",
    "companyID",
    "title",
    "status",
    "priority",
    "queueID",
    "ticketType",
  ])
    assert.ok(byName.has(name), `no field ${name}`);
  const statusField = byName.get("status")!;
  assert.equal(statusField.isPickList, true);
  assert.equal(statusField.isRequired, true);
  assert.deepEqual(
    statusField.picklistValues?.map((v) => [v.value, v.label, v.isActive]),
    [
      ["1", "New", true],
      ["5", "Complete", true],
      ["7", "Waiting Customer", true],
      ["8", "In Progress", true],
    ],
  );
  assert.equal(statusField.picklistValues?.[0]?.isSystem, true);
  assert.equal(byName.get("title")?.isPickList, false);
  assert.equal(byName.get("title")?.picklistValues, null);
  assert.equal(byName.get("companyID")?.referenceEntityType, "Company");
});

test("TicketNotes' fields carry the note types and publish values; a retired value stays listed, inactive", async () => {
  const publish = emulator.admin.picklist("publish");
  emulator.admin.setPicklist("publish", [...publish, { value: 3, label: "Old", isActive: false }]);
  try {
    const { body } = await fields("TicketNotes");
    const values = body.fields.find((f) => f.name === "publish")?.picklistValues ?? [];
    assert.deepEqual(
      values.map((v) => [v.value, v.label, v.isActive]),
      [
        ["1", "All Autotask Users", true],
        ["2", "Internal Only", true],
        ["3", "Old", false],
      ],
    );
    assert.ok(body.fields.some((f) => f.name === "noteType" && f.isPickList));
  } finally {
    emulator.admin.setPicklist("publish", publish);
  }
});

test("the fields are behind the same credentials as every other call, and any case of the path is served", async () => {
  const refused = await fields("Tickets", { ...headers, Secret: "wrong" });
  assert.equal(refused.status, 401);
  assert.ok(refused.body.errors?.length);
  const res = await fetch(`${emulator.url}/atservicesrest/v1.0/contacts/entityinformation/fields`, {
    headers,
  });
  assert.equal(res.status, 200);
});
