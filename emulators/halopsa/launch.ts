import type { EmulatorDefinition } from "../kit/launcher.ts";
import { haloDemo, startHaloPsaEmulator } from "./index.ts";
import { profileNames, type ProfileName } from "./settings.ts";

/** How `npm run emulators -- halopsa` starts this emulator (PROFILE fast | realistic, default realistic). */
export const halopsa: EmulatorDefinition = {
  name: "halopsa",
  defaultPort: 4366,
  async start(opts) {
    const profile: ProfileName = profileNames.find((p) => p === opts.profile) ?? "realistic";
    const emulator = await startHaloPsaEmulator({
      port: opts.port,
      host: opts.host,
      profile,
      ...(opts.tls ? { tls: opts.tls } : {}),
      ...(opts.demo ? { seed: "demo" as const } : {}),
      ...(opts.stateFile ? { stateFile: opts.stateFile } : {}),
    });
    const notes = [`profile ${profile}`, `admin:  ${emulator.url}/_admin`, `api:    ${emulator.url}/api`];
    if (emulator.restored) notes.push(`state restored from ${opts.stateFile}`);
    if (opts.demo)
      notes.push(
        `demo API application ${haloDemo.clientId} / secret ${haloDemo.clientSecret}`,
        `token:  POST ${emulator.url}/auth/token (scope=all); Acme Corp is client ${haloDemo.acme.clientId}, site ${haloDemo.acme.siteId}, ticket ${haloDemo.acme.ticket}`,
      );
    return { url: emulator.url, cert: emulator.cert, notes, close: emulator.close };
  },
};
