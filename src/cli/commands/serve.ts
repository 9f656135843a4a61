import { Command } from "commander";
import { buildServer } from "../../server/app.ts";
import { migrate } from "../../store/migrate.ts";
import { openStore, storeOptionsFromEnv } from "../../store/open.ts";
import type { Store } from "../../store/sql.ts";
import { CliError, exitCodes } from "../api.ts";
import { writeServerFile } from "../data-dir-lock.ts";
import { exitOnUnhandledRejection } from "../unhandled-rejection.ts";
import type { AddressInfo } from "node:net";
import { portsFor } from "../../composition/index.ts";
import type { KeySource } from "../../credentials/keys.ts";
import { capabilitiesFromEnv, keysFor, liveStateFrom, openConfiguredStore, startWorker } from "../runtime.ts";
import { oidcSettingsFromEnv } from "../../staff/oidc/index.ts";
import { checkpointFileIn } from "../../store/audit/anchor.ts";
import { auditAtStart } from "./audit.ts";
import type { CliContext } from "./context.ts";

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
): Promise<{ url: string; stop: () => Promise<void> }> {
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
    store,
    keys,
    apiToken: ctx.env.LIFECYCLE_API_TOKEN || undefined,
    logger: ctx.env.LIFECYCLE_LOG === "1",
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
  return { url, stop };
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
      const { url, stop } = await startLifecycle(ctx, {
        port: o.port ?? Number(ctx.env.PORT ?? 3000),
        host: o.host,
      });
      ctx.err(`Lifecycle is listening on ${url} (${ctx.env.DATABASE_URL ? "PostgreSQL" : "embedded store"})`);
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
