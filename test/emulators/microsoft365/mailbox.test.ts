import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Microsoft365Emulator } from "../../../emulators/microsoft365/index.ts";
import {
  createTenant,
  exchangeFor,
  graphError,
  graphFor,
  newUserBody,
  startEmulator,
  type Graph,
  type TestTenant,
} from "./helpers.ts";

const spb = "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46";

describe("mailbox provisioning and Graph mail", () => {
  let emu: Microsoft365Emulator;
  let tenant: TestTenant;
  let graph: Graph;
  before(async () => {
    emu = await startEmulator();
    tenant = createTenant(emu.admin);
    emu.admin.createSku(tenant.id, { skuPartNumber: "SPB", seats: 10 });
    emu.admin.setMailboxProvisioningDelay(27_000);
    graph = await graphFor(emu.url, tenant);
  });
  after(() => emu.close());

  async function licensedUser(): Promise<string> {
    const created = await graph.send("POST", "/users", {
      ...newUserBody(tenant.domain),
      usageLocation: "US",
    });
    const id = String(created.json.id);
    const assigned = await graph.send("POST", `/users/${id}/assignLicense`, {
      addLicenses: [{ skuId: spb, disabledPlans: [] }],
      removeLicenses: [],
    });
    assert.equal(assigned.status, 200);
    return id;
  }

  it("answers MailboxNotEnabledForRESTAPI (404) until the provisioning delay after licensing has passed, then 200", async () => {
    const id = await licensedUser();
    const early = await graph.get(`/users/${id}/mailboxSettings`);
    assert.equal(early.status, 404);
    assert.deepEqual(
      { code: graphError(early).code, message: graphError(early).message },
      {
        code: "MailboxNotEnabledForRESTAPI",
        message: "The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
      },
    );
    const pending = await graph.get(`/users/${id}?$select=provisionedPlans,mail`);
    assert.ok(
      (pending.json.provisionedPlans as { service: string; provisioningStatus: string }[]).some(
        (p) => p.service === "exchange" && p.provisioningStatus === "PendingInput",
      ),
    );
    assert.equal(pending.json.mail, null);
    emu.admin.advanceClock(26_000);
    assert.equal((await graph.get(`/users/${id}/mailboxSettings`)).status, 404);
    emu.admin.advanceClock(1_001);
    const ready = await graph.get(`/users/${id}/mailboxSettings`);
    assert.equal(ready.status, 200);
    assert.equal(ready.json.userPurpose, "user");
    const provisioned = await graph.get(`/users/${id}?$select=provisionedPlans,mail`);
    assert.ok(
      (provisioned.json.provisionedPlans as { service: string; provisioningStatus: string }[]).some(
        (p) => p.service === "exchange" && p.provisioningStatus === "Success",
      ),
    );
    assert.ok(String(provisioned.json.mail).endsWith(`@${tenant.domain}`));
  });

  it("answers Get-Mailbox with ManagementObjectNotFoundException while the mailbox is provisioning", async () => {
    const id = await licensedUser();
    const exo = await exchangeFor(emu.url, tenant);
    const reply = await exo("Get-Mailbox", { Identity: id });
    assert.equal(reply.status, 404);
    const detail = ((reply.json.error as { details: { message: string }[] }).details[0]?.message ?? "").split(
      "|",
    );
    assert.equal(detail[1], "Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException");
    emu.admin.advanceClock(27_001);
    assert.equal((await exo("Get-Mailbox", { Identity: id })).status, 200);
  });

  it("patches automatic replies with 200 and the changed settings, visible to Exchange too", async () => {
    const id = await licensedUser();
    emu.admin.advanceClock(27_001);
    const patch = await graph.send("PATCH", `/users/${id}/mailboxSettings`, {
      automaticRepliesSetting: {
        status: "alwaysEnabled",
        externalAudience: "all",
        internalReplyMessage: "Gone",
        externalReplyMessage: "Gone!",
      },
    });
    assert.equal(patch.status, 200);
    assert.equal((patch.json.automaticRepliesSetting as { status: string }).status, "alwaysEnabled");
    assert.equal(patch.json.timeZone, undefined, "only the changed properties come back");
    const exo = await exchangeFor(emu.url, tenant);
    const config = await exo("Get-MailboxAutoReplyConfiguration", { Identity: id });
    const value = (config.json.value as { AutoReplyState: string; ExternalMessage: string }[])[0];
    assert.equal(value?.AutoReplyState, "Enabled");
    assert.equal(value?.ExternalMessage, "Gone!");
    const readOnly = await graph.send("PATCH", `/users/${id}/mailboxSettings`, { userPurpose: "shared" });
    assert.equal(readOnly.status, 400);
  });

  it("sends mail with 202 and no body, recorded for the admin surface; an unprovisioned sender gets MailboxNotEnabledForRESTAPI", async () => {
    const sender = emu.admin.createUser(tenant.id, {
      userPrincipalName: `helpdesk@${tenant.domain}`,
      displayName: "Helpdesk",
      accountEnabled: false,
      mailbox: "shared",
    });
    const message = {
      message: {
        subject: "Welcome, Sarah",
        body: { contentType: "HTML", content: "<p>Hello</p>" },
        toRecipients: [{ emailAddress: { address: "sarah.personal@example.org" } }],
      },
      saveToSentItems: false,
    };
    const sent = await graph.send("POST", `/users/${sender.userPrincipalName}/sendMail`, message);
    assert.equal(sent.status, 202);
    assert.equal(sent.text, "");
    const recorded = emu.admin.sentMail(tenant.id).at(-1);
    assert.equal(recorded?.subject, "Welcome, Sarah");
    assert.deepEqual(recorded?.toRecipients, ["sarah.personal@example.org"]);
    assert.equal(recorded?.from, `helpdesk@${tenant.domain}`);
    const unprovisioned = await licensedUser();
    const refused = await graph.send("POST", `/users/${unprovisioned}/sendMail`, message);
    assert.equal(refused.status, 404);
    assert.equal(graphError(refused).code, "MailboxNotEnabledForRESTAPI");
  });
});
