import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { exchangeOnline } from "../../../src/connectors/exchange/online.ts";
import { ExoTransport } from "../../../src/connectors/exchange/transport.ts";
import { exchangeSurface } from "../../../emulators/microsoft365/surface.ts";

interface Sent {
  cmdlet: string;
  parameters: Record<string, unknown>;
}

const notFound = (identity: string) => ({
  error: {
    code: "NotFound",
    message: "Error executing cmdlet",
    details: [
      {
        code: "Client",
        target: "",
        message: `Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn't be performed because object '${identity}' couldn't be found on 'AM0PR01.PROD.OUTLOOK.COM'.`,
      },
    ],
  },
});

/** Rows a recorder answers per cmdlet; Get-Recipient knows only the addresses in `recipients`. */
const rows: Record<string, Record<string, unknown>[]> = {
  "Get-Mailbox": [
    {
      RecipientTypeDetails: "SharedMailbox",
      PrimarySmtpAddress: "Tom.Williams@acmecorp.com",
      HiddenFromAddressListsEnabled: true,
      ForwardingAddress: "mike.chen",
      ForwardingSmtpAddress: null,
      DeliverToMailboxAndForward: true,
    },
  ],
  "Get-MailboxPermission": [
    { User: "NT AUTHORITY\\SELF", AccessRights: ["FullAccess", "ReadPermission"], Deny: false },
    { User: "Mike.Chen@acmecorp.com", AccessRights: ["FullAccess"], Deny: false },
    { User: "denied@acmecorp.com", AccessRights: ["FullAccess"], Deny: true },
  ],
  "Get-RecipientPermission": [
    { Trustee: "NT AUTHORITY\\SELF", AccessRights: ["SendAs"], AccessControlType: "Allow" },
    { Trustee: "mike.chen@acmecorp.com", AccessRights: ["SendAs"], AccessControlType: "Allow" },
  ],
  "Get-MailboxAutoReplyConfiguration": [
    { AutoReplyState: "Enabled", InternalMessage: "<p>x</p>", ExternalMessage: "", ExternalAudience: "All" },
  ],
  "Get-MobileDevice": [
    { Identity: "tom\\ExchangeActiveSyncDevices\\iPhone§1", FriendlyName: "Tom's iPhone" },
  ],
  "Get-MailboxMessageConfiguration": [{ SignatureHtml: "" }],
  "Get-DistributionGroupMember": [{ PrimarySmtpAddress: "Tom.Williams@acmecorp.com" }, { Name: "nested" }],
};
let recipients = new Set(["mike.chen", "mike.chen@acmecorp.com"]);

const sent: Sent[] = [];
let url = "";
const server = createServer((req, res) => {
  let text = "";
  req.on("data", (c) => (text += String(c)));
  req.on("end", () => {
    const input = (
      JSON.parse(text) as { CmdletInput: { CmdletName: string; Parameters: Record<string, unknown> } }
    ).CmdletInput;
    sent.push({ cmdlet: input.CmdletName, parameters: input.Parameters });
    const identity = String(input.Parameters.Identity ?? "");
    const missing =
      (input.CmdletName === "Get-Recipient" && !recipients.has(identity.toLowerCase())) ||
      (input.CmdletName === "Add-DistributionGroupMember" &&
        input.Parameters.Member === "new.hire@acmecorp.com");
    res.writeHead(missing ? 404 : 200, { "content-type": "application/json" });
    const value =
      input.CmdletName === "Get-Recipient"
        ? [{ PrimarySmtpAddress: "Mike.Chen@acmecorp.com" }]
        : (rows[input.CmdletName] ?? []);
    res.end(JSON.stringify(missing ? notFound(identity) : { "@adminapi.warnings": [], value }));
  });
});
before(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));
const exchange = () =>
  exchangeOnline(new ExoTransport({ baseUrl: url, tenant: "acmecorp.com", token: async () => "t" }));

test("every cmdlet and parameter the connector sends is one the Exchange admin API binds", async () => {
  sent.length = 0;
  const ex = exchange();
  await ex.mailbox("tom@acmecorp.com");
  await ex.setMailboxType("tom@acmecorp.com", "shared");
  await ex.setHiddenFromAddressLists("tom@acmecorp.com", true);
  await ex.setForwarding("tom@acmecorp.com", { to: "mike.chen@acmecorp.com", keepCopy: true });
  await ex.setForwarding("tom@acmecorp.com", undefined);
  await ex.autoReply("tom@acmecorp.com");
  await ex.setAutoReply("tom@acmecorp.com", {
    state: "enabled",
    internalMessage: "a",
    externalMessage: "a",
    externalAudience: "all",
  });
  await ex.mobileDevices("tom@acmecorp.com");
  await ex.removeMobileDevice("tom\\ExchangeActiveSyncDevices\\iPhone§1");
  await ex.fullAccessHolders("tom@acmecorp.com");
  await ex.grantFullAccess("tom@acmecorp.com", "mike.chen@acmecorp.com");
  await ex.sendAsHolders("tom@acmecorp.com");
  await ex.grantSendAs("tom@acmecorp.com", "mike.chen@acmecorp.com");
  await ex.signature("tom@acmecorp.com");
  await ex.setSignature("tom@acmecorp.com", "<p>x</p>");
  await ex.listMembers("marketing@acmecorp.com");
  await ex.addListMember("marketing@acmecorp.com", "tom@acmecorp.com");
  await ex.removeListMember("marketing@acmecorp.com", "tom@acmecorp.com");

  const bound = new Map(
    exchangeSurface.map((c) => [c.cmdlet.toLowerCase(), c.parameters.map((p) => p.toLowerCase())]),
  );
  const common = ["confirm"];
  const problems = sent.flatMap(({ cmdlet, parameters }) => {
    const known = bound.get(cmdlet.toLowerCase());
    if (!known) return [`${cmdlet}: not a cmdlet the admin API runs`];
    return Object.keys(parameters)
      .filter((p) => !known.includes(p.toLowerCase()) && !common.includes(p.toLowerCase()))
      .map((p) => `${cmdlet} -${p}`);
  });
  assert.deepEqual(problems, []);
  assert.ok(new Set(sent.map((s) => s.cmdlet)).size >= 15);
});

test("reads a mailbox with an internal forward resolved to its address, and holders without SELF or denials", async () => {
  const ex = exchange();
  assert.deepEqual(await ex.mailbox("tom@acmecorp.com"), {
    type: "shared",
    primarySmtpAddress: "tom.williams@acmecorp.com",
    hiddenFromAddressLists: true,
    deliverToMailboxAndForward: true,
    forwardingTo: "mike.chen@acmecorp.com",
  });
  assert.deepEqual(await ex.fullAccessHolders("tom@acmecorp.com"), ["mike.chen@acmecorp.com"]);
  assert.deepEqual(await ex.sendAsHolders("tom@acmecorp.com"), ["mike.chen@acmecorp.com"]);
  assert.deepEqual(await ex.listMembers("marketing@acmecorp.com"), ["tom.williams@acmecorp.com"]);
  assert.equal(await ex.signature("tom@acmecorp.com"), undefined);
  assert.deepEqual(await ex.autoReply("tom@acmecorp.com"), {
    state: "enabled",
    internalMessage: "<p>x</p>",
    externalAudience: "all",
  });
});

test("forwards to a recipient of the tenant by ForwardingAddress and to anyone else by ForwardingSmtpAddress", async () => {
  const ex = exchange();
  recipients = new Set(["mike.chen@acmecorp.com"]);
  sent.length = 0;
  await ex.setForwarding("tom@acmecorp.com", { to: "mike.chen@acmecorp.com", keepCopy: true });
  await ex.setForwarding("tom@acmecorp.com", { to: "tom@gmail.com", keepCopy: false });
  const sets = sent.filter((s) => s.cmdlet === "Set-Mailbox").map((s) => s.parameters);
  assert.deepEqual(sets, [
    {
      Identity: "tom@acmecorp.com",
      ForwardingAddress: "mike.chen@acmecorp.com",
      ForwardingSmtpAddress: null,
      DeliverToMailboxAndForward: true,
    },
    {
      Identity: "tom@acmecorp.com",
      ForwardingAddress: null,
      ForwardingSmtpAddress: "tom@gmail.com",
      DeliverToMailboxAndForward: false,
    },
  ]);
});

test("a list member that is not a recipient yet fails as RECIPIENT_NOT_FOUND, telling it from a missing list", async () => {
  await assert.rejects(
    exchange().addListMember("marketing@acmecorp.com", "new.hire@acmecorp.com"),
    (e: { failure: { kind: string; code: string } }) =>
      e.failure.kind === "not-found" && e.failure.code === "RECIPIENT_NOT_FOUND",
  );
});
