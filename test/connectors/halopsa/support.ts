import { OAuth2Tokens } from "../../../src/connectors/http/index.ts";
import { HaloApi } from "../../../src/connectors/halopsa/api.ts";
import {
  apiUrlOf,
  haloPsaConfig,
  tokenUrlOf,
  type HaloPsaConfig,
} from "../../../src/connectors/halopsa/config.ts";
import { haloPsa } from "../../../src/connectors/halopsa/psa.ts";
import type { Psa } from "../../../src/ports/index.ts";
import { haloDemo, startHaloPsaEmulator, type HaloPsaEmulator } from "../../../emulators/halopsa/index.ts";

export { haloDemo };

export interface Rig {
  halo: HaloPsaEmulator;
  psa: Psa;
  api: HaloApi;
  config: HaloPsaConfig;
  tokens: OAuth2Tokens;
  close(): Promise<void>;
}

/**
 * The connector's own pieces against the emulator seeded with the demo MSP, with the retry loop's waits
 * shortened so failure paths run in milliseconds. `config` overrides Acme's section.
 */
export async function rig(
  config: Record<string, unknown> = {},
  credential: { clientId: string; clientSecret: string } = {
    clientId: haloDemo.clientId,
    clientSecret: haloDemo.clientSecret,
  },
): Promise<Rig> {
  const halo = await startHaloPsaEmulator({ profile: "fast", seed: "demo" });
  const parsed = haloPsaConfig.parse({
    url: halo.url,
    clientId: haloDemo.acme.clientId,
    siteId: haloDemo.acme.siteId,
    statuses: haloDemo.statuses,
    ...config,
  });
  const tokens = new OAuth2Tokens({
    api: "halopsa",
    tokenUrl: tokenUrlOf(parsed),
    clientId: credential.clientId,
    clientSecret: credential.clientSecret,
    scope: "all",
  });
  const api = new HaloApi({
    apiUrl: apiUrlOf(parsed),
    authenticate: () => tokens.headers(),
    reauthenticate: () => tokens.invalidate(),
    pageSize: parsed.pageSize,
    http: { backoffBaseMs: 5, maxRetries: 3 },
  });
  return { halo, psa: haloPsa(api, parsed), api, config: parsed, tokens, close: () => halo.close() };
}

/** The API calls the emulator answered, as "METHOD /path?query status". */
export const wire = (halo: HaloPsaEmulator): string[] =>
  halo.admin.calls().map((c) => `${c.method} ${c.url} ${c.status}`);
