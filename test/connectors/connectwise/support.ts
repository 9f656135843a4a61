import { connectwiseConfig, connectwiseCredential } from "../../../src/connectors/connectwise/config.ts";
import { connectwisePsa } from "../../../src/connectors/connectwise/psa.ts";
import { CwTransport } from "../../../src/connectors/connectwise/transport.ts";
import type { ConnectorRuntime } from "../../../src/connectors/module.ts";
import type { Psa } from "../../../src/ports/psa.ts";
import { globex, globexApiKey, type ConnectWiseEmulator } from "../../../emulators/connectwise/index.ts";

export function sharedRuntime(): ConnectorRuntime {
  const shared = new Map<string, unknown>();
  return {
    shared<T>(key: string, make: () => T): T {
      if (!shared.has(key)) shared.set(key, make());
      return shared.get(key) as T;
    },
  };
}

/** The connector's PSA over the emulator, with short waits so retries are quick to see. */
export function globexPsa(
  cw: ConnectWiseEmulator,
  overrides: Record<string, unknown> = {},
  credential: Record<string, unknown> = {},
  runtime: ConnectorRuntime = sharedRuntime(),
): { psa: Psa; transport: CwTransport } {
  const config = connectwiseConfig.parse({
    site: cw.url,
    companyId: globex.company.id,
    boardId: globex.board.id,
    statuses: { "in-progress": "New", "waiting-on-customer": "Waiting Customer", completed: "Completed" },
    ...overrides,
  });
  const transport = new CwTransport({
    site: config.site,
    codebase: config.codebase,
    apiVersion: config.apiVersion,
    credential: connectwiseCredential.parse({ ...globexApiKey, ...credential }),
    pageSize: config.pageSize,
    runtime,
    backoffBaseMs: 5,
  });
  return { psa: connectwisePsa(config, transport), transport };
}

export const apiCalls = (cw: ConnectWiseEmulator) =>
  cw.admin.calls({ tenantId: globex.loginCompany }).filter((c) => c.api === "api");
