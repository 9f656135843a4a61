import { OAuth2Tokens } from "../../../src/connectors/http/index.ts";
import { NinjaApi } from "../../../src/connectors/ninjaone/api.ts";
import {
  instanceUrlOf,
  ninjaOneConfig,
  ninjaOneScope,
  tokenUrlOf,
  type NinjaOneConfig,
} from "../../../src/connectors/ninjaone/config.ts";
import { ninjaRmm } from "../../../src/connectors/ninjaone/rmm.ts";
import type { Rmm } from "../../../src/ports/index.ts";
import {
  ninjaDemo,
  startNinjaOneEmulator,
  type NinjaOneEmulator,
} from "../../../emulators/ninjaone/index.ts";

export { ninjaDemo };

export interface Rig {
  ninja: NinjaOneEmulator;
  rmm: Rmm;
  api: NinjaApi;
  config: NinjaOneConfig;
  close(): Promise<void>;
}

export interface RigOptions {
  config?: Record<string, unknown>;
  credential?: { clientId: string; clientSecret: string };
  /** The scopes the token asks for (the connector's own by default). */
  scope?: string;
  /** Keep the emulator's own request budget (10 a second) instead of a roomy one. */
  realBudget?: boolean;
}

/**
 * The connector's own pieces against the emulator seeded with the demo MSP, Acme Corp's organisation,
 * the retry loop's waits shortened so failure paths run in milliseconds, and (unless asked) a request
 * budget no test meets by accident.
 */
export async function rig(opts: RigOptions = {}): Promise<Rig> {
  const ninja = await startNinjaOneEmulator({ profile: "fast", seed: "demo" });
  if (!opts.realBudget) ninja.admin.configure({ rateLimit: { requests: 10_000, windowMs: 1000 } });
  const config = ninjaOneConfig.parse({
    baseUrl: ninja.url,
    organizationId: ninjaDemo.acme.organizationId,
    ...opts.config,
  });
  const credential = opts.credential ?? {
    clientId: ninjaDemo.clientId,
    clientSecret: ninjaDemo.clientSecret,
  };
  const tokens = new OAuth2Tokens({
    api: "ninjaone",
    tokenUrl: tokenUrlOf(config),
    ...credential,
    scope: opts.scope ?? ninjaOneScope,
  });
  const api = new NinjaApi({
    instanceUrl: instanceUrlOf(config),
    authenticate: () => tokens.headers(),
    reauthenticate: () => tokens.invalidate(),
    pageSize: config.pageSize,
    http: { backoffBaseMs: 5, maxRetries: 3 },
  });
  return { ninja, rmm: ninjaRmm(api, config), api, config, close: () => ninja.close() };
}

/** The calls the emulator answered, as "METHOD /path?query status". */
export const wire = (ninja: NinjaOneEmulator): string[] =>
  ninja.admin.calls().map((c) => `${c.method} ${decodeURIComponent(c.url)} ${c.status}`);
