import { startEmulator, type EmulatorOptions, type StartedEmulator } from "../kit/emulator.ts";
import { AdminError, Microsoft365Admin } from "./admin.ts";
import { buildApp } from "./app.ts";
import { createContext } from "./context.ts";
import { persistenceOf } from "./persistence.ts";
import { seedAcme } from "./seed-acme.ts";
import { seedGlobexInitech } from "./seed-globex-initech.ts";

/**
 * A stateful Microsoft 365 emulator: the identity platform's token endpoint, Graph v1.0 and the
 * Exchange Online admin API for any number of tenants, on one port, with switches for latency,
 * replication lag, provisioning delays, throttling and faults. Built on emulators/kit. See README.md.
 */

/**
 * "acme" seeds the product page's tenant, "demo" the demo's three (Acme, Globex, Initech); `tls` is for
 * MSAL and the Graph SDK, which refuse http.
 */
export type Microsoft365EmulatorOptions = EmulatorOptions<Microsoft365Admin, "acme" | "demo">;

/** `url` is e.g. http://127.0.0.1:53123: Graph is `${url}/v1.0`, tokens `${url}/{tenant}/oauth2/v2.0/token`. */
export type Microsoft365Emulator = StartedEmulator<Microsoft365Admin>;

export async function startMicrosoft365Emulator(
  opts: Microsoft365EmulatorOptions = {},
): Promise<Microsoft365Emulator> {
  const ctx = createContext(opts.profile ?? "fast");
  const admin = new Microsoft365Admin(ctx);
  return startEmulator(opts, {
    admin,
    seeds: {
      acme: seedAcme,
      demo: (a) => {
        seedAcme(a);
        seedGlobexInitech(a);
      },
    },
    persistence: persistenceOf(ctx),
    serve: (onMutation) => buildApp(ctx, admin, { tls: opts.tls, onMutation }),
  });
}

export { AdminError, Microsoft365Admin, seedAcme };
export { acme, type AcmeSeed } from "./seed-acme.ts";
export {
  globexTenant,
  initechTenant,
  seedGlobexInitech,
  type TenantSeedSpec,
} from "./seed-globex-initech.ts";
export type { GroupInfo, MailboxInfo, TenantInfo, UserInfo } from "./admin-views.ts";
export type { CallRecord, CallQuery } from "./context.ts";
export type { FaultRule, FaultSeed } from "../kit/faults.ts";
export type { LatencyClass, ProfileName } from "./latency.ts";
export type { Settings } from "./settings.ts";
export type { ThrottleBudget } from "./throttling.ts";
export type * from "./seed-schemas.ts";
