import { emulatorDefinition } from "../kit/emulator.ts";
import { huduDemo, startHuduEmulator } from "./index.ts";

/** How `npm run emulators -- hudu` starts this emulator (PROFILE fast | realistic, default realistic). */
export const huduEmulator = emulatorDefinition({
  name: "hudu",
  defaultPort: 4375,
  start: startHuduEmulator,
  demoSeed: "demo",
  addresses: (emulator) => [`api:    ${emulator.url}/api/v1`],
  demoNotes: () => [
    `demo key ${huduDemo.apiKey} (x-api-key, password access)`,
    `Globex GmbH = company ${huduDemo.companies.globex.id}, Initech = company ${huduDemo.companies.initech.id}, People layout ${huduDemo.peopleLayout.id}; ${huduDemo.tom.email} with a password entry`,
  ],
});
