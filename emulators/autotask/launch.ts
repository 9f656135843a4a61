import { emulatorDefinition } from "../kit/emulator.ts";
import { initech, startAutotaskEmulator } from "./index.ts";

/** How `npm run emulators -- autotask` starts this emulator (PROFILE fast | realistic, default realistic). */
export const autotask = emulatorDefinition({
  name: "autotask",
  defaultPort: 4370,
  start: startAutotaskEmulator,
  demoSeed: "initech",
  addresses: (emulator) => [`zone discovery: ${emulator.zoneDiscoveryUrl}?user=`],
  demoNotes: () => [
    `demo company ${initech.companyName} (companyID ${initech.companyID}), API user ${initech.apiUser.userName}`,
    `open ticket ${initech.openTicketNumber}`,
  ],
});
