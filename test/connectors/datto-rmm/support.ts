import { DattoApi } from "../../../src/connectors/datto-rmm/api.ts";
import {
  apiUrlOf,
  dattoRmmConfig,
  tokenUrlOf,
  type DattoRmmConfig,
  type DattoRmmCredential,
} from "../../../src/connectors/datto-rmm/config.ts";
import { dattoTokens } from "../../../src/connectors/datto-rmm/module.ts";
import { dattoRmm } from "../../../src/connectors/datto-rmm/rmm.ts";
import type { OAuth2Tokens } from "../../../src/connectors/http/index.ts";
import type { Rmm } from "../../../src/ports/index.ts";
import {
  dattoDemo,
  startDattoRmmEmulator,
  type DattoRmmEmulator,
} from "../../../emulators/datto-rmm/index.ts";

export { dattoDemo };

export const demoCredential: DattoRmmCredential = {
  apiKey: dattoDemo.apiKey,
  apiSecret: dattoDemo.apiSecret,
};

/** Globex's section of a client config, against the emulator. */
export const globexSection = (emu: DattoRmmEmulator, extra: Record<string, unknown> = {}) => ({
  baseUrl: emu.url,
  siteUid: dattoDemo.globex.siteUid,
  ownerUdf: dattoDemo.ownerUdf,
  ...extra,
});

export interface Rig {
  emu: DattoRmmEmulator;
  rmm: Rmm;
  api: DattoApi;
  config: DattoRmmConfig;
  tokens: OAuth2Tokens;
  close(): Promise<void>;
}

/**
 * The connector's own pieces against the emulator seeded with the demo MSP, with the retry loop's waits
 * shortened so failure paths run in milliseconds. `config` overrides Globex's section.
 */
export async function rig(
  config: Record<string, unknown> = {},
  credential: DattoRmmCredential = demoCredential,
  emulator?: DattoRmmEmulator,
): Promise<Rig> {
  const emu = emulator ?? (await startDattoRmmEmulator({ profile: "fast", seed: "demo" }));
  const parsed = dattoRmmConfig.parse(globexSection(emu, config));
  const tokens = dattoTokens(tokenUrlOf(parsed), credential);
  const api = new DattoApi({
    apiUrl: apiUrlOf(parsed),
    authenticate: () => tokens.headers(),
    reauthenticate: () => tokens.invalidate(),
    pageSize: parsed.pageSize,
    http: { backoffBaseMs: 5, maxRetries: 3 },
  });
  return { emu, rmm: dattoRmm(api, parsed), api, config: parsed, tokens, close: () => emu.close() };
}

/** The API calls the emulator answered, as "METHOD /path?query status". */
export const wire = (emu: DattoRmmEmulator): string[] =>
  emu.admin.calls({ api: "api" }).map((c) => `${c.method} ${c.url} ${c.status}`);
