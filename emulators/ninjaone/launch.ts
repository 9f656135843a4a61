import { emulatorDefinition } from "../kit/emulator.ts";
import { ninjaDemo, startNinjaOneEmulator } from "./index.ts";

/** How `npm run emulators -- ninjaone` starts this emulator (PROFILE fast | realistic, default realistic). */
export const ninjaone = emulatorDefinition({
  name: "ninjaone",
  defaultPort: 4371,
  start: startNinjaOneEmulator,
  demoSeed: "demo",
  addresses: (emulator) => [`api:    ${emulator.url}/v2`],
  demoNotes: (emulator) => [
    `demo API client app ${ninjaDemo.clientId} / secret ${ninjaDemo.clientSecret}`,
    `token:  POST ${emulator.url}/ws/oauth/token (scope=monitoring management); Acme Corp is organization ${ninjaDemo.acme.organizationId}, Initech ${ninjaDemo.initech.organizationId}`,
  ],
});
