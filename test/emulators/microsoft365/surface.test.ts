import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { exchangeSurface, surface as graphSurface } from "../../../emulators/microsoft365/surface.ts";

/**
 * A first check of surface.ts against Microsoft's CSDL (the full contract test lives elsewhere):
 * every type, property, navigation and bound action the emulator claims exists in v1.0.
 */

// The same override the contract test honours, for checkouts where shared/ is not two levels up.
const csdlPath =
  process.env.LIFECYCLE_GRAPH_CSDL ??
  fileURLToPath(new URL("../../../../shared/specs/msgraph/v1.0-metadata.xml", import.meta.url));
const xml = readFileSync(csdlPath, "utf8");
const schema = xml.slice(xml.indexOf('<Schema Namespace="microsoft.graph" '), xml.indexOf("</Schema>"));

interface TypeInfo {
  base: string | undefined;
  members: Set<string>;
}

const types = new Map<string, TypeInfo>();
for (const m of schema.matchAll(
  /<(EntityType|ComplexType)(?: HasStream="true")? Name="(\w+)"([^>]*?)(\/?)>([\s\S]*?)(?=<(?:EntityType|ComplexType|EnumType|Action|Function|EntityContainer|Term|TypeDefinition) |$)/g,
)) {
  const base = /BaseType="graph\.(\w+)"/.exec(m[3] ?? "")?.[1];
  const members = new Set(
    [...(m[5] ?? "").matchAll(/<(?:Navigation)?Property Name="(\w+)"/g)].map((p) => p[1] as string),
  );
  types.set(`microsoft.graph.${m[2]}`, { base: base ? `microsoft.graph.${base}` : undefined, members });
}

function hasMember(type: string, name: string): boolean {
  for (let t: string | undefined = type; t; t = types.get(t)?.base)
    if (types.get(t)?.members.has(name)) return true;
  return false;
}

function actionExists(name: string, bindingType: string, parameters: string[]): boolean {
  const short = bindingType.replace("microsoft.graph.", "graph.");
  return [
    ...schema.matchAll(new RegExp(`<Action Name="${name}" IsBound="true"[^>]*>([\\s\\S]*?)</Action>`, "g")),
  ].some((m) => {
    const body = m[1] ?? "";
    if (!body.includes(`Name="bindingParameter" Type="${short}"`)) return false;
    return parameters.every((p) => body.includes(`<Parameter Name="${p}"`));
  });
}

describe("surface.ts against the v1.0 CSDL", () => {
  it("lists every Graph route once, with a method and a path under /v1.0", () => {
    const keys = graphSurface.map((r) => `${r.method} ${r.path}`);
    assert.equal(new Set(keys).size, keys.length);
    assert.ok(graphSurface.length >= 40, String(graphSurface.length));
    for (const path of [
      "/users/{id}/assignLicense",
      "/users/{id}/revokeSignInSessions",
      "/users/{id}/authentication/temporaryAccessPassMethods",
    ]) {
      assert.ok(
        keys.some((k) => k.endsWith(` ${path}`)),
        path,
      );
    }
  });

  it("names only entity types, properties and navigation properties that exist", () => {
    const problems: string[] = [];
    for (const route of graphSurface) {
      const where = `${route.method} ${route.path}`;
      if (!types.has(route.entityType)) problems.push(`${where}: no type ${route.entityType}`);
      for (const p of [...route.properties, ...(route.action ? [] : route.bodyProperties)])
        if (!hasMember(route.entityType, p)) problems.push(`${where}: ${route.entityType}.${p}`);
      for (const v of route.via)
        if (!hasMember(v.type, v.property)) problems.push(`${where}: via ${v.type}.${v.property}`);
    }
    assert.deepEqual(problems, []);
  });

  it("names only bound actions that exist with those parameters", () => {
    const problems = graphSurface
      .filter((r) => r.action)
      .filter((r) => r.action && !actionExists(r.action.name, r.action.bindingType, r.action.parameters))
      .map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(problems, []);
  });

  it("lists the Exchange cmdlets the brief asks for", () => {
    const names = exchangeSurface.map((c) => c.cmdlet);
    for (const cmdlet of [
      "Get-Mailbox",
      "Set-Mailbox",
      "Add-MailboxPermission",
      "Remove-MailboxPermission",
      "Get-MailboxPermission",
      "Add-RecipientPermission",
      "Add-DistributionGroupMember",
      "Remove-DistributionGroupMember",
      "Get-DistributionGroupMember",
      "Set-MailboxAutoReplyConfiguration",
      "Get-MailboxAutoReplyConfiguration",
      "Get-MobileDevice",
      "Remove-MobileDevice",
      "Set-MailboxMessageConfiguration",
      "Get-MailboxMessageConfiguration",
    ]) {
      assert.ok(names.includes(cmdlet), cmdlet);
    }
  });
});
