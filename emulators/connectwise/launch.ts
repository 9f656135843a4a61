import type { EmulatorDefinition } from "../kit/launcher.ts";
import { globex, startConnectWiseEmulator } from "./index.ts";
import { profileNames, type ProfileName } from "./settings.ts";

/** How `npm run emulators -- connectwise` starts this emulator (PROFILE fast | realistic, default realistic). */
export const connectwiseEmulator: EmulatorDefinition = {
  name: "connectwise",
  defaultPort: 4367,
  async start(opts) {
    const profile: ProfileName = profileNames.find((p) => p === opts.profile) ?? "realistic";
    const emulator = await startConnectWiseEmulator({
      port: opts.port,
      host: opts.host,
      profile,
      ...(opts.tls ? { tls: opts.tls } : {}),
      ...(opts.demo ? { seed: "globex" as const } : {}),
      ...(opts.stateFile ? { stateFile: opts.stateFile } : {}),
    });
    const notes = [`profile ${profile}`, `admin:  ${emulator.url}/_admin`];
    if (emulator.restored) notes.push(`state restored from ${opts.stateFile}`);
    if (opts.demo)
      notes.push(
        `demo site: company ${globex.loginCompany}, public key ${globex.publicKey}, private key ${globex.privateKey}, clientId ${globex.clientId}`,
        `client Globex GmbH = company ${globex.company.id}, board ${globex.board.id}; API ${emulator.url}/${globex.codebase}apis/3.0`,
      );
    return { url: emulator.url, cert: emulator.cert, notes, close: emulator.close };
  },
};
