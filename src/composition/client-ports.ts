import type { Connector, ConnectorRuntime } from "../connectors/module.ts";
import { connectors } from "../connectors/registry.ts";
import type { KeySource } from "../credentials/keys.ts";
import { approvalLinks } from "../credentials/approval-links.ts";
import { initialPasswords } from "../credentials/initial-passwords.ts";
import { oneTimeLinks } from "../credentials/one-time-links.ts";
import { credentialVersion, readCredential, type StoredCredential } from "../credentials/repo.ts";
import type { ClientConfig, SystemConfig } from "../domain/client.ts";
import { LifecycleError } from "../domain/errors.ts";
import { portNames, type Capabilities, type PortName, type Ports } from "../ports/index.ts";
import type { Sql } from "../store/sql.ts";
import { runRecordOf } from "./run-record.ts";
import { clientSystems, connectorSection } from "./systems.ts";

/** A step's routing: which of the client's systems serves a port, where it differs from the default. */
export type PortBinding = Readonly<Partial<Record<string, string>>>;

/** Lifecycle's own ports, served to every client whatever its systems. */
export const ownPortNames = [
  "oneTimeLinks",
  "initialPasswords",
  "approvalLinks",
  "runRecord",
] as const satisfies readonly PortName[];

/** How a process finds the ports a client's step speaks to. */
export type PortsResolver = (client: ClientConfig | undefined, bind?: PortBinding) => Promise<Capabilities>;

export interface PortsDeps {
  sql: Sql;
  keys: KeySource;
  /** The address one-time and approval links point at; read when a link is made. */
  publicUrl: () => string | undefined;
  registry?: readonly Connector[];
}

/**
 * Stands in for a port that cannot be served, so each step that uses it fails with the reason (the
 * missing credential, named) instead of a generic "no connector". `then` stays undefined so the stand-in
 * is not mistaken for a promise.
 */
function failing<T extends object>(err: LifecycleError): T {
  return new Proxy({} as T, {
    get: (_target, prop) => (prop === "then" ? undefined : () => Promise.reject(err)),
  });
}

/**
 * Every failure a port raises names the system that answered: that system is the rate bucket a 429
 * throttles, whatever the step's own label says.
 */
function answeringFor<T extends object>(port: T, system: string): T {
  return new Proxy(port, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const stamp = (err: unknown) => {
          if (err instanceof LifecycleError && err.failure.system === undefined) err.failure.system = system;
          throw err;
        };
        try {
          const out: unknown = value.apply(target, args);
          return out instanceof Promise ? out.catch(stamp) : out;
        } catch (err) {
          return stamp(err);
        }
      };
    },
  });
}

interface Built {
  fingerprint: string;
  ports: Partial<Ports>;
}

/**
 * The product's resolver: each client's systems built by their connectors from the config and the
 * credential store, and Lifecycle's own ports (one-time links, initial passwords, …) for all. A system's instance is kept until its section or its
 * credential changes (the credential's version is one small read per system and call).
 */
export function portsFor(deps: PortsDeps): PortsResolver {
  const registry = deps.registry ?? connectors;
  const links = oneTimeLinks(deps);
  const own: Pick<Ports, (typeof ownPortNames)[number]> = {
    oneTimeLinks: links,
    initialPasswords: initialPasswords(deps),
    approvalLinks: approvalLinks(deps),
    runRecord: runRecordOf(deps.sql, deps.publicUrl),
  };
  const built = new Map<string, Built>();
  const shared = new Map<string, unknown>();
  const runtime: ConnectorRuntime = {
    shared<T>(key: string, make: () => T): T {
      if (!shared.has(key)) shared.set(key, make());
      return shared.get(key) as T;
    },
  };

  const unavailable = (client: ClientConfig, name: string, connector: Connector, why: string) => {
    const err = new LifecycleError({
      kind: "invalid",
      code: "NOT_CONFIGURED",
      message: `client ${client.id}, system ${name} (${connector.title}): ${why}`,
      system: name,
    });
    return Object.fromEntries(connector.provides.map((p) => [p, failing(err)])) as Partial<Ports>;
  };

  /** The credential, or why there is none to use. */
  async function openCredential(ref: string, kind: string): Promise<StoredCredential | string> {
    let stored: StoredCredential | undefined;
    try {
      stored = await readCredential(deps.sql, deps.keys, ref);
    } catch (err) {
      // A missing master key or a tampered row fails every step the same way: say so in each.
      if (err instanceof LifecycleError) return err.message;
      throw err;
    }
    if (!stored) return `credential "${ref}" was removed from the credential store`;
    if (stored.kind !== kind) return `credential "${ref}" is not a ${kind} credential (kind ${stored.kind})`;
    return stored;
  }

  async function system(client: ClientConfig, name: string, config: SystemConfig): Promise<Partial<Ports>> {
    const connector = registry.find((c) => c.id === config.connector);
    if (!connector) return {};
    const section = connectorSection(config);
    const ref = config.credential;
    let version: number | undefined;
    if (connector.credential) {
      if (!ref) return unavailable(client, name, connector, "the system names no credential");
      version = await credentialVersion(deps.sql, ref);
      if (version === undefined)
        return unavailable(
          client,
          name,
          connector,
          `credential "${ref}" is not in the credential store (add it with \`lifecycle credentials set ${ref}\`)`,
        );
    }
    const key = `${client.id}\u0000${name}`;
    const fingerprint = (v: number | undefined) => JSON.stringify([config, v ?? null]);
    const cached = built.get(key);
    if (cached?.fingerprint === fingerprint(version)) return cached.ports;
    let secret: unknown;
    if (connector.credential && ref) {
      const opened = await openCredential(ref, connector.credential.kind);
      if (typeof opened === "string") return unavailable(client, name, connector, opened);
      secret = opened.value;
      version = opened.version;
    }
    const result = connector.open(section, secret, runtime);
    if (!result.ok) {
      const first = result.errors[0];
      return unavailable(
        client,
        name,
        connector,
        `its ${first?.field ?? "config"} ${first?.message ?? "is invalid"}`,
      );
    }
    const ports = Object.fromEntries(
      Object.entries(result.value).map(([port, impl]) => [port, answeringFor(impl as object, name)]),
    ) as Partial<Ports>;
    built.set(key, { fingerprint: fingerprint(version), ports });
    return ports;
  }

  return async (client, bind = {}) => {
    if (!client) return { ...own };
    const systems = clientSystems(client, registry);
    const instances = new Map<string, Partial<Ports>>();
    const instance = async (name: string) => {
      let ports = instances.get(name);
      const config = Object.hasOwn(client.systems, name) ? client.systems[name] : undefined;
      if (!ports) instances.set(name, (ports = config ? await system(client, name, config) : {}));
      return ports;
    };
    const caps: Record<string, unknown> = { ...own };
    for (const port of portNames) {
      const name = bind[port] ?? systems.servedBy(port);
      if (!name) continue;
      const served = (await instance(name))[port as PortName];
      if (served) caps[port] = served;
    }
    return caps as Capabilities;
  };
}
