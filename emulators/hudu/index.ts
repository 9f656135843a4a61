import { registerAdminRoutes } from "../kit/admin.ts";
import { startEmulator, type EmulatorOptions, type StartedEmulator } from "../kit/emulator.ts";
import { HuduAdmin, registerVendorAdminRoutes } from "./admin.ts";
import { buildApp } from "./app.ts";
import { apiNames, createContext } from "./context.ts";
import { persistenceOf } from "./persistence.ts";
import { huduDemo, seedHuduDemo } from "./seed-demo.ts";

/**
 * A stateful Hudu emulator on emulators/kit: REST API v1 under /api/v1 with the x-api-key header (keys
 * with or without password access), companies, asset layouts, assets (people of a People layout) with
 * custom_fields and archive, asset passwords with archive, `page` / `page_size` paging without totals,
 * Rack::Attack's 429 "Retry later" per fixed window, faults and latency. See README.md.
 */

/** "demo" seeds the demo instance. */
export type HuduEmulatorOptions = EmulatorOptions<HuduAdmin, "demo">;

/** `url` is the instance: the API at `${url}/api/v1`. */
export type HuduEmulator = StartedEmulator<HuduAdmin>;

export async function startHuduEmulator(opts: HuduEmulatorOptions = {}): Promise<HuduEmulator> {
  const ctx = createContext(opts.profile ?? "fast");
  const admin = new HuduAdmin(ctx);
  return startEmulator(opts, {
    admin,
    seeds: { demo: seedHuduDemo },
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

export { HuduAdmin, huduDemo, seedHuduDemo };
export type { CallRecordHudu } from "./context.ts";
export type { Settings, SettingsInput, ProfileName } from "./settings.ts";
