import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TlsOption } from "./server.ts";

/**
 * Runs any set of emulators as one process (`npm run emulators`). Each vendor describes itself once
 * (EmulatorDefinition); emulators/main.ts lists them, so a new vendor is one line there.
 *
 *   npm run emulators -- [name …] [--demo] [--https] [--cert-out file.pem] [--state-dir dir]
 *
 * No names: all of them. PORT sets the port when one emulator runs (0: any free port), otherwise
 * <NAME>_PORT (MICROSOFT365_PORT …) or the vendor's default; HOST; PROFILE (the vendor's profile
 * names). `--https` serves a self-signed certificate made at start, written with `--cert-out` for
 * NODE_EXTRA_CA_CERTS. `--state-dir` keeps each emulator's state in <dir>/<name>.json across restarts.
 */

export interface LaunchOptions {
  port: number;
  host: string;
  profile: string | undefined;
  tls: TlsOption | undefined;
  /** Seed the vendor's demo data (only when no saved state exists). */
  demo: boolean;
  stateFile: string | undefined;
}

export interface Launched {
  url: string;
  /** PEM of the certificate served, when https. */
  cert: string | Buffer | undefined;
  /** Lines worth printing: demo credentials, where the admin surface is. */
  notes: string[];
  close(): Promise<void>;
}

export interface EmulatorDefinition {
  name: string;
  defaultPort: number;
  start(opts: LaunchOptions): Promise<Launched>;
}

export interface LaunchIo {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  out(line: string): void;
}

export async function launch(
  definitions: readonly EmulatorDefinition[],
  io: LaunchIo,
): Promise<{ running: Map<string, Launched>; stop(): Promise<void> }> {
  const { names, flags, values } = parseArgs(io.argv);
  const unknown = names.filter((n) => !definitions.some((d) => d.name === n));
  if (unknown.length)
    throw new Error(
      `unknown emulator ${unknown.join(", ")}; known: ${definitions.map((d) => d.name).join(", ")}`,
    );
  const chosen = names.length ? definitions.filter((d) => names.includes(d.name)) : [...definitions];
  const running = new Map<string, Launched>();
  const certs: string[] = [];
  for (const def of chosen) {
    const envPort = chosen.length === 1 ? io.env.PORT : io.env[`${def.name.toUpperCase()}_PORT`];
    const stateDir = values.get("state-dir");
    const launched = await def.start({
      port: envPort !== undefined && envPort !== "" ? Number(envPort) : def.defaultPort,
      host: io.env.HOST ?? "127.0.0.1",
      profile: io.env.PROFILE || undefined,
      tls: flags.has("https") ? "generate" : undefined,
      demo: flags.has("demo"),
      stateFile: stateDir ? join(stateDir, `${def.name}.json`) : undefined,
    });
    running.set(def.name, launched);
    if (launched.cert) certs.push(String(launched.cert));
    io.out(`emulator ${def.name} listening on ${launched.url}`);
    for (const note of launched.notes) io.out(`  ${note}`);
  }
  const certOut = values.get("cert-out");
  if (certOut) {
    writeFileSync(certOut, certs.join(""));
    io.out(`certificates written to ${certOut}`);
  }
  io.out("ready");
  return {
    running,
    stop: async () => {
      for (const launched of running.values()) await launched.close();
    },
  };
}

function parseArgs(argv: readonly string[]): {
  names: string[];
  flags: Set<string>;
  values: Map<string, string>;
} {
  const names: string[] = [];
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const takesValue = new Set(["cert-out", "state-dir"]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (!arg.startsWith("--")) {
      names.push(arg);
      continue;
    }
    const [flag = "", inline] = arg.slice(2).split("=", 2);
    if (!takesValue.has(flag)) {
      flags.add(flag);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${flag} needs a value`);
    values.set(flag, value);
  }
  return { names, flags, values };
}
