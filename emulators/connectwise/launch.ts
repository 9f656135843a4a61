import { emulatorDefinition } from "../kit/emulator.ts";
import { globex, startConnectWiseEmulator } from "./index.ts";

/** How `npm run emulators -- connectwise` starts this emulator (PROFILE fast | realistic, default realistic). */
export const connectwiseEmulator = emulatorDefinition({
  name: "connectwise",
  defaultPort: 4367,
  start: startConnectWiseEmulator,
  demoSeed: "globex",
  demoNotes: (emulator) => [
    `demo site: company ${globex.loginCompany}, public key ${globex.publicKey}, private key ${globex.privateKey}, clientId ${globex.clientId}`,
    `client Globex GmbH = company ${globex.company.id}, board ${globex.board.id}; API ${emulator.url}/${globex.codebase}apis/3.0`,
  ],
});
