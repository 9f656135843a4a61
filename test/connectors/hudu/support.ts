import { HuduApi } from "../../../src/connectors/hudu/api.ts";
import { apiUrlOf, huduConfig, type HuduConfig } from "../../../src/connectors/hudu/config.ts";
import { huduDocs } from "../../../src/connectors/hudu/docs.ts";
import type { Docs } from "../../../src/ports/docs.ts";
import { huduDemo, type HuduEmulator } from "../../../emulators/hudu/index.ts";

/** Globex's section, as a client's config names it: the emulator's instance, company and People layout. */
export const globexSection = (emulator: HuduEmulator, overrides: Record<string, unknown> = {}) => ({
  baseUrl: emulator.url,
  companyId: huduDemo.companies.globex.id,
  peopleLayoutId: huduDemo.peopleLayout.id,
  ...overrides,
});

/** The connector's docs port over the emulator, with short waits so retries are quick to see. */
export function globexDocs(
  emulator: HuduEmulator,
  opts: { section?: Record<string, unknown>; apiKey?: string; maxRetries?: number } = {},
): { docs: Docs; api: HuduApi; config: HuduConfig } {
  const config = huduConfig.parse(globexSection(emulator, opts.section));
  const api = new HuduApi({
    apiUrl: apiUrlOf(config),
    apiKey: opts.apiKey ?? huduDemo.apiKey,
    pageSize: config.pageSize,
    rateWindowSeconds: config.rateWindowSeconds,
    http: { backoffBaseMs: 5, ...(opts.maxRetries !== undefined ? { maxRetries: opts.maxRetries } : {}) },
  });
  return { docs: huduDocs(api, config), api, config };
}

export const apiCalls = (emulator: HuduEmulator) => emulator.admin.calls().filter((c) => c.api === "api");
