import type { Connector, RateLimit } from "../connectors/module.ts";
import { connectors } from "../connectors/registry.ts";
import type { ClientConfig, SystemConfig } from "../domain/client.ts";
import { failAll, ok, parseWith, type FieldError, type Result } from "../domain/result.ts";
import type { PlanSystems } from "../planner/index.ts";
import { portNames, type PortName } from "../ports/index.ts";

/** The keys every system section has; the rest is the connector's own configuration. */
export function connectorSection(system: SystemConfig): Record<string, unknown> {
  const { connector: _c, credential: _cr, limits: _l, ...section } = system;
  return section;
}

const isPort = (s: string): s is PortName => (portNames as readonly string[]).includes(s);

/** How a client's systems serve the ports: each port's default system, and each system's connector. */
export interface ClientSystems {
  /** The system that serves a port unless a step names another; undefined when none does. */
  servedBy(port: PortName): string | undefined;
  /** The systems that could serve a port, in config order. */
  providers(port: PortName): string[];
  connectorOf(system: string): Connector | undefined;
}

export function clientSystems(
  client: ClientConfig,
  registry: readonly Connector[] = connectors,
): ClientSystems {
  const byId = new Map(registry.map((c) => [c.id, c]));
  const connectorOf = (system: string) => {
    const s = Object.hasOwn(client.systems, system) ? client.systems[system] : undefined;
    return s && byId.get(s.connector);
  };
  const providers = (port: PortName) =>
    Object.keys(client.systems).filter((name) => connectorOf(name)?.provides.includes(port));
  return {
    connectorOf,
    providers,
    servedBy(port) {
      const named = Object.hasOwn(client.serve, port) ? client.serve[port] : undefined;
      if (named) return named;
      const [only, ...more] = providers(port);
      return more.length ? undefined : only;
    },
  };
}

/**
 * What the domain schema cannot check, since it knows no connector: each system names a known connector
 * whose own schema accepts the section, a credential where the connector needs one, and `serve` entries
 * that name ports the system provides; a port two systems provide must say which serves it.
 */
export function checkSystems(
  client: ClientConfig,
  registry: readonly Connector[] = connectors,
): Result<ClientConfig> {
  const errors: FieldError[] = [];
  const systems = clientSystems(client, registry);
  for (const [name, system] of Object.entries(client.systems)) {
    const field = `systems.${name}`;
    const connector = registry.find((c) => c.id === system.connector);
    if (!connector) {
      errors.push({
        field: `${field}.connector`,
        message: `is not a known connector: one of ${registry.map((c) => c.id).join(", ")}`,
      });
      continue;
    }
    const parsed = parseWith(connector.config, connectorSection(system), "");
    if (!parsed.ok)
      for (const e of parsed.errors)
        errors.push({ field: e.field ? `${field}.${e.field}` : field, message: e.message });
    if (connector.credential && !system.credential)
      errors.push({
        field: `${field}.credential`,
        message: `is required: ${connector.title} needs a ${connector.credential.kind} credential from the credential store`,
      });
  }
  for (const [port, system] of Object.entries(client.serve)) {
    if (!isPort(port)) {
      errors.push({ field: `serve.${port}`, message: `is not a port: one of ${portNames.join(", ")}` });
      continue;
    }
    const connector = systems.connectorOf(system);
    if (connector && !connector.provides.includes(port))
      errors.push({
        field: `serve.${port}`,
        message: `names "${system}", whose connector ${connector.id} does not provide ${port}`,
      });
  }
  for (const port of portNames) {
    const candidates = systems.providers(port);
    if (candidates.length > 1 && !Object.hasOwn(client.serve, port))
      errors.push({
        field: `serve.${port}`,
        message: `is required: ${candidates.join(" and ")} both provide ${port}; say which serves it`,
      });
  }
  // A password derived for a vault that is not there would be one nobody can read: a mistake to say now.
  if (client.identity.initialPassword === "vault" && !systems.servedBy("docs"))
    errors.push({
      field: "identity.initialPassword",
      message: `is "vault", but none of the client's systems is a documentation vault (${registry
        .filter((c) => c.provides.includes("docs"))
        .map((c) => c.title)
        .join(", ")}): add one, or keep "unknowable"`,
    });
  return errors.length ? failAll(errors) : ok(client);
}

/** The planner's view of the client's systems. */
export function planSystemsOf(
  client: ClientConfig,
  registry: readonly Connector[] = connectors,
): PlanSystems {
  const systems = clientSystems(client, registry);
  return { servedBy: systems.servedBy, portsOf: (name) => systems.connectorOf(name)?.provides ?? [] };
}

/** Each system's rate bucket: its own limits, or its connector's defaults. */
export function limitsOf(
  client: ClientConfig,
  registry: readonly Connector[] = connectors,
): Record<string, RateLimit> {
  const systems = clientSystems(client, registry);
  return Object.fromEntries(
    Object.entries(client.systems).flatMap(([name, s]) => {
      const limit = s.limits ?? systems.connectorOf(name)?.limits;
      return limit ? [[name, limit]] : [];
    }),
  );
}
