import { emulatorDefinition } from "../kit/emulator.ts";
import { haloDemo, startHaloPsaEmulator } from "./index.ts";

/** How `npm run emulators -- halopsa` starts this emulator (PROFILE fast | realistic, default realistic). */
export const halopsa = emulatorDefinition({
  name: "halopsa",
  defaultPort: 4366,
  start: startHaloPsaEmulator,
  demoSeed: "demo",
  addresses: (emulator) => [`api:    ${emulator.url}/api`],
  demoNotes: (emulator) => [
    `demo API application ${haloDemo.clientId} / secret ${haloDemo.clientSecret}`,
    `token:  POST ${emulator.url}/auth/token (scope=all); Acme Corp is client ${haloDemo.acme.clientId}, site ${haloDemo.acme.siteId}, ticket ${haloDemo.acme.ticket}`,
  ],
});
