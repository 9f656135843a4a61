import type { EmulatorDefinition } from "../kit/launcher.ts";
import { acme, startMicrosoft365Emulator } from "./index.ts";
import { profileNames, type ProfileName } from "./latency.ts";

/** How `npm run emulators` starts this emulator (PROFILE fast | realistic, default realistic). */
export const microsoft365: EmulatorDefinition = {
  name: "microsoft365",
  defaultPort: 4365,
  async start(opts) {
    const profile: ProfileName = profileNames.find((p) => p === opts.profile) ?? "realistic";
    const emulator = await startMicrosoft365Emulator({
      port: opts.port,
      host: opts.host,
      profile,
      ...(opts.tls ? { tls: opts.tls } : {}),
      ...(opts.demo ? { seed: "acme" as const } : {}),
      ...(opts.stateFile ? { stateFile: opts.stateFile } : {}),
    });
    const notes = [`profile ${profile}`, `admin:  ${emulator.url}/_admin`];
    if (emulator.restored) notes.push(`state restored from ${opts.stateFile}`);
    if (opts.demo)
      notes.push(
        `demo tenant ${acme.domain} (${acme.tenantId}), app ${acme.clientId} / secret ${acme.clientSecret}`,
        `token:  POST ${emulator.url}/${acme.domain}/oauth2/v2.0/token`,
      );
    return { url: emulator.url, cert: emulator.cert, notes, close: emulator.close };
  },
};
