import type { z } from "zod";
import { ok, parseWith, type Result } from "../domain/result.ts";
import type { PortName, Ports } from "../ports/index.ts";

/** What kind of system a connector speaks to: how the console groups them and a client names them. */
export type SystemKind = "identity" | "mail" | "licensing" | "devices" | "psa" | "rmm" | "docs" | "mailer";

/** A vendor API's budget for one client: steps at once, and requests per second on average. */
export interface RateLimit {
  concurrency: number;
  ratePerSecond: number;
  /** Slots past `concurrency`, and tokens past an empty bucket, that only urgent steps may take. */
  prioritySlots?: number;
}

/**
 * What every connector instance of this process may share: caches keyed by the connector (token sources,
 * MSAL apps), so two systems of one tenant or two clients on one app registration do not each hold one.
 */
export interface ConnectorRuntime {
  shared<T>(key: string, make: () => T): T;
}

/**
 * One vendor API, described once: the only thing composition needs to serve a client's ports with it.
 * `config` validates the client's section for this connector (without `connector`, `credential` and
 * `limits`, which every section has); `credential` names the kind the credential store seals.
 */
export interface ConnectorModule<Config = unknown, Credential = unknown, P extends PortName = PortName> {
  id: string;
  system: SystemKind;
  /** For people: "Microsoft Graph (Entra ID)". */
  title: string;
  config: z.ZodType<Config>;
  credential: { kind: string; schema: z.ZodType<Credential> } | undefined;
  provides: readonly P[];
  limits: RateLimit;
  build(config: Config, credential: Credential, runtime: ConnectorRuntime): Pick<Ports, P>;
  /**
   * The console's "Test connection": a token where the API has one, then one cheap read that any
   * credential fit for the connector's work may make. Resolves when both answered; otherwise throws the
   * vendor's failure (a LifecycleError with its code, the vendor's code, status and request id).
   */
  testConnection?(config: Config, credential: Credential, runtime: ConnectorRuntime): Promise<void>;
}

/**
 * A registry entry: what composition handles without knowing the vendor. `open` parses the client's
 * section and the credential with the connector's own schemas, so nothing reaches `build` unchecked.
 */
export interface Connector {
  id: string;
  system: SystemKind;
  title: string;
  provides: readonly PortName[];
  limits: RateLimit;
  config: z.ZodType;
  credential: { kind: string; schema: z.ZodType } | undefined;
  open(section: unknown, credential: unknown, runtime: ConnectorRuntime): Result<Partial<Ports>>;
  /** The module's connection test, after the section and the credential pass its schemas (else a failed Result). */
  testConnection?(section: unknown, credential: unknown, runtime: ConnectorRuntime): Promise<Result<void>>;
}

export function defineConnector<Config, Credential, P extends PortName>(
  module: ConnectorModule<Config, Credential, P>,
): Connector {
  const test = module.testConnection?.bind(module);
  const { testConnection: _own, ...described } = module;
  return {
    ...described,
    ...(test && {
      async testConnection(section: unknown, credential: unknown, runtime: ConnectorRuntime) {
        const config = parseWith(module.config, section, "config");
        if (!config.ok) return config;
        const secret = module.credential
          ? parseWith(module.credential.schema, credential, "credential")
          : ok(undefined as Credential);
        if (!secret.ok) return secret;
        await test(config.value, secret.value, runtime);
        return ok(undefined);
      },
    }),
    open(section, credential, runtime) {
      const config = parseWith(module.config, section, "config");
      if (!config.ok) return config;
      if (!module.credential) return ok(module.build(config.value, undefined as Credential, runtime));
      const secret = parseWith(module.credential.schema, credential, "credential");
      if (!secret.ok) return secret;
      return ok(module.build(config.value, secret.value, runtime));
    },
  };
}
