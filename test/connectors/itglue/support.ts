import { ItglueClient } from "../../../src/connectors/itglue/client.ts";
import { apiUrlOf, itglueConfig, type ItglueConfig } from "../../../src/connectors/itglue/config.ts";
import { itglueDocs } from "../../../src/connectors/itglue/docs.ts";
import type { Docs } from "../../../src/ports/index.ts";
import { itglueDemo, startItglueEmulator, type ItglueEmulator } from "../../../emulators/itglue/index.ts";

export { itglueDemo };

export interface Rig {
  emu: ItglueEmulator;
  docs: Docs;
  client: ItglueClient;
  config: ItglueConfig;
  close(): Promise<void>;
}

/** Acme's section: the former type retires, new people are Employees. */
export const acmeSection = (emu: ItglueEmulator, overrides: Record<string, unknown> = {}) => ({
  baseUrl: emu.url,
  organizationId: itglueDemo.acme.organizationId,
  contactTypeId: itglueDemo.contactTypes.employee,
  offboard: { contactTypeId: itglueDemo.contactTypes.formerEmployee },
  ...overrides,
});

/**
 * The connector's own pieces against the emulator seeded with the demo MSP, with the retry loop's waits
 * shortened so failure paths run in milliseconds. `config` overrides Acme's section.
 */
export async function rig(
  config: Record<string, unknown> = {},
  apiKey: string = itglueDemo.apiKey,
): Promise<Rig> {
  const emu = await startItglueEmulator({ profile: "fast", seed: "demo" });
  const parsed = itglueConfig.parse(acmeSection(emu, config));
  const client = new ItglueClient({
    apiUrl: apiUrlOf(parsed),
    apiKey,
    pageSize: parsed.pageSize,
    http: { backoffBaseMs: 5, maxRetries: 3 },
  });
  return { emu, docs: itglueDocs(client, parsed), client, config: parsed, close: () => emu.close() };
}

/** The calls the emulator answered, as "METHOD /path?query status", the query decoded for reading. */
export const wire = (emu: ItglueEmulator): string[] =>
  emu.admin.calls().map((c) => `${c.method} ${decodeURIComponent(c.url)} ${c.status}`);
