import { emulatorDefinition } from "../kit/emulator.ts";
import { acme, startMicrosoft365Emulator } from "./index.ts";

/** How `npm run emulators` starts this emulator (PROFILE fast | realistic, default realistic). */
export const microsoft365 = emulatorDefinition({
  name: "microsoft365",
  defaultPort: 4365,
  start: startMicrosoft365Emulator,
  demoSeed: "acme",
  demoNotes: (emulator) => [
    `demo tenant ${acme.domain} (${acme.tenantId}), app ${acme.clientId} / secret ${acme.clientSecret}`,
    `token:  POST ${emulator.url}/${acme.domain}/oauth2/v2.0/token`,
  ],
});
