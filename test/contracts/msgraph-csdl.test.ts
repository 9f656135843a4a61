import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";

import {
  DEFAULT_CSDL_PATH,
  actionParameters,
  checkSurface,
  graphSchema,
  hasProperty,
  parseCsdl,
  resolveGraphPath,
  type GraphPathKind,
} from "./msgraph-csdl.ts";

const G = "microsoft.graph";

describe("the Graph v1.0 CSDL index", () => {
  test("parses the 3.5 MB schema in under five seconds and finds every declared type, property and operation", () => {
    const xml = readFileSync(process.env.LIFECYCLE_GRAPH_CSDL ?? DEFAULT_CSDL_PATH, "utf8");
    const started = performance.now();
    const schema = parseCsdl(xml);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 5000, `parsing took ${Math.round(elapsed)} ms`);

    // Counting start tags independently guards against the scanner silently skipping elements.
    const count = (element: string): number => xml.match(new RegExp(`<${element}[\\s>]`, "g"))?.length ?? 0;
    let properties = 0;
    let navigation = 0;
    for (const type of schema.types.values()) {
      properties += type.properties.size;
      navigation += type.navigation.size;
    }
    assert.equal(schema.types.size, count("EntityType") + count("ComplexType"));
    assert.equal(schema.enums.size, count("EnumType"));
    assert.equal(properties, count("Property"));
    assert.equal(navigation, count("NavigationProperty"));
    assert.equal([...schema.operations.values()].flat().length, count("Action") + count("Function"));
    assert.equal(schema.entitySets.size, count("EntitySet"));
    assert.equal(schema.singletons.size, count("Singleton"));
  });

  test("is built once per process, so later lookups reuse the cached index", () => {
    assert.equal(graphSchema(), graphSchema());
  });

  test("resolves schema aliases, so base types and property types point at real types", () => {
    const schema = graphSchema();
    for (const type of schema.types.values()) {
      if (type.baseType !== undefined) assert.ok(schema.types.has(type.baseType), `${type.fullName} base`);
      for (const property of [...type.properties.values(), ...type.navigation.values()]) {
        const known =
          property.type.startsWith("Edm.") ||
          schema.types.has(property.type) ||
          schema.enums.has(property.type);
        assert.ok(known, `${type.fullName}.${property.name}: ${property.type}`);
      }
    }
    // microsoft.graph.security declares Alias="self"; its types must not leak into microsoft.graph.
    assert.equal(schema.types.get(`${G}.security.user`)?.baseType, `${G}.security.identityAccounts`);
    assert.equal(schema.types.get(`${G}.user`)?.baseType, `${G}.directoryObject`);
  });

  test("indexes the entity sets and singletons the lifecycle flows start from", () => {
    const schema = graphSchema();
    assert.equal(schema.entitySets.get("users"), `${G}.user`);
    assert.equal(schema.entitySets.get("groups"), `${G}.group`);
    assert.equal(schema.entitySets.get("subscribedSkus"), `${G}.subscribedSku`);
    assert.equal(schema.singletons.get("deviceManagement"), `${G}.deviceManagement`);
    assert.equal(schema.singletons.get("me"), `${G}.user`);
  });

  test("records derived types, so authentication method subtypes are known under their base", () => {
    const derived = graphSchema().derived.get(`${G}.authenticationMethod`) ?? [];
    assert.ok(derived.includes(`${G}.microsoftAuthenticatorAuthenticationMethod`));
    assert.ok(derived.includes(`${G}.temporaryAccessPassAuthenticationMethod`));
  });

  test("decodes XML entities and skips comments and quoted '>' characters in hand-written CSDL", () => {
    const schema = parseCsdl(`<?xml version="1.0"?>
      <edmx:Edmx Version="4.0"><edmx:DataServices>
        <Schema Namespace="example.ns" Alias="ex">
          <!-- <EntityType Name="commentedOut" /> -->
          <EntityType Name="thing" BaseType="ex.base">
            <Property Name="note" Type="Edm.String"><Annotation Term="x" String="a > b &amp; c" /></Property>
          </EntityType>
          <EntityType Name="base"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" /></EntityType>
          <EntityContainer Name="c"><EntitySet Name="things" EntityType="ex.thing" /></EntityContainer>
        </Schema>
      </edmx:DataServices></edmx:Edmx>`);
    assert.deepEqual([...schema.types.keys()].sort(), ["example.ns.base", "example.ns.thing"]);
    assert.equal(schema.types.get("example.ns.thing")?.baseType, "example.ns.base");
    assert.equal(schema.entitySets.get("things"), "example.ns.thing");
  });
});

describe("resolveGraphPath on paths the lifecycle flows call", () => {
  const known: [method: string, path: string, kind: GraphPathKind, finalType: string][] = [
    ["POST", "/users", "collection", `${G}.user`],
    ["GET", "/users/{id}", "entity", `${G}.user`],
    ["PATCH", "/users/{id}", "entity", `${G}.user`],
    ["DELETE", "/users/{id}", "entity", `${G}.user`],
    ["POST", "/users/{id}/assignLicense", "action", `${G}.user`],
    ["POST", "/groups/{id}/assignLicense", "action", `${G}.group`],
    ["GET", "/users/{id}/manager/$ref", "ref", `${G}.directoryObject`],
    ["PUT", "/users/{id}/manager/$ref", "ref", `${G}.directoryObject`],
    ["DELETE", "/users/{id}/manager/$ref", "ref", `${G}.directoryObject`],
    ["POST", "/groups/{id}/members/$ref", "ref", `${G}.directoryObject`],
    ["DELETE", "/groups/{id}/members/{id}/$ref", "ref", `${G}.directoryObject`],
    [
      "GET",
      "/users/{id}/authentication/temporaryAccessPassMethods",
      "collection",
      `${G}.temporaryAccessPassAuthenticationMethod`,
    ],
    [
      "POST",
      "/users/{id}/authentication/temporaryAccessPassMethods",
      "collection",
      `${G}.temporaryAccessPassAuthenticationMethod`,
    ],
    ["GET", "/users/{id}/authentication/phoneMethods/{id}", "entity", `${G}.phoneAuthenticationMethod`],
    ["DELETE", "/users/{id}/authentication/phoneMethods/{id}", "entity", `${G}.phoneAuthenticationMethod`],
    [
      "GET",
      "/users/{id}/authentication/microsoftAuthenticatorMethods",
      "collection",
      `${G}.microsoftAuthenticatorAuthenticationMethod`,
    ],
    [
      "GET",
      "/users/{id}/authentication/methods/microsoft.graph.phoneAuthenticationMethod",
      "collection",
      `${G}.phoneAuthenticationMethod`,
    ],
    ["POST", "/deviceManagement/managedDevices/{id}/retire", "action", ""],
    ["POST", "/deviceManagement/windowsAutopilotDeviceIdentities/{id}/assignUserToDevice", "action", ""],
    ["GET", "/users/{id}/mailboxSettings", "entity", `${G}.mailboxSettings`],
    ["PATCH", "/users/{id}/mailboxSettings", "entity", `${G}.mailboxSettings`],
    ["POST", "/users/{id}/sendMail", "action", ""],
    ["POST", "/users/{id}/revokeSignInSessions", "action", "Edm.Boolean"],
    ["GET", "/users/{id}/memberOf", "collection", `${G}.directoryObject`],
    ["GET", "/users/{id}/transitiveMemberOf", "collection", `${G}.directoryObject`],
    ["GET", "/users/{id}/memberOf/microsoft.graph.group", "collection", `${G}.group`],
    ["GET", "/users/{id}/licenseDetails", "collection", `${G}.licenseDetails`],
    ["GET", "/subscribedSkus", "collection", `${G}.subscribedSku`],
    ["GET", "/users/$count", "count", "Edm.Int32"],
    ["POST", "/$batch", "action", "$batch"],
    ["GET", "/users/delta()", "function", `${G}.user`],
    ["GET", "/v1.0/users/:id/manager", "entity", `${G}.directoryObject`],
  ];
  for (const [method, path, kind, finalType] of known) {
    test(`${method} ${path} resolves to ${kind}${finalType ? ` of ${finalType}` : " with no return value"}`, () => {
      const result = resolveGraphPath(method, path);
      assert.ok(result.ok, result.ok ? "" : result.reason);
      assert.equal(result.kind, kind);
      assert.equal(result.finalType, finalType);
    });
  }

  test("assignLicense on a user binds to the user overload, not the group one", () => {
    const result = resolveGraphPath("POST", "/users/{id}/assignLicense");
    assert.ok(result.ok);
    assert.equal(result.operation?.bindingType, `${G}.user`);
    assert.deepEqual(result.operation?.parameters, ["addLicenses", "removeLicenses"]);
  });

  test("an action bound to a base type is found on the derived entity (resetPassword on a method)", () => {
    const result = resolveGraphPath("POST", "/users/{id}/authentication/methods/{id}/resetPassword");
    assert.ok(result.ok, result.ok ? "" : result.reason);
    assert.equal(result.operation?.bindingType, `${G}.authenticationMethod`);
  });
});

describe("resolveGraphPath on made-up paths", () => {
  const rejected: [method: string, path: string, reason: RegExp][] = [
    [
      "POST",
      "/users/{id}/assignLicence",
      /no .*named "assignLicence" on microsoft\.graph\.user.*did you mean assignLicense/,
    ],
    ["POST", "/users/{id}/revokeSessions", /"revokeSessions".*did you mean revokeSignInSessions/],
    ["POST", "/groups/{id}/member/$ref", /"member" on microsoft\.graph\.group.*did you mean members/],
    ["GET", "/users/{id}/assignLicense", /GET is not valid on action assignLicense; use POST/],
    ["POST", "/users/{id}/revokeSignInSessions/$ref", /action revokeSignInSessions must be the last segment/],
    ["GET", "/users/{id}/delta()", /named "delta" on microsoft\.graph\.user\b/],
    ["POST", "/users/{id}/memberOf", /POST is not valid on non-containment navigation/],
    ["POST", "/users/{id}/manager", /links change through \$ref/],
    ["POST", "/users/{id}/authentication/phoneMethods/$ref", /contained entities .* cannot be linked/],
    [
      "GET",
      "/groups/{id}/members/{id}/$ref",
      /GET is not valid on \$ref of one member of members; use DELETE/,
    ],
    [
      "GET",
      "/users/{id}/memberOf/microsoft.graph.subscribedSku",
      /does not derive from microsoft\.graph\.directoryObject/,
    ],
    ["GET", "/users/displayName", /key segment like \{id\} must come first/],
    ["GET", "/user/{id}", /"user" is not an entity set or singleton.*did you mean users/],
    ["GET", "/users/{id}/$count", /\$count needs a collection/],
    [
      "POST",
      "/users/{id}/mailboxSettings",
      /POST is not valid on property of type microsoft\.graph\.mailboxSettings/,
    ],
    ["GET", "/beta/users", /beta endpoints/],
  ];
  for (const [method, path, reason] of rejected) {
    test(`${method} ${path} is rejected with a reason naming the mistake`, () => {
      const result = resolveGraphPath(method, path);
      assert.equal(result.ok, false);
      assert.match(result.ok ? "" : result.reason, reason);
      assert.ok(
        !result.ok && result.reason.startsWith(`${method} ${path}: `),
        "the reason starts with the request",
      );
    });
  }
});

describe("hasProperty", () => {
  const expected: Record<string, string[]> = {
    user: [
      "givenName",
      "surname",
      "displayName",
      "mailNickname",
      "userPrincipalName",
      "passwordProfile",
      "usageLocation",
      "department",
      "jobTitle",
      "companyName",
      "officeLocation",
      "employeeId",
      "employeeHireDate",
      "accountEnabled",
      "onPremisesSyncEnabled",
      "signInSessionsValidFromDateTime",
      "assignedLicenses",
      "id",
      "manager",
    ],
    group: [
      "groupTypes",
      "mailEnabled",
      "securityEnabled",
      "onPremisesSyncEnabled",
      "membershipRule",
      "assignedLicenses",
    ],
    subscribedSku: ["skuId", "skuPartNumber", "prepaidUnits", "consumedUnits"],
    temporaryAccessPassAuthenticationMethod: ["lifetimeInMinutes", "isUsableOnce", "temporaryAccessPass"],
    managedDevice: ["userPrincipalName", "serialNumber", "deviceName"],
    windowsAutopilotDeviceIdentity: ["serialNumber", "userPrincipalName"],
    mailboxSettings: ["automaticRepliesSetting", "userPurpose"],
  };
  for (const [type, properties] of Object.entries(expected)) {
    test(`finds every ${type} property the lifecycle flows use: ${properties.join(", ")}`, () => {
      assert.deepEqual(
        properties.filter((property) => !hasProperty(type, property)),
        [],
      );
    });
  }

  test("accepts short, aliased and fully qualified type names alike", () => {
    assert.ok(hasProperty("user", "accountEnabled"));
    assert.ok(hasProperty("graph.user", "accountEnabled"));
    assert.ok(hasProperty("microsoft.graph.user", "accountEnabled"));
  });

  test("follows nested complex properties such as passwordProfile/forceChangePasswordNextSignIn", () => {
    assert.ok(hasProperty("user", "passwordProfile/forceChangePasswordNextSignIn"));
    assert.ok(hasProperty("user", "mailboxSettings.automaticRepliesSetting"));
    assert.equal(hasProperty("user", "passwordProfile/forceChangePassword"), false);
  });

  test("reports made-up or truncated names as missing (user.signInSessionsValidFrom)", () => {
    assert.equal(hasProperty("user", "signInSessionsValidFrom"), false);
    assert.equal(hasProperty("group", "groupType"), false);
    assert.equal(hasProperty("noSuchType", "id"), false);
  });

  test("does not count a subtype's property as the base type's (directoryObject has no displayName)", () => {
    assert.equal(hasProperty("directoryObject", "displayName"), false);
  });
});

describe("actionParameters", () => {
  test("lists assignLicense's addLicenses and removeLicenses", () => {
    assert.deepEqual(actionParameters("user", "assignLicense"), ["addLicenses", "removeLicenses"]);
  });

  test("lists assignUserToDevice's userPrincipalName and addressableUserName", () => {
    assert.deepEqual(actionParameters("windowsAutopilotDeviceIdentity", "assignUserToDevice"), [
      "userPrincipalName",
      "addressableUserName",
    ]);
  });

  test("lists sendMail's parameters with the CSDL's capitalisation, Message and SaveToSentItems", () => {
    assert.deepEqual(actionParameters("user", "sendMail"), ["Message", "SaveToSentItems"]);
  });

  test("returns an empty list for a parameterless action and undefined for an unknown one", () => {
    assert.deepEqual(actionParameters("managedDevice", "retire"), []);
    assert.equal(actionParameters("user", "assignLicence"), undefined);
    assert.equal(actionParameters("managedDevice", "assignLicense"), undefined);
  });

  test("finds collection-bound operations through Collection(type)", () => {
    assert.deepEqual(actionParameters("Collection(directoryObject)", "getByIds"), ["ids", "types"]);
  });
});

describe("checkSurface", () => {
  test("returns no problems for a surface that exists in Graph v1.0", () => {
    assert.deepEqual(
      checkSurface([
        {
          method: "POST",
          path: "/users",
          bodyProperties: ["displayName", "passwordProfile", "accountEnabled"],
        },
        {
          method: "POST",
          path: "/users/{id}/assignLicense",
          bodyProperties: ["addLicenses", "removeLicenses"],
        },
        { method: "POST", path: "/users/{id}/sendMail", bodyProperties: ["message", "saveToSentItems"] },
        { method: "POST", path: "/groups/{id}/members/$ref", bodyProperties: ["@odata.id"] },
        {
          method: "GET",
          path: "/users/{id}/memberOf",
          properties: ["id", "displayName", "groupTypes", "@odata.type"],
        },
        {
          method: "GET",
          path: "/subscribedSkus",
          properties: ["skuId", "skuPartNumber", "prepaidUnits/enabled"],
        },
        { method: "PATCH", path: "/users/{id}/mailboxSettings", bodyProperties: ["automaticRepliesSetting"] },
      ]),
      [],
    );
  });

  test("reports each made-up path, property and parameter with the request it belongs to", () => {
    const problems = checkSurface([
      { method: "POST", path: "/users/{id}/assignLicense", bodyProperties: ["licenses", "addLicenses"] },
      { method: "PATCH", path: "/users/{id}", bodyProperties: ["signInSessionsValidFrom"] },
      { method: "GET", path: "/users/{id}", properties: ["accountEnabled", "enabled"] },
      { method: "PATCH", path: "/users/{id}/memberOf/{id}" },
      { method: "POST", path: "/users/{id}/revokeSessions" },
      { method: "PATCH", path: "/directoryObjects/{id}", bodyProperties: ["displayName"] },
    ]);
    assert.equal(problems.length, 6, problems.join("\n"));
    assert.match(
      problems[0] ?? "",
      /^POST \/users\/\{id\}\/assignLicense: .*no parameter "licenses" .*addLicenses, removeLicenses/,
    );
    assert.match(
      problems[1] ?? "",
      /"signInSessionsValidFrom" .*did you mean signInSessionsValidFromDateTime/,
    );
    assert.match(problems[2] ?? "", /^GET \/users\/\{id\}: microsoft\.graph\.user has no property "enabled"/);
    assert.match(problems[3] ?? "", /PATCH is not valid on non-containment navigation/);
    assert.match(problems[4] ?? "", /did you mean revokeSignInSessions/);
    assert.match(problems[5] ?? "", /"displayName" is not a property of microsoft\.graph\.directoryObject/);
  });
});
