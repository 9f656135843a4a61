import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { acme, type AcmeSeed, type Microsoft365Emulator } from "../../../emulators/microsoft365/index.ts";
import { seedAcme } from "../../../emulators/microsoft365/seed-acme.ts";
import {
  exchangeFor,
  graphFor,
  request,
  startEmulator,
  token,
  type Reply,
  type TestTenant,
} from "./helpers.ts";

type Invoke = Awaited<ReturnType<typeof exchangeFor>>;

function rows(reply: Reply): Record<string, unknown>[] {
  return reply.json.value as Record<string, unknown>[];
}

function exception(reply: Reply): { exCode: string; type: string; text: string } {
  const error = reply.json.error as { details: { message: string }[] };
  const [exCode = "", type = "", text = ""] = (error.details[0]?.message ?? "").split("|");
  return { exCode, type, text };
}

describe("Exchange admin API InvokeCommand", () => {
  let emu: Microsoft365Emulator;
  let seed: AcmeSeed;
  let tenant: TestTenant;
  let exo: Invoke;
  before(async () => {
    emu = await startEmulator();
    seed = seedAcme(emu.admin);
    tenant = {
      id: acme.tenantId,
      domain: acme.domain,
      clientId: acme.clientId,
      clientSecret: acme.clientSecret,
    };
    exo = await exchangeFor(emu.url, tenant);
  });
  after(() => emu.close());

  it("answers Get-Mailbox in the GenericHashTable envelope with warnings beside the value", async () => {
    const reply = await exo("Get-Mailbox", { Identity: "tom.williams@acmecorp.com" });
    assert.equal(reply.status, 200);
    assert.equal(
      reply.json["@odata.context"],
      `${emu.url}/adminapi/beta/${acme.tenantId}/$metadata#Collection(Exchange.GenericHashTable)`,
    );
    assert.equal(reply.json["adminapi.warnings@odata.type"], "#Collection(String)");
    assert.deepEqual(reply.json["@adminapi.warnings"], []);
    const mailbox = rows(reply)[0];
    assert.equal(mailbox?.RecipientTypeDetails, "UserMailbox");
    assert.equal(mailbox?.PrimarySmtpAddress, "tom.williams@acmecorp.com");
    assert.equal(mailbox?.ExternalDirectoryObjectId, seed.users.tom);
    assert.match(String(mailbox?.ProhibitSendQuota), /^99 GB \([\d,]+ bytes\)$/);
  });

  it("answers an unknown identity with 404 and the ManagementObjectNotFoundException envelope", async () => {
    const reply = await exo("Get-Mailbox", { Identity: "nobody@acmecorp.com" });
    assert.equal(reply.status, 404);
    const error = reply.json.error as Record<string, unknown>;
    assert.equal(error.code, "NotFound");
    assert.equal(error.message, "Error executing cmdlet");
    const ex = exception(reply);
    assert.equal(ex.type, "Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException");
    assert.match(
      ex.text,
      /^The operation couldn't be performed because object 'nobody@acmecorp\.com' couldn't be found on '.+\.PROD\.OUTLOOK\.COM'\.$/,
    );
    const inner = error.innererror as { internalexception: { type: string } };
    assert.equal(
      inner.internalexception.type,
      "Microsoft.Exchange.Management.PSDirectInvoke.DirectInvokeCmdletExecutionException",
    );
    assert.deepEqual(reply.json["@adminapi.warnings"], []);
  });

  it("converts to shared with Set-Mailbox, showing SharedMailbox only after the conversion delay, in EXO and Graph", async () => {
    emu.admin.setMailboxConversionDelay(15_000);
    const graph = await graphFor(emu.url, tenant);
    const set = await exo("Set-Mailbox", { Identity: "mike.chen@acmecorp.com", Type: "Shared" });
    assert.equal(set.status, 200);
    assert.deepEqual(rows(set), []);
    const early = await exo("Get-Mailbox", { Identity: "mike.chen@acmecorp.com" });
    assert.equal(rows(early)[0]?.RecipientTypeDetails, "UserMailbox");
    assert.equal((await graph.get("/users/mike.chen@acmecorp.com/mailboxSettings")).json.userPurpose, "user");
    emu.admin.advanceClock(15_001);
    const late = await exo("Get-Mailbox", { Identity: "mike.chen@acmecorp.com" });
    assert.equal(rows(late)[0]?.RecipientTypeDetails, "SharedMailbox");
    assert.equal(
      (await graph.get("/users/mike.chen@acmecorp.com/mailboxSettings")).json.userPurpose,
      "shared",
    );
    const again = await exo("Set-Mailbox", { Identity: "mike.chen@acmecorp.com", Type: "Shared" });
    assert.deepEqual(again.json["@adminapi.warnings"], [
      "The command completed successfully but no settings of 'mike.chen@acmecorp.com' have been modified.",
    ]);
  });

  it("sets forwarding, hides from the address list and grants send-on-behalf, all read back by Get-Mailbox", async () => {
    const set = await exo("Set-Mailbox", {
      Identity: "tom.williams@acmecorp.com",
      ForwardingSMTPAddress: "tom@gmail.example",
      ForwardingAddress: null,
      DeliverToMailboxAndForward: true,
      HiddenFromAddressListsEnabled: true,
      GrantSendOnBehalfTo: { "@odata.type": "#Exchange.GenericHashTable", add: "mike.chen@acmecorp.com" },
    });
    assert.equal(set.status, 200);
    const mailbox = rows(await exo("Get-Mailbox", { Identity: "tom.williams@acmecorp.com" }))[0];
    assert.equal(mailbox?.ForwardingSmtpAddress, "smtp:tom@gmail.example");
    assert.equal(mailbox?.DeliverToMailboxAndForward, true);
    assert.equal(mailbox?.HiddenFromAddressListsEnabled, true);
    assert.deepEqual(mailbox?.GrantSendOnBehalfTo, ["mike.chen"]);
  });

  it("adds a distribution list member once and answers the second add with MemberAlreadyExistsException", async () => {
    const first = await exo("Add-DistributionGroupMember", {
      Identity: "marketing@acmecorp.com",
      Member: "tom.williams@acmecorp.com",
      BypassSecurityGroupManagerCheck: true,
    });
    assert.equal(first.status, 200);
    const members = await exo("Get-DistributionGroupMember", { Identity: "marketing@acmecorp.com" });
    assert.deepEqual(
      rows(members).map((m) => m.PrimarySmtpAddress),
      ["tom.williams@acmecorp.com"],
    );
    const graph = await graphFor(emu.url, tenant);
    const memberOf = (await graph.get(`/users/${seed.users.tom}/memberOf?$select=id`)).json.value as {
      id: string;
    }[];
    assert.ok(
      memberOf.some((g) => g.id === seed.groups.marketingList),
      "Graph sees the Exchange-side membership",
    );
    const second = await exo("Add-DistributionGroupMember", {
      Identity: "marketing@acmecorp.com",
      Member: "tom.williams@acmecorp.com",
    });
    assert.equal(second.status, 400);
    assert.equal(exception(second).type, "Microsoft.Exchange.Management.Tasks.MemberAlreadyExistsException");
    const removed = await exo("Remove-DistributionGroupMember", {
      Identity: "marketing@acmecorp.com",
      Member: "tom.williams@acmecorp.com",
    });
    assert.equal(removed.status, 200);
    const missing = await exo("Remove-DistributionGroupMember", {
      Identity: "marketing@acmecorp.com",
      Member: "tom.williams@acmecorp.com",
    });
    assert.equal(exception(missing).type, "Microsoft.Exchange.Management.Tasks.MemberNotFoundException");
  });

  it("answers a member whose mailbox is not provisioned with Ex94914C ManagementObjectNotFoundException", async () => {
    emu.admin.setMailboxProvisioningDelay(60_000);
    emu.admin.createUser(acme.tenantId, {
      userPrincipalName: "new.hire@acmecorp.com",
      displayName: "New Hire",
      usageLocation: "US",
    });
    const graph = await graphFor(emu.url, tenant);
    await graph.send("POST", "/users/new.hire@acmecorp.com/assignLicense", {
      addLicenses: [{ skuId: acme.spbSkuId, disabledPlans: [] }],
      removeLicenses: [],
    });
    const reply = await exo("Add-DistributionGroupMember", {
      Identity: "announcements@acmecorp.com",
      Member: "new.hire@acmecorp.com",
    });
    assert.equal(reply.status, 404);
    assert.equal(exception(reply).exCode, "Ex94914C");
    assert.equal(
      exception(reply).type,
      "Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException",
    );
  });

  it("grants and lists FullAccess and SendAs, warning instead of failing on a repeated grant", async () => {
    const grant = await exo("Add-MailboxPermission", {
      Identity: "helpdesk@acmecorp.com",
      User: "tom.williams@acmecorp.com",
      AccessRights: ["FullAccess"],
      AutoMapping: false,
      InheritanceType: "All",
      Confirm: false,
    });
    assert.equal(rows(grant)[0]?.User, "tom.williams@acmecorp.com");
    const repeat = await exo("Add-MailboxPermission", {
      Identity: "helpdesk@acmecorp.com",
      User: "tom.williams@acmecorp.com",
      AccessRights: "FullAccess",
    });
    assert.equal(repeat.status, 200);
    assert.equal((repeat.json["@adminapi.warnings"] as string[]).length, 1);
    const listed = await exo("Get-MailboxPermission", { Identity: "helpdesk@acmecorp.com" });
    assert.ok(rows(listed).some((p) => p.User === "NT AUTHORITY\\SELF"));
    assert.ok(rows(listed).some((p) => p.User === "tom.williams@acmecorp.com"));
    const sendAs = await exo("Add-RecipientPermission", {
      Identity: "helpdesk@acmecorp.com",
      Trustee: "tom.williams@acmecorp.com",
      AccessRights: ["SendAs"],
    });
    assert.equal(rows(sendAs)[0]?.AccessControlType, "Allow");
    assert.equal(
      (
        await exo("Remove-MailboxPermission", {
          Identity: "helpdesk@acmecorp.com",
          User: "tom.williams@acmecorp.com",
          AccessRights: ["FullAccess"],
        })
      ).status,
      200,
    );
  });

  it("lists and removes mobile devices, sets and reads signatures and automatic replies", async () => {
    const devices = await exo("Get-MobileDevice", { Mailbox: "tom.williams@acmecorp.com" });
    const device = rows(devices)[0];
    assert.match(String(device?.Identity), /\\ExchangeActiveSyncDevices\\iPhone§/);
    assert.equal(
      (await exo("Remove-MobileDevice", { Identity: device?.Identity, Confirm: false })).status,
      200,
    );
    assert.deepEqual(rows(await exo("Get-MobileDevice", { Mailbox: "tom.williams@acmecorp.com" })), []);

    const signature = {
      Identity: "tom.williams@acmecorp.com",
      SignatureHtml: "<p>Tom</p>",
      AutoAddSignature: true,
      AutoAddSignatureOnReply: true,
    };
    assert.equal((await exo("Set-MailboxMessageConfiguration", signature)).status, 200);
    const config = rows(
      await exo("Get-MailboxMessageConfiguration", { Identity: "tom.williams@acmecorp.com" }),
    )[0];
    assert.equal(config?.SignatureHtml, "<p>Tom</p>");
    assert.equal(config?.AutoAddSignature, true);

    const ooo = await exo("Set-MailboxAutoReplyConfiguration", {
      Identity: "tom.williams@acmecorp.com",
      AutoReplyState: "Enabled",
      InternalMessage: "Away",
      ExternalMessage: "Away",
      ExternalAudience: "All",
    });
    assert.equal(ooo.status, 200);
    const graph = await graphFor(emu.url, tenant);
    const settings = await graph.get("/users/tom.williams@acmecorp.com/mailboxSettings");
    assert.equal((settings.json.automaticRepliesSetting as { status: string }).status, "alwaysEnabled");
  });

  it("refuses unknown cmdlets, unknown parameters and a Graph-audience token", async () => {
    const cmdlet = await exo("Get-Nothing", {});
    assert.equal(exception(cmdlet).type, "System.Management.Automation.CommandNotFoundException");
    const parameter = await exo("Get-Mailbox", { Identity: "tom.williams@acmecorp.com", Colour: "blue" });
    assert.equal(
      exception(parameter).text,
      "A parameter cannot be found that matches parameter name 'Colour'.",
    );
    const graphToken = await token(emu.url, tenant);
    const reply = await request(`${emu.url}/adminapi/beta/${acme.tenantId}/InvokeCommand`, {
      method: "POST",
      headers: { authorization: `Bearer ${graphToken}`, "content-type": "application/json" },
      body: JSON.stringify({ CmdletInput: { CmdletName: "Get-Mailbox", Parameters: {} } }),
    });
    assert.equal(reply.status, 401);
  });

  it("pages Get-Mailbox by Prefer odata.maxpagesize with a nextLink that takes the same body again", async () => {
    const first = await exo("Get-Mailbox", {}, { Prefer: "odata.maxpagesize=1" });
    assert.equal(rows(first).length, 1);
    const next = String(first.json["@odata.nextLink"]);
    assert.match(next, /\/InvokeCommand\?\$skiptoken=/);
    const bearer = await token(emu.url, tenant, "https://outlook.office365.com");
    const second = await request(next, {
      method: "POST",
      headers: {
        authorization: `Bearer ${bearer}`,
        "content-type": "application/json",
        Prefer: "odata.maxpagesize=1",
      },
      body: JSON.stringify({ CmdletInput: { CmdletName: "Get-Mailbox", Parameters: {} } }),
    });
    assert.equal(rows(second).length, 1);
    assert.notEqual(rows(second)[0]?.Guid, rows(first)[0]?.Guid);
  });

  it("resolves recipients with Get-Recipient by address or alias, and answers an outside address with not-found", async () => {
    const mailbox = rows(await exo("Get-Recipient", { Identity: "Mike.Chen@acmecorp.com" }))[0];
    assert.equal(mailbox?.PrimarySmtpAddress, "mike.chen@acmecorp.com");
    assert.equal(mailbox?.ExternalDirectoryObjectId, seed.users.mike);
    const list = rows(await exo("Get-Recipient", { Identity: "marketing" }))[0];
    assert.equal(list?.RecipientTypeDetails, "MailUniversalDistributionGroup");
    const unified = rows(await exo("Get-Recipient", { Identity: "all-staff@acmecorp.com" }))[0];
    assert.equal(unified?.RecipientTypeDetails, "GroupMailbox");
    const outside = await exo("Get-Recipient", { Identity: "someone@example.org" });
    assert.equal(outside.status, 404);
    assert.equal(
      exception(outside).type,
      "Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException",
    );
    const lists = rows(
      await exo("Get-Recipient", { RecipientTypeDetails: "MailUniversalDistributionGroup" }),
    );
    assert.ok(lists.some((r) => r.PrimarySmtpAddress === "announcements@acmecorp.com"));
    assert.ok(lists.every((r) => r.RecipientTypeDetails === "MailUniversalDistributionGroup"));
  });

  it("runs an Exchange $batch of InvokeCommand requests and refuses more than 10", async () => {
    const bearer = await token(emu.url, tenant, "https://outlook.office365.com");
    const item = (id: string) => ({
      id,
      method: "POST",
      url: `https://outlook.office365.com/adminapi/beta/${acme.tenantId}/InvokeCommand`,
      body: {
        CmdletInput: { CmdletName: "Get-Mailbox", Parameters: { Identity: "tom.williams@acmecorp.com" } },
      },
      headers: { "Content-Type": "application/json" },
    });
    const batch = (n: number) =>
      request(`${emu.url}/adminapi/beta/${acme.tenantId}/$batch`, {
        method: "POST",
        headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
        body: JSON.stringify({ requests: Array.from({ length: n }, (_, i) => item(String(i + 1))) }),
      });
    const ok = await batch(2);
    assert.equal(ok.status, 200);
    const responses = ok.json.responses as { id: string; status: number }[];
    assert.deepEqual(
      responses.map((r) => r.status),
      [200, 200],
    );
    assert.equal((await batch(11)).status, 400);
  });
});
