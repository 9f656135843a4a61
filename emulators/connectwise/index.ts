import { SnapshotFile } from "../kit/snapshot.ts";
import { listen, type TlsOption } from "../kit/server.ts";
import { ConnectWiseAdmin, registerVendorAdminRoutes } from "./admin.ts";
import { buildApp } from "./app.ts";
import { apiNames, createContext, type CwContext } from "./context.ts";
import { registerAdminRoutes } from "../kit/admin.ts";
import type { Instance } from "./model.ts";
import type { ProfileName } from "./settings.ts";
import { globex, seedGlobex } from "./seed-globex.ts";

/**
 * A stateful ConnectWise PSA (Manage) REST 3.0 emulator on emulators/kit: /login/companyinfo discovery,
 * Basic `company+public:private` with the clientId header, contacts, tickets, notes and board statuses,
 * conditions / childConditions, page / pageSize with the Link header, JSON-Patch, the vendor's error
 * envelopes, 429 + Retry-After from token buckets, faults and latency. See README.md.
 */

export interface ConnectWiseEmulatorOptions {
  port?: number;
  host?: string;
  profile?: ProfileName;
  /** "globex" seeds the demo site; a function may seed anything through the admin. */
  seed?: "globex" | ((admin: ConnectWiseAdmin) => void | Promise<void>);
  tls?: TlsOption;
  /** Keep the sites in this JSON file across restarts (then `seed` is skipped when it has state). */
  stateFile?: string;
}

export interface ConnectWiseEmulator {
  /** The site's base URL: companyinfo at `${url}/login/companyinfo/{companyId}`, the API at `${url}/{codebase}apis/3.0`. */
  url: string;
  admin: ConnectWiseAdmin;
  cert: string | Buffer | undefined;
  restored: boolean;
  close(): Promise<void>;
}

interface SavedState {
  version: 1;
  instances: Map<string, Instance>;
  clockOffsetMs: number;
}

function restore(ctx: CwContext, snapshot: SnapshotFile): boolean {
  const saved = snapshot.load() as SavedState | undefined;
  if (saved === undefined) return false;
  if (saved.version !== 1 || !(saved.instances instanceof Map))
    throw new Error(`${snapshot.path} is not a ConnectWise emulator snapshot`);
  for (const [key, instance] of saved.instances) ctx.instances.set(key, instance);
  ctx.clock.offset = saved.clockOffsetMs;
  return true;
}

export async function startConnectWiseEmulator(
  opts: ConnectWiseEmulatorOptions = {},
): Promise<ConnectWiseEmulator> {
  const ctx = createContext(opts.profile ?? "fast");
  const admin = new ConnectWiseAdmin(ctx);
  // Faults, buckets and the call log are about one run; the sites are what a restart keeps.
  const snapshot = opts.stateFile
    ? new SnapshotFile(opts.stateFile, (): SavedState => ({
        version: 1,
        instances: ctx.instances,
        clockOffsetMs: ctx.clock.offset,
      }))
    : undefined;
  const restored = snapshot ? restore(ctx, snapshot) : false;
  if (!restored) {
    if (opts.seed === "globex") seedGlobex(admin);
    else if (opts.seed) await opts.seed(admin);
    snapshot?.flush();
  }
  const server = buildApp(ctx, {
    tls: opts.tls,
    ...(snapshot ? { onMutation: () => snapshot.schedule() } : {}),
  });
  registerAdminRoutes(server.app, admin, {
    apis: apiNames,
    vendorRoutes: (route) => registerVendorAdminRoutes(route, admin),
  });
  const url = await listen(server, { port: opts.port, host: opts.host });
  return {
    url,
    admin,
    cert: server.tls?.cert,
    restored,
    close: async () => {
      await server.app.close();
      snapshot?.close();
    },
  };
}

export { ConnectWiseAdmin, globex, seedGlobex };
export type { CallRecordCw } from "./context.ts";
export type { Settings, SettingsInput, ProfileName } from "./settings.ts";
