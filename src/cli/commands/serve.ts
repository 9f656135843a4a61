import { Command } from "commander";
import { buildServer } from "../../server/app.ts";
import { migrate } from "../../store/migrate.ts";
import { openStore, storeOptionsFromEnv } from "../../store/open.ts";
import type { Store } from "../../store/sql.ts";
import { CliError, exitCodes } from "../api.ts";
import { writeServerFile } from "../data-dir-lock.ts";
import { httpSettingsFromEnv, listenRefusal } from "../http-settings.ts";
import { usePrivateUmask } from "../../store/file-modes.ts";
import { exitOnUnhandledRejection } from "../unhandled-rejection.ts";
import type { AddressInfo } from "node:net";
import { portsFor } from "../../composition/index.ts";
import type { KeySource } from "../../credentials/keys.ts";
import { capabilitiesFromEnv, keysFor, liveStateFrom, openConfiguredStore, startWorker } from "../runtime.ts";
import { oidcSettingsFromEnv } from "../../staff/oidc/index.ts";
import { checkpointFileIn } from "../../store/audit/anchor.ts";
import { ensureFirstAdmin, writeCliToken } from "../../staff/index.ts";
import { auditAtStart } from "./audit.ts";
import type { CliContext } from "./context.ts";

/** The first admin's address when LIFECYCLE_ADMIN_EMAIL does not name one. */
export const defaultAdminEmail = "admin@lifecycle.localhost";

export interface StartOptions {
  port: number;
  host: string;
  /** Runs once the store is open, before the server listens (the demo seeds its clients here). */
  seed?: (store: Store, keys: KeySource) => Promise<void>;
  workers?: boolean;
}

/** Server and workers in one process: the embedded default, and a small MSP's whole installation. */
export async function startLifecycle(
  ctx: CliContext,
  opts: StartOptions,
): Promise<{ url: string; stop: () => Promise<void>; firstSignIn?: FirstSignIn }> {
  if (ctx.env.LIFECYCLE_API_TOKEN) {
    throw new CliError(
      "LIFECYCLE_API_TOKEN (one shared token) is no longer read: staff sign in, and automation uses " +
        "personal tokens (`lifecycle tokens create`, then LIFECYCLE_TOKEN=<token> on the caller). Unset it.",
      exitCodes.invalid,
    );
  }
  // Both before anything is opened or written: a refused start leaves no trace.
  const settings = httpSettingsFromEnv(ctx.env);
  if (!settings.ok)
    throw new CliError("the server's settings are not valid", exitCodes.invalid, settings.errors);
  const refusal = listenRefusal(opts.host, ctx.env);
  if (refusal) throw new CliError(refusal, exitCodes.invalid);
  usePrivateUmask();
  // One-time links and the OIDC callback point at this server unless LIFECYCLE_PUBLIC_URL names the
  // address people reach it at.
  const own: { url?: string } = {};
  const publicUrl = () => ctx.env.LIFECYCLE_PUBLIC_URL || own.url;
  // Checked before the store opens, so a mistyped variable costs no start-up.
  const oidc = oidcSettingsFromEnv(ctx.env, publicUrl);
  if (!oidc.ok)
    throw new CliError(
      "sign-in with the identity provider is not set up right",
      exitCodes.invalid,
      oidc.errors,
    );
  const opened = await openConfiguredStore(ctx.env);
  const { store, keys } = opened;
  const checkpointFile = checkpointFileIn(opened.dataDir);
  await opts.seed?.(store, keys);
  const resolve = portsFor({ sql: store, keys, publicUrl });
  const app = await buildServer({
    ...settings.value,
    store,
    keys,
    publicUrl,
    live: liveStateFrom(resolve),
    ports: resolve,
    auditCheckpointFile: checkpointFile,
    oidc: oidc.value,
  });
  const stopAudit = await auditAtStart(ctx, store, { file: checkpointFile, log: app.log });
  await app.listen({ port: opts.port, host: opts.host });
  const { port: listening } = app.server.address() as AddressInfo;
  const url = `http://${opts.host === "0.0.0.0" ? "127.0.0.1" : opts.host}:${listening}`;
  own.url = url;
  const firstSignIn = await bootstrapStaff(ctx, store, opened, url);
  // Started once the server listens, so the first step that shares a link already knows the address.
  const worker = opts.workers === false ? undefined : startWorker(store, { capabilities: resolve });
  await worker?.start();
  const removeServerFile = opened.embedded ? writeServerFile(opened.dataDir, url) : () => undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      removeServerFile();
      await app.close();
      await worker?.stop();
      await stopAudit();
      await store.close();
      opened.release();
    })());
  return { url, stop, ...(firstSignIn ? { firstSignIn } : {}) };
}

export interface FirstSignIn {
  email: string;
  link: string;
}

/**
 * Staff sign-in is on from the first start: a store with no staff gets an admin and a one-time link to
 * claim it (printed, never logged), and the CLI on this machine gets a fresh token in the data folder.
 */
async function bootstrapStaff(
  ctx: CliContext,
  store: Store,
  opened: { embedded: boolean; dataDir: string },
  url: string,
): Promise<FirstSignIn | undefined> {
  const email = ctx.env.LIFECYCLE_ADMIN_EMAIL || defaultAdminEmail;
  const first = await ensureFirstAdmin(store, email);
  await writeCliToken(store, opened.dataDir);
  if (!first) return undefined;
  const base = (ctx.env.LIFECYCLE_PUBLIC_URL || url).replace(/\/+$/, "");
  return { email: first.email, link: `${base}/sign-in/${first.signInToken}` };
}

/** Printed where a person reads it: the link is a one-time secret, so it goes to the terminal, not the log. */
export function printFirstSignIn(ctx: CliContext, first: FirstSignIn | undefined): void {
  if (!first) return;
  ctx.err(
    `First start: an admin account ${first.email} was created. Open this link once, within a day, to choose ` +
      `its password:\n  ${first.link}\n(Set LIFECYCLE_ADMIN_EMAIL before the first start for another address.)`,
  );
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new CliError(`--port must be 0-65535, got "${value}"`, exitCodes.invalid);
  return n;
}

export function untilSignal(stop: () => Promise<void>): void {
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      void stop().then(() => process.exit(0));
    });
  }
}

export function serveCommands(ctx: CliContext): Command[] {
  const start = new Command("start")
    .description("run the server and workers (embedded store unless DATABASE_URL is set)")
    .option("--port <port>", "listen port (default $PORT or 3000)", port)
    .option("--host <host>", "listen address", "127.0.0.1")
    .action(async (o: { port?: number; host: string }) => {
      exitOnUnhandledRejection((line) => ctx.err(line));
      const { url, stop, firstSignIn } = await startLifecycle(ctx, {
        port: o.port ?? Number(ctx.env.PORT ?? 3000),
        host: o.host,
      });
      ctx.err(`Lifecycle is listening on ${url} (${ctx.env.DATABASE_URL ? "PostgreSQL" : "embedded store"})`);
      printFirstSignIn(ctx, firstSignIn);
      untilSignal(stop);
    });
  const worker = new Command("worker")
    .description("run workers only, against PostgreSQL (DATABASE_URL); run as many processes as you like")
    .option("--slots <n>", "steps run at once by this process", (v) => Number(v), 8)
    .action(async (o: { slots: number }) => {
      const opts = storeOptionsFromEnv(ctx.env);
      if (!opts.databaseUrl) {
        throw new CliError(
          "`lifecycle worker` needs PostgreSQL (set DATABASE_URL); with the embedded store, `lifecycle start` runs the workers",
          exitCodes.invalid,
        );
      }
      exitOnUnhandledRejection((line) => ctx.err(line));
      usePrivateUmask();
      const keys = keysFor(ctx.env, { embedded: false });
      const store = await openStore({ ...opts, keys });
      const w = startWorker(store, {
        slots: o.slots,
        capabilities: capabilitiesFromEnv(ctx.env, store, keys),
      });
      await w.start();
      ctx.err(`worker ${w.id} is running`);
      untilSignal(async () => {
        await w.stop();
        await store.close();
      });
    });
  const migrateCmd = new Command("migrate")
    .description("apply database migrations and exit")
    .action(async () => {
      const opened = await openConfiguredStore(ctx.env);
      try {
        const { applied } = await migrate(opened.store);
        ctx.out(applied.length ? `applied ${applied.join(", ")}` : "the database is up to date");
      } finally {
        await opened.store.close();
        opened.release();
      }
    });
  return [start, worker, migrateCmd];
}
