import { listen, type TlsOption } from "../kit/server.ts";
import { AdminError, AutotaskAdmin } from "./admin.ts";
import { buildApp, restPrefix } from "./app.ts";
import { createContext, type AutotaskCall } from "./context.ts";
import { restore, snapshotOf } from "./persistence.ts";
import { initech, seedInitech } from "./seed-initech.ts";
import type { ProfileName } from "./settings.ts";

/**
 * A stateful Autotask PSA REST emulator: zone discovery, the three authentication headers, contacts,
 * tickets, ticket notes and the threshold endpoint the connector uses, strict queries with nextPageUrl
 * paging, `{"itemId": n}` writes, refusals as HTTP 500 `{"errors": [...]}`, the thread limit and the
 * hourly threshold, faults and latency through emulators/kit. See README.md.
 */
export interface AutotaskEmulatorOptions {
  port?: number;
  host?: string;
  profile?: ProfileName;
  /** "initech" seeds the demo company; a function may seed anything through the admin. */
  seed?: "initech" | ((admin: AutotaskAdmin) => void | Promise<void>);
  tls?: TlsOption;
  stateFile?: string;
}

export interface AutotaskEmulator {
  /** Base URL; the REST root is `${url}/ATServicesRest/`, zone discovery `${zoneDiscoveryUrl}`. */
  url: string;
  zoneDiscoveryUrl: string;
  admin: AutotaskAdmin;
  cert: string | Buffer | undefined;
  restored: boolean;
  close(): Promise<void>;
}

export async function startAutotaskEmulator(opts: AutotaskEmulatorOptions = {}): Promise<AutotaskEmulator> {
  const ctx = createContext(opts.profile ?? "fast");
  const admin = new AutotaskAdmin(ctx);
  const snapshot = opts.stateFile ? snapshotOf(ctx, opts.stateFile) : undefined;
  const restored = snapshot ? restore(ctx, snapshot) : false;
  if (!restored) {
    if (opts.seed === "initech") seedInitech(admin);
    else if (opts.seed) await opts.seed(admin);
    snapshot?.flush();
  }
  const server = buildApp(ctx, admin, {
    tls: opts.tls,
    ...(snapshot ? { onMutation: () => snapshot.schedule() } : {}),
  });
  const url = await listen(server, { port: opts.port, host: opts.host });
  return {
    url,
    zoneDiscoveryUrl: `${url}${restPrefix.toLowerCase()}/v1.0/zoneInformation`,
    admin,
    cert: server.tls?.cert,
    restored,
    close: async () => {
      await server.app.close();
      snapshot?.close();
    },
  };
}

export { AdminError, AutotaskAdmin, initech, seedInitech };
export type { AutotaskCall };
export type { Settings as AutotaskSettings, ProfileName as AutotaskProfileName } from "./settings.ts";
