import { startEmulator, type EmulatorOptions, type StartedEmulator } from "../kit/emulator.ts";
import { ConnectWiseAdmin, registerVendorAdminRoutes } from "./admin.ts";
import { buildApp } from "./app.ts";
import { apiNames, createContext } from "./context.ts";
import { registerAdminRoutes } from "../kit/admin.ts";
import { persistenceOf } from "./persistence.ts";
import { globex, globexApiKey, seedGlobex } from "./seed-globex.ts";

/**
 * A stateful ConnectWise PSA (Manage) REST 3.0 emulator on emulators/kit: /login/companyinfo discovery,
 * Basic `company+public:private` with the clientId header, contacts, tickets, notes and board statuses,
 * conditions / childConditions, page / pageSize with the Link header, JSON-Patch, the vendor's error
 * envelopes, 429 + Retry-After from token buckets, faults and latency. See README.md.
 */

/** "globex" seeds the demo site. */
export type ConnectWiseEmulatorOptions = EmulatorOptions<ConnectWiseAdmin, "globex">;

/**
 * `url` is the site's base URL: companyinfo at `${url}/login/companyinfo/{companyId}`, the API at
 * `${url}/{codebase}apis/3.0`.
 */
export type ConnectWiseEmulator = StartedEmulator<ConnectWiseAdmin>;

export async function startConnectWiseEmulator(
  opts: ConnectWiseEmulatorOptions = {},
): Promise<ConnectWiseEmulator> {
  const ctx = createContext(opts.profile ?? "fast");
  const admin = new ConnectWiseAdmin(ctx);
  return startEmulator(opts, {
    admin,
    seeds: { globex: seedGlobex },
    persistence: persistenceOf(ctx),
    serve: (onMutation) => {
      const server = buildApp(ctx, { tls: opts.tls, onMutation });
      registerAdminRoutes(server.app, admin, {
        apis: apiNames,
        vendorRoutes: (route) => registerVendorAdminRoutes(route, admin),
      });
      return server;
    },
  });
}

export { ConnectWiseAdmin, globex, globexApiKey, seedGlobex };
export type { CallRecordCw } from "./context.ts";
export type { Settings, SettingsInput, ProfileName } from "./settings.ts";
