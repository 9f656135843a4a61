import type { EmulatorDefinition } from "./launcher.ts";
import { profileNames, type ProfileName } from "./profiles.ts";
import { listen, type EmulatorServer, type TlsOption } from "./server.ts";
import { SnapshotFile } from "./snapshot.ts";

/**
 * Starting a vendor emulator: its state kept in a file when asked (restored, or else seeded, before it
 * serves), the server listening, and closing that writes what is pending. The vendor brings its state,
 * its seeds and its server; `emulatorDefinition` is how `npm run emulators` starts it.
 */

export interface EmulatorOptions<Admin, Seed extends string> {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  profile?: ProfileName;
  /** A seed the vendor names (its demo data); a function may seed anything through the admin. */
  seed?: Seed | ((admin: Admin) => void | Promise<void>);
  /** Serve HTTPS: a PEM pair, or "generate" for one made at start. */
  tls?: TlsOption;
  /**
   * Keep the state in this JSON file: loaded at start (and then `seed` is skipped), written shortly
   * after every change and on close, so a killed process comes back with what it had.
   */
  stateFile?: string;
}

export interface StartedEmulator<Admin> {
  url: string;
  admin: Admin;
  /** The certificate served, when https: what a client must trust. */
  cert: string | Buffer | undefined;
  /** Whether the state came from `stateFile` rather than from `seed`. */
  restored: boolean;
  close(): Promise<void>;
}

/** What of an emulator's state survives a restart; faults, buckets and the call log are about one run. */
export interface Persistence {
  /** The state as the snapshot file keeps it (Maps, Sets and Buffers are fine). */
  capture(): unknown;
  /** Puts what `capture` saved back into the fresh state; throws when `saved` is not such a state. */
  restore(saved: unknown, path: string): void;
}

export interface EmulatorParts<Admin, Seed extends string> {
  admin: Admin;
  seeds: Record<Seed, (admin: Admin) => void>;
  persistence: Persistence;
  /** The server with all its routes; `onMutation` is given when a state file is kept. */
  serve(onMutation: (() => void) | undefined): EmulatorServer;
}

export async function startEmulator<Admin, Seed extends string>(
  opts: EmulatorOptions<Admin, Seed>,
  parts: NoInfer<EmulatorParts<Admin, Seed>>,
): Promise<StartedEmulator<Admin>> {
  const { admin, persistence } = parts;
  const snapshot = opts.stateFile ? new SnapshotFile(opts.stateFile, () => persistence.capture()) : undefined;
  const saved = snapshot?.load();
  if (snapshot && saved !== undefined) persistence.restore(saved, snapshot.path);
  const restored = saved !== undefined;
  if (!restored) {
    if (typeof opts.seed === "function") await opts.seed(admin);
    else if (opts.seed) parts.seeds[opts.seed](admin);
    snapshot?.flush();
  }
  const server = parts.serve(snapshot ? () => snapshot.schedule() : undefined);
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

/**
 * How `npm run emulators` starts a vendor's emulator: PROFILE names the profile (realistic when it
 * names none, since the launcher is for people watching), --demo seeds `demoSeed`, and the lines
 * printed say the profile, the admin surface, the vendor's addresses and, with --demo, its demo data.
 */
export function emulatorDefinition<Admin, Seed extends string, E extends StartedEmulator<Admin>>(vendor: {
  name: string;
  defaultPort: number;
  start: (opts: EmulatorOptions<Admin, Seed>) => Promise<E>;
  demoSeed: NoInfer<Seed>;
  addresses?: (emulator: NoInfer<E>) => string[];
  demoNotes: (emulator: NoInfer<E>) => string[];
}): EmulatorDefinition {
  return {
    name: vendor.name,
    defaultPort: vendor.defaultPort,
    async start(opts) {
      const profile = profileNames.find((p) => p === opts.profile) ?? "realistic";
      const emulator = await vendor.start({
        port: opts.port,
        host: opts.host,
        profile,
        ...(opts.tls ? { tls: opts.tls } : {}),
        ...(opts.demo ? { seed: vendor.demoSeed } : {}),
        ...(opts.stateFile ? { stateFile: opts.stateFile } : {}),
      });
      const notes = [
        `profile ${profile}`,
        `admin:  ${emulator.url}/_admin`,
        ...(vendor.addresses?.(emulator) ?? []),
      ];
      if (emulator.restored) notes.push(`state restored from ${opts.stateFile}`);
      if (opts.demo) notes.push(...vendor.demoNotes(emulator));
      return { url: emulator.url, cert: emulator.cert, notes, close: emulator.close };
    },
  };
}
