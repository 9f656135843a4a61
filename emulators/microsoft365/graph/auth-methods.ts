import { randomInt, randomUUID } from "node:crypto";
import { isoSeconds } from "../clock.ts";
import { graphErrors } from "../errors.ts";
import { getCaseless, isObject, type JsonObject } from "../json.ts";
import type { AuthMethod, AuthMethodType, UserRecord } from "../model.ts";
import { contextUrl, perm, type GraphCall, type GraphRoute } from "./route.ts";
import { pathUser } from "./users.ts";

/**
 * Authentication methods (reference §11): the combined list, the typed collections with GET and
 * DELETE, and Temporary Access Pass creation. The password method is listed but cannot be deleted.
 */

export const passwordMethodId = "28c10230-6103-485e-b985-444c60001490";

/** Typed collection segment → CSDL type, the mapping CIPP derives from @odata.type. */
export const methodCollections: Record<string, AuthMethodType> = {
  phoneMethods: "phoneAuthenticationMethod",
  microsoftAuthenticatorMethods: "microsoftAuthenticatorAuthenticationMethod",
  fido2Methods: "fido2AuthenticationMethod",
  emailMethods: "emailAuthenticationMethod",
  softwareOathMethods: "softwareOathAuthenticationMethod",
  windowsHelloForBusinessMethods: "windowsHelloForBusinessAuthenticationMethod",
  temporaryAccessPassMethods: "temporaryAccessPassAuthenticationMethod",
  passwordMethods: "passwordAuthenticationMethod",
};

function methodsOf(user: UserRecord): AuthMethod[] {
  const created = Date.parse(
    String(user.props.lastPasswordChangeDateTime ?? user.props.createdDateTime ?? ""),
  );
  const password: AuthMethod = {
    id: passwordMethodId,
    type: "passwordAuthenticationMethod",
    createdAt: Number.isNaN(created) ? 0 : created,
    props: { password: null },
  };
  return [password, ...user.authMethods];
}

function methodView(method: AuthMethod): JsonObject {
  return {
    "@odata.type": `#microsoft.graph.${method.type}`,
    id: method.id,
    createdDateTime: isoSeconds(method.createdAt),
    ...method.props,
  };
}

/** Properties each method type carries, as listed by GET. */
const methodProperties: Record<AuthMethodType, string[]> = {
  passwordAuthenticationMethod: ["password"],
  phoneAuthenticationMethod: ["phoneNumber", "phoneType", "smsSignInState"],
  microsoftAuthenticatorAuthenticationMethod: ["displayName", "deviceTag", "phoneAppVersion"],
  fido2AuthenticationMethod: [
    "displayName",
    "model",
    "aaGuid",
    "attestationLevel",
    "attestationCertificates",
  ],
  emailAuthenticationMethod: ["emailAddress"],
  softwareOathAuthenticationMethod: ["secretKey"],
  windowsHelloForBusinessAuthenticationMethod: ["displayName", "keyStrength"],
  temporaryAccessPassAuthenticationMethod: [
    "temporaryAccessPass",
    "startDateTime",
    "lifetimeInMinutes",
    "isUsableOnce",
    "isUsable",
    "methodUsabilityReason",
  ],
};

const authVia = (segment: string) => [
  { type: "microsoft.graph.user", property: "authentication" },
  { type: "microsoft.graph.authentication", property: segment },
];

function collectionRoutes(segment: string, type: AuthMethodType): GraphRoute[] {
  const base = {
    entityType: `microsoft.graph.${type}`,
    via: authVia(segment),
    bucket: "identity" as const,
    cost: 1,
  };
  const find = (call: GraphCall): { user: UserRecord; method: AuthMethod } => {
    const user = pathUser(call);
    const methodId = call.params.methodId ?? "";
    const method = methodsOf(user).find(
      (m) => m.type === type && m.id.toLowerCase() === methodId.toLowerCase(),
    );
    if (!method) throw graphErrors.notFound(methodId);
    return { user, method };
  };
  const routes: GraphRoute[] = [
    {
      ...base,
      method: "GET",
      path: `/users/{id}/authentication/${segment}`,
      reads: ["id", "createdDateTime", ...methodProperties[type]],
      writes: [],
      latency: "directoryRead",
      permissions: perm.authRead,
      handle(call) {
        const value = methodsOf(pathUser(call))
          .filter((m) => m.type === type)
          .map(methodView);
        return {
          status: 200,
          body: {
            "@odata.context": contextUrl(call, `users('${call.params.id}')/authentication/${segment}`),
            value,
          },
        };
      },
    },
    {
      ...base,
      method: "GET",
      path: `/users/{id}/authentication/${segment}/{methodId}`,
      reads: ["id", "createdDateTime", ...methodProperties[type]],
      writes: [],
      latency: "directoryRead",
      permissions: perm.authRead,
      handle: (call) => ({ status: 200, body: methodView(find(call).method) }),
    },
  ];
  if (type !== "passwordAuthenticationMethod") {
    routes.push({
      ...base,
      method: "DELETE",
      path: `/users/{id}/authentication/${segment}/{methodId}`,
      reads: [],
      writes: [],
      latency: "directoryWrite",
      permissions: perm.authWrite,
      handle(call) {
        const { user, method } = find(call);
        user.authMethods = user.authMethods.filter((m) => m !== method);
        return { status: 204 };
      },
    });
  }
  return routes;
}

function passCode(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789+#%";
  return Array.from({ length: 8 }, () => alphabet[randomInt(alphabet.length)]).join("");
}

const createTap: GraphRoute = {
  method: "POST",
  path: "/users/{id}/authentication/temporaryAccessPassMethods",
  entityType: "microsoft.graph.temporaryAccessPassAuthenticationMethod",
  via: authVia("temporaryAccessPassMethods"),
  reads: ["id", "createdDateTime", ...methodProperties.temporaryAccessPassAuthenticationMethod],
  writes: ["startDateTime", "lifetimeInMinutes", "isUsableOnce"],
  latency: "directoryWrite",
  bucket: "identity",
  cost: 1,
  permissions: perm.authWrite,
  handle(call) {
    const user = pathUser(call);
    const body = isObject(call.body) ? call.body : {};
    const lifetime = getCaseless(body, "lifetimeInMinutes") ?? 60;
    if (typeof lifetime !== "number" || !Number.isInteger(lifetime) || lifetime < 10 || lifetime > 43200) {
      throw graphErrors.invalidValue("lifetimeInMinutes", "temporaryAccessPassAuthenticationMethod");
    }
    const once = getCaseless(body, "isUsableOnce") ?? false;
    if (typeof once !== "boolean")
      throw graphErrors.invalidValue("isUsableOnce", "temporaryAccessPassAuthenticationMethod");
    const rawStart = getCaseless(body, "startDateTime");
    const start = typeof rawStart === "string" ? Date.parse(rawStart) : call.now;
    if (Number.isNaN(start))
      throw graphErrors.invalidValue("startDateTime", "temporaryAccessPassAuthenticationMethod");
    const usable = start <= call.now;
    const method: AuthMethod = {
      id: randomUUID(),
      type: "temporaryAccessPassAuthenticationMethod",
      createdAt: call.now,
      props: {
        temporaryAccessPass: passCode(),
        startDateTime: new Date(start).toISOString(),
        lifetimeInMinutes: lifetime,
        isUsableOnce: once,
        isUsable: usable,
        methodUsabilityReason: usable ? "EnabledByPolicy" : "NotYetValid",
      },
    };
    // One TAP per user: a new one replaces the old (reference §11).
    user.authMethods = [
      ...user.authMethods.filter((m) => m.type !== "temporaryAccessPassAuthenticationMethod"),
      method,
    ];
    const context = contextUrl(
      call,
      `users('${call.params.id}')/authentication/temporaryAccessPassMethods/$entity`,
    );
    return { status: 201, body: { "@odata.context": context, ...methodView(method) } };
  },
};

export const authMethodRoutes: GraphRoute[] = [
  {
    method: "GET",
    path: "/users/{id}/authentication/methods",
    entityType: "microsoft.graph.authenticationMethod",
    via: authVia("methods"),
    reads: ["id", "createdDateTime"],
    writes: [],
    latency: "directoryRead",
    bucket: "identity",
    cost: 1,
    permissions: perm.authRead,
    handle(call) {
      const value = methodsOf(pathUser(call)).map(methodView);
      return {
        status: 200,
        body: {
          "@odata.context": contextUrl(call, `users('${call.params.id}')/authentication/methods`),
          value,
        },
      };
    },
  },
  ...Object.entries(methodCollections).flatMap(([segment, type]) => collectionRoutes(segment, type)),
  createTap,
];
