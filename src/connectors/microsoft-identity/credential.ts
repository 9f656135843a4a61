import { createHash } from "node:crypto";
import { z } from "zod";
import { isDomainName } from "../../domain/fields.ts";
import type { ConnectorRuntime } from "../module.ts";
import { TokenSource, type AppCredential } from "./token-source.ts";

/** The credential kind of an Entra app registration, as the credential store seals it. */
export const microsoftAppKind = "microsoft-app";

// An Entra app registration's credential: a client secret or a certificate, exactly one.
export const microsoftAppCredential = z
  .strictObject({
    clientId: z.uuid({ error: "must be the app registration's application (client) id, a GUID" }),
    clientSecret: z.string().min(1, { error: "must not be empty" }).optional(),
    certificate: z
      .strictObject({
        thumbprintSha256: z
          .string()
          .regex(/^[0-9A-Fa-f]{64}$/, { error: "must be the certificate's SHA-256 thumbprint in hex" }),
        privateKey: z.string().includes("PRIVATE KEY-----", { error: "must be a PEM private key" }),
        x5c: z
          .string()
          .includes("CERTIFICATE-----", { error: "must be the PEM certificate chain" })
          .optional(),
      })
      .optional(),
  })
  .refine((c) => (c.clientSecret === undefined) !== (c.certificate === undefined), {
    error: "give clientSecret or certificate, exactly one",
  }) satisfies z.ZodType<AppCredential>;

export const tenantId = z
  .string()
  .trim()
  .toLowerCase()
  .refine((s) => /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/.test(s) || isDomainName(s), {
    error: "must be the tenant id (a GUID) or its initial domain",
  });

export const httpsOrLocalUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/**
 * One token source per authority and credential for the whole process: Graph and Exchange of one tenant
 * share it, and a rotated secret gets a fresh MSAL app instead of the cached one holding the old secret.
 */
export function tokenSourceFor(
  runtime: ConnectorRuntime,
  authorityHost: string | undefined,
  credential: AppCredential,
): TokenSource {
  const digest = createHash("sha256").update(JSON.stringify(credential)).digest("hex");
  return runtime.shared(
    `microsoft-identity\u0000${authorityHost ?? ""}\u0000${digest}`,
    () => new TokenSource({ authorityHost }),
  );
}
