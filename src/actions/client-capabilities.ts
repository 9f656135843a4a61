import { createHash } from "node:crypto";
import type { AppCredential } from "../connectors/microsoft-identity/token-source.ts";
import { graphCapabilities, TokenSource } from "../connectors/msgraph/index.ts";
import { parseCredential } from "../credentials/kinds.ts";
import type { KeySource } from "../credentials/keys.ts";
import { oneTimeLinks } from "../credentials/one-time-links.ts";
import { credentialVersion, readCredential, type StoredCredential } from "../credentials/repo.ts";
import type { ClientConfig } from "../domain/client.ts";
import { LifecycleError } from "../domain/errors.ts";
import type { Sql } from "../store/sql.ts";
import type { Capabilities } from "../ports/index.ts";

/** How a process finds a client's connectors. */
export type CapabilitiesResolver = (client: ClientConfig | undefined) => Promise<Capabilities>;

export interface CapabilityDeps {
  sql: Sql;
  keys: KeySource;
  /** The address one-time links point at; read when a link is made. */
  publicUrl: () => string | undefined;
}

const microsoftKeys = [
  "directory",
  "licensing",
  "mailboxes",
  "authentication",
  "devices",
  "mailSender",
  "mailboxAdmin",
] as const satisfies readonly (keyof Capabilities)[];

/**
 * Stands in for connectors that cannot be built, so each step that uses one fails with the reason (the
 * missing credential, named) instead of the generic "no connector". `then` stays undefined so the stand-in
 * is not mistaken for a promise.
 */
function failing<T extends object>(err: LifecycleError): T {
  return new Proxy({} as T, {
    get: (_target, prop) => (prop === "then" ? undefined : () => Promise.reject(err)),
  });
}

function withoutMicrosoft(client: ClientConfig, message: string): Capabilities {
  const err = new LifecycleError({
    kind: "invalid",
    code: "NotConfigured",
    message: `client ${client.id}: ${message}`,
  });
  return Object.fromEntries(microsoftKeys.map((k) => [k, failing(err)]));
}

/**
 * The product's resolver: each client's Microsoft connectors from its config and the credential store,
 * and one-time links for all. A client's connectors are kept until its Microsoft config or credential
 * changes (the credential's version is one small read per call).
 */
export function capabilitiesFor(deps: CapabilityDeps): CapabilitiesResolver {
  const links = oneTimeLinks(deps);
  const built = new Map<string, { fingerprint: string; caps: Capabilities }>();
  // TokenSource caches its MSAL apps by tenant and client id; keying by the credential too means a rotated
  // secret gets a fresh app instead of the cached one holding the old secret.
  const tokenSources = new Map<string, TokenSource>();
  const tokensFor = (authorityHost: string | undefined, credential: AppCredential) => {
    const key = `${authorityHost ?? ""}\u0000${createHash("sha256").update(JSON.stringify(credential)).digest("hex")}`;
    let tokens = tokenSources.get(key);
    if (!tokens) tokenSources.set(key, (tokens = new TokenSource({ authorityHost })));
    return tokens;
  };

  /** The app credential, or why there is none to use. */
  async function openCredential(
    ref: string,
  ): Promise<{ version: number; credential: AppCredential } | string> {
    let stored: StoredCredential | undefined;
    try {
      stored = await readCredential(deps.sql, deps.keys, ref);
    } catch (err) {
      // A missing master key or a tampered row fails every step the same way: say so in each.
      if (err instanceof LifecycleError) return err.message;
      throw err;
    }
    if (!stored) return `credential "${ref}" was removed from the credential store`;
    const parsed = stored.kind === "microsoft-app" ? parseCredential(stored.kind, stored.value) : undefined;
    if (!parsed?.ok) return `credential "${ref}" is not a Microsoft app credential (kind ${stored.kind})`;
    return { version: stored.version, credential: parsed.value };
  }

  async function microsoft(client: ClientConfig): Promise<Capabilities> {
    const config = client.microsoft;
    if (!config) return {};
    const ref = client.credentials.microsoft;
    if (!ref)
      return withoutMicrosoft(client, "has a microsoft section but no credentials.microsoft reference");
    const version = await credentialVersion(deps.sql, ref);
    if (version === undefined)
      return withoutMicrosoft(
        client,
        `credential "${ref}" is not in the credential store (add it with \`lifecycle credentials set ${ref}\`)`,
      );
    const fingerprint = (v: number) => JSON.stringify([config.tenantId, config.endpoints ?? null, ref, v]);
    const cached = built.get(client.id);
    if (cached?.fingerprint === fingerprint(version)) return cached.caps;
    const opened = await openCredential(ref);
    if (typeof opened === "string") return withoutMicrosoft(client, opened);
    const caps = graphCapabilities(tokensFor(config.endpoints?.authority, opened.credential), {
      tenantId: config.tenantId,
      credential: opened.credential,
      graphUrl: config.endpoints?.graph,
      exchangeUrl: config.endpoints?.exchange,
    });
    built.set(client.id, { fingerprint: fingerprint(opened.version), caps });
    return caps;
  }

  return async (client) => ({ ...(client ? await microsoft(client) : {}), oneTimeLinks: links });
}
