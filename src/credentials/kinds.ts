import { z } from "zod";
import type { AppCredential } from "../connectors/microsoft-identity/token-source.ts";
import { parseWith, type Result } from "../domain/result.ts";

// An Entra app registration's credential: a client secret or a certificate, exactly one.
const microsoftApp = z
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

/** What each kind of credential must look like; a value is checked before it is sealed and stored. */
export const credentialKinds = { "microsoft-app": microsoftApp } as const;

export type CredentialKind = keyof typeof credentialKinds;
export const credentialKindNames = Object.keys(credentialKinds) as CredentialKind[];

export const isCredentialKind = (s: string): s is CredentialKind => s in credentialKinds;

/** Field errors name where a value is wrong; their wording never repeats the input, which is a secret. */
export function parseCredential(kind: CredentialKind, value: unknown): Result<AppCredential> {
  return parseWith(credentialKinds[kind], value, "value");
}
