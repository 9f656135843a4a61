import { AdminError, Microsoft365Admin } from "./admin.ts";
import { buildApp } from "./app.ts";
import { createContext } from "./context.ts";
import type { ProfileName } from "./latency.ts";
import { seedAcme } from "./seed-acme.ts";

/**
 * A stateful Microsoft 365 emulator: the identity platform's token endpoint, Graph v1.0 and the
 * Exchange Online admin API for any number of tenants, on one port, with switches for latency,
 * replication lag, provisioning delays, throttling and faults. See README.md.
 */

export interface Microsoft365EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  profile?: ProfileName;
  /** "acme" seeds the demo tenant; a function may seed anything through the admin. */
  seed?: "acme" | ((admin: Microsoft365Admin) => void | Promise<void>);
  /** PEM key and certificate to serve HTTPS (see README: MSAL refuses http authorities). */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export interface Microsoft365Emulator {
  /** Base URL, e.g. http://127.0.0.1:53123: Graph is `${url}/v1.0`, tokens `${url}/{tenant}/oauth2/v2.0/token`. */
  url: string;
  admin: Microsoft365Admin;
  close(): Promise<void>;
}

export async function startMicrosoft365Emulator(
  opts: Microsoft365EmulatorOptions = {},
): Promise<Microsoft365Emulator> {
  const ctx = createContext(opts.profile ?? "fast");
  const admin = new Microsoft365Admin(ctx);
  if (opts.seed === "acme") seedAcme(admin);
  else if (opts.seed) await opts.seed(admin);
  const app = await buildApp(ctx, admin, opts.tls ? { tls: opts.tls } : {});
  const host = opts.host ?? "127.0.0.1";
  await app.listen({ port: opts.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : opts.port;
  const shownHost =
    host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  return {
    url: `${opts.tls ? "https" : "http"}://${shownHost}:${port}`,
    admin,
    close: () => app.close(),
  };
}

export { AdminError, Microsoft365Admin, seedAcme };
export { acme, type AcmeSeed } from "./seed-acme.ts";
export { devTls, devTlsCertPath } from "./tls.ts";
export type { GroupInfo, MailboxInfo, TenantInfo, UserInfo } from "./admin-views.ts";
export type { CallRecord, CallQuery } from "./calls.ts";
export type { FaultRule } from "./faults.ts";
export type { LatencyClass, ProfileName } from "./latency.ts";
export type { Settings } from "./settings.ts";
export type { ThrottleBudget } from "./throttling.ts";
export type * from "./seed-schemas.ts";
