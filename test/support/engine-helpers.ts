import { deriveRunStatus, type RunStatus } from "../../src/domain/run-status.ts";
import { getRun } from "../../src/engine/read.ts";
import type { Store } from "../../src/store/sql.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import type { ClientConfig } from "../../src/domain/client.ts";
import { parseClient } from "../../src/composition/index.ts";

export async function waitForStatus(
  store: Store,
  runId: string,
  want: RunStatus[],
  timeoutMs = 20_000,
): Promise<RunStatus> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const run = await getRun(store, runId);
    if (want.includes(run.status)) return run.status;
    if (Date.now() > until)
      throw new Error(
        `run ${runId} is ${run.status}, wanted ${want.join("|")} (actions: ${run.actions.map((a) => `${a.key}=${a.state}`).join(", ")})`,
      );
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A client config that must be valid: a typo in a fixture fails loudly, naming the field. */
function validClient(input: unknown): ClientConfig {
  const parsed = parseClient(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

export const testClientConfig = (id = "acme"): ClientConfig =>
  validClient({
    id,
    displayName: `Client ${id}`,
    domains: [`${id}.example.com`],
    timeZone: "Europe/Berlin",
    usernameFormat: { pattern: "{first}.{last}", collision: "numeric-suffix" },
    transliteration: { umlauts: "expand" },
    usageLocation: "DE",
  });

export async function seedClient(store: Store, id = "acme"): Promise<ClientConfig> {
  const config = testClientConfig(id);
  await upsertClient(store, config);
  return config;
}

export { deriveRunStatus };

/** Entra ID through Graph and Exchange Online, on one app registration: a Microsoft 365 client's systems. */
export const microsoftSystems = (tenantId: string, credential: string) => ({
  entra: { connector: "msgraph", tenantId, credential },
  exchange: { connector: "exchange-online", tenantId, credential },
});

/** Acme as the product page describes it, with Microsoft 365 for identity and mail. */
export function acmeClient(): ClientConfig {
  return validClient({
    id: "acme",
    displayName: "Acme Corp",
    domains: ["acmecorp.com"],
    timeZone: "America/New_York",
    usageLocation: "US",
    licensesByRole: { staff: ["SPB"] },
    groupsByDepartment: { Marketing: ["Marketing", "All-Staff"] },
    systems: microsoftSystems("acmecorp.onmicrosoft.com", "acme/microsoft-app"),
  });
}
