import type { EmulatorDefinition } from "../kit/launcher.ts";
import { initech, startAutotaskEmulator } from "./index.ts";
import { profileNames, type ProfileName } from "./settings.ts";

/** How `npm run emulators -- autotask` starts this emulator (PROFILE fast | realistic, default realistic). */
export const autotask: EmulatorDefinition = {
  name: "autotask",
  defaultPort: 4370,
  async start(opts) {
    const profile: ProfileName = profileNames.find((p) => p === opts.profile) ?? "realistic";
    const emulator = await startAutotaskEmulator({
      port: opts.port,
      host: opts.host,
      profile,
      ...(opts.tls ? { tls: opts.tls } : {}),
      ...(opts.demo ? { seed: "initech" as const } : {}),
      ...(opts.stateFile ? { stateFile: opts.stateFile } : {}),
    });
    const notes = [
      `profile ${profile}`,
      `admin:  ${emulator.url}/_admin`,
      `zone discovery: ${emulator.zoneDiscoveryUrl}?user=`,
    ];
    if (emulator.restored) notes.push(`state restored from ${opts.stateFile}`);
    if (opts.demo)
      notes.push(
        `demo company ${initech.companyName} (companyID ${initech.companyID}), API user ${initech.apiUser.userName}`,
        `open ticket ${initech.openTicketNumber}`,
      );
    return { url: emulator.url, cert: emulator.cert, notes, close: emulator.close };
  },
};
