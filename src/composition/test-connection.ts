import { performance } from "node:perf_hooks";
import type { Connector, ConnectorRuntime } from "../connectors/module.ts";
import { connectors } from "../connectors/registry.ts";
import type { KeySource } from "../credentials/keys.ts";
import { readCredential } from "../credentials/repo.ts";
import type { ClientConfig } from "../domain/client.ts";
import { LifecycleError } from "../domain/errors.ts";
import type { Sql } from "../store/sql.ts";
import { connectorSection } from "./systems.ts";

/** What the console's "Test connection" shows: whether the system answered, and if not, what it said. */
export interface ConnectionTest {
  ok: boolean;
  latencyMs: number;
  error?: {
    code: string;
    message: string;
    vendorCode: string | null;
    status: number | null;
    requestId: string | null;
  };
}

/** The credential's own text never appears in an answer, even where a vendor's message repeats it. */
function scrub(message: string, secret: unknown): string {
  const values: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string" && v.length >= 4) values.push(v);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(secret);
  return values.reduce((m, v) => m.replaceAll(v, "[redacted]"), message);
}

function failed(started: number, err: unknown, secret: unknown): ConnectionTest {
  const latencyMs = Math.round(performance.now() - started);
  if (err instanceof LifecycleError) {
    const f = err.failure;
    return {
      ok: false,
      latencyMs,
      error: {
        code: f.code ?? f.kind.toUpperCase(),
        message: scrub(f.message, secret),
        vendorCode: f.vendor?.code ?? null,
        status: f.vendor?.status ?? null,
        requestId: f.requestId ?? f.vendor?.requestId ?? null,
      },
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    ok: false,
    latencyMs,
    error: {
      code: "INTERNAL",
      message: scrub(message, secret),
      vendorCode: null,
      status: null,
      requestId: null,
    },
  };
}

const notConfigured = (message: string): ConnectionTest => ({
  ok: false,
  latencyMs: 0,
  error: { code: "NOT_CONFIGURED", message, vendorCode: null, status: null, requestId: null },
});

/** A runtime of its own: a test must fetch a token, not reuse one a running connector cached. */
function freshRuntime(): ConnectorRuntime {
  const shared = new Map<string, unknown>();
  return {
    shared<T>(key: string, make: () => T): T {
      if (!shared.has(key)) shared.set(key, make());
      return shared.get(key) as T;
    },
  };
}

/**
 * Tests one of the client's systems as saved: its credential opened from the store, its connector's own
 * test (a token and one cheap read). A failure is an answer, never a throw; "untestable" when the
 * system's connector has no test (or is unknown).
 */
export async function testSystemConnection(
  sql: Sql,
  keys: KeySource,
  client: ClientConfig,
  name: string,
  registry: readonly Connector[] = connectors,
): Promise<ConnectionTest | "untestable"> {
  const system = Object.hasOwn(client.systems, name) ? client.systems[name] : undefined;
  if (!system) return notConfigured(`client ${client.id} has no system "${name}"`);
  const connector = registry.find((c) => c.id === system.connector);
  if (!connector?.testConnection) return "untestable";
  const ref = system.credential;
  let secret: unknown;
  if (connector.credential) {
    if (!ref) return notConfigured(`the system names no credential: ${connector.title} needs one`);
    try {
      const stored = await readCredential(sql, keys, ref);
      if (!stored) return notConfigured(`credential "${ref}" is not in the credential store`);
      if (stored.kind !== connector.credential.kind)
        return notConfigured(
          `credential "${ref}" is a ${stored.kind} credential, not ${connector.credential.kind}`,
        );
      secret = stored.value;
    } catch (err) {
      // No master key, or a sealed value that does not open: said as the steps would say it.
      if (err instanceof LifecycleError) return failed(performance.now(), err, undefined);
      throw err;
    }
  }
  const started = performance.now();
  try {
    const result = await connector.testConnection(connectorSection(system), secret, freshRuntime());
    if (!result.ok) {
      const first = result.errors[0];
      return notConfigured(
        scrub(`its ${first?.field ?? "config"} ${first?.message ?? "is not valid"}`, secret),
      );
    }
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return failed(started, err, secret);
  }
}
