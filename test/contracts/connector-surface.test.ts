import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { graphAuthentication } from "../../src/connectors/msgraph/authentication.ts";
import { graphDevices } from "../../src/connectors/msgraph/devices.ts";
import { graphDirectory } from "../../src/connectors/msgraph/directory.ts";
import { graphLicensing } from "../../src/connectors/msgraph/licensing.ts";
import { graphMailSender } from "../../src/connectors/msgraph/mail.ts";
import { graphMailboxes } from "../../src/connectors/msgraph/mailboxes.ts";
import { GraphTransport } from "../../src/connectors/msgraph/transport.ts";
import { checkSurface, type SurfaceEntry } from "./msgraph-csdl.ts";

/**
 * Drives every Graph call the connector can make against a recorder and checks what it actually sent —
 * paths, $select properties, body properties — against Microsoft's CSDL. A list kept by hand would drift.
 */
test("every Graph path, property and action parameter the connector sends exists in Graph v1.0", async () => {
  const sent: SurfaceEntry[] = [];
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += String(c)));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      const path = url.pathname
        .replace(/^\/v1\.0/, "")
        .replace(/\/(u-[^/]+|g-[^/]+|[^/]+(?:@|%40)[^/]+)(?=\/|$)/g, "/{id}")
        .replace(/\/(d-[^/]+|m-[^/]+|SentItems)(?=\/|$)/g, "/{id}");
      const select = url.searchParams.get("$select")?.split(",") ?? [];
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      const bodyProperties = Object.keys(body).filter((k) => !k.startsWith("@"));
      sent.push({
        method: req.method ?? "GET",
        path,
        ...(select.length ? { properties: select } : {}),
        ...(bodyProperties.length ? { bodyProperties } : {}),
      });
      res.writeHead(200, { "content-type": "application/json" });
      const reply: Record<string, unknown> = {
        id: "u-1",
        userPrincipalName: "a@b.c",
        displayName: "A",
        accountEnabled: true,
        onPremisesSyncEnabled: false,
        assignedLicenses: [],
        value: [],
        skuId: "s",
        skuPartNumber: "SPB",
      };
      res.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const graph = new GraphTransport({
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token: async () => "t",
  });
  try {
    const dir = graphDirectory(graph);
    await dir.findUser("a@b.c");
    await dir.createUser({
      upn: "a@b.c",
      displayName: "A",
      givenName: "A",
      surname: "B",
      mailNickname: "a",
      usageLocation: "US",
      department: "D",
      jobTitle: "J",
      companyName: "C",
      officeLocation: "O",
      city: "Ci",
      state: "St",
      country: "Co",
      streetAddress: "1 Main St",
      postalCode: "12345",
      employeeId: "1",
      employeeHireDate: "2026-12-01T00:00:00Z",
      password: "x",
    });
    await dir.getManager("u-1");
    await dir.setManager("u-1", "u-2");
    await dir.findGroup("Marketing");
    await dir.groupsOf("u-1");
    await dir.addMember("g-1", "u-1");
    await dir.removeMember("g-1", "u-1");
    await dir.revokeSessions("u-1");
    await dir.setAccountEnabled("u-1", false);
    await dir.setPassword("u-1", "x", true);
    await dir.readTemplate("a@b.c");
    await dir.deleteUser("u-1");
    const lic = graphLicensing(graph);
    await lic.skus().catch(() => undefined);
    await lic.assignedSkuIds("u-1");
    await lic.assign("u-1", "s");
    await lic.remove("u-1", ["s"]);
    await lic.assignmentStates("u-1");
    await lic.reprocessGroupLicenses("u-1");
    await graphMailboxes(graph).isProvisioned("a@b.c");
    const auth = graphAuthentication(graph);
    await auth.methods("u-1");
    await auth.removeMethod("u-1", { id: "m-1", type: "phoneAuthenticationMethod" });
    await auth.removeMethod("u-1", { id: "m-2", type: "microsoftAuthenticatorAuthenticationMethod" });
    await auth.removeMethod("u-1", { id: "m-3", type: "temporaryAccessPassAuthenticationMethod" });
    await auth
      .issueTemporaryAccessPass("u-1", {
        startDateTime: "2026-12-01T08:00:00Z",
        lifetimeInMinutes: 60,
        isUsableOnce: true,
      })
      .catch(() => undefined);
    const devices = graphDevices(graph);
    await devices.managedDevicesOf("u-1");
    await devices.retire("d-1");
    await devices.wipe("d-1");
    await devices.findAutopilotDevice("ACME-PC-0042");
    await devices.assignAutopilotUser("d-1", "a@b.c", "A");
    const mail = graphMailSender(graph);
    await mail.send("a@b.c", { to: ["x@y.z"], subject: "S", html: "<p>H</p>", idempotencyKey: "run:k" });
    await mail.findSent("a@b.c", "run:k");
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
  assert.ok(sent.length >= 14, `only ${sent.length} calls were recorded`);
  assert.deepEqual(checkSurface(sent), []);
});

test("the check fails for a call that does not exist, so the test above can fail", () => {
  assert.equal(checkSurface([{ method: "POST", path: "/users/{id}/revokeSessions" }]).length, 1);
  assert.equal(
    checkSurface([{ method: "GET", path: "/users/{id}", properties: ["signInSessionsValidFrom"] }]).length,
    1,
  );
});
