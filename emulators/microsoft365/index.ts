import type { TlsOption } from "../kit/server.ts";
import { listen } from "../kit/server.ts";
import { AdminError, Microsoft365Admin } from "./admin.ts";
import { buildApp } from "./app.ts";
import { createContext } from "./context.ts";
import type { ProfileName } from "./latency.ts";
import { restore, snapshotOf } from "./persistence.ts";
import { seedAcme } from "./seed-acme.ts";

/**
 * A stateful Microsoft 365 emulator: the identity platform's token endpoint, Graph v1.0 and the
 * Exchange Online admin API for any number of tenants, on one port, with switches for latency,
 * replication lag, provisioning delays, throttling and faults. Built on emulators/kit. See README.md.
 */

export interface Microsoft365EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  profile?: ProfileName;
  /** "acme" seeds the demo tenant; a function may seed anything through the admin. */
  seed?: "acme" | ((admin: Microsoft365Admin) => void | Promise<void>);
  /** Serve HTTPS (MSAL and the Graph SDK refuse http): a PEM pair, or "generate" for one made at start. */
  tls?: TlsOption;
  /**
   * Keep the state in this JSON file: loaded at start (and then `seed` is skipped), written shortly
   * after every change and on close, so a killed process comes back with its tenants.
   */
  stateFile?: string;
}

export interface Microsoft365Emulator {
  /** Base URL, e.g. http://127.0.0.1:53123: Graph is `${url}/v1.0`, tokens `${url}/{tenant}/oauth2/v2.0/token`. */
  url: string;
  admin: Microsoft365Admin;
  /** The certificate served, when https: what a client must trust. */
  cert: string | Buffer | undefined;
  /** Whether the state came from `stateFile` rather than from `seed`. */
  restored: boolean;
  close(): Promise<void>;
}

export async function startMicrosoft365Emulator(
  opts: Microsoft365EmulatorOptions = {},
): Promise<Microsoft365Emulator> {
  const ctx = createContext(opts.profile ?? "fast");
  const admin = new Microsoft365Admin(ctx);
  const snapshot = opts.stateFile ? snapshotOf(ctx, opts.stateFile) : undefined;
  const restored = snapshot ? restore(ctx, snapshot) : false;
  if (!restored) {
    if (opts.seed === "acme") seedAcme(admin);
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
    admin,
    cert: server.tls?.cert,
    restored,
    close: async () => {
      await server.app.close();
      snapshot?.close();
    },
  };
}

export { AdminError, Microsoft365Admin, seedAcme };
export { acme, type AcmeSeed } from "./seed-acme.ts";
export type { GroupInfo, MailboxInfo, TenantInfo, UserInfo } from "./admin-views.ts";
export type { CallRecord, CallQuery } from "./context.ts";
export type { FaultRule, FaultSeed } from "../kit/faults.ts";
export type { LatencyClass, ProfileName } from "./latency.ts";
export type { Settings } from "./settings.ts";
export type { ThrottleBudget } from "./throttling.ts";
export type * from "./seed-schemas.ts";
