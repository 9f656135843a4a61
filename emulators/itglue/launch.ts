import { emulatorDefinition } from "../kit/emulator.ts";
import { itglueDemo, startItglueEmulator } from "./index.ts";

/** How `npm run emulators -- itglue` starts this emulator (PROFILE fast | realistic, default realistic). */
export const itglue = emulatorDefinition({
  name: "itglue",
  defaultPort: 4374,
  start: startItglueEmulator,
  demoSeed: "demo",
  demoNotes: () => [
    `demo API key ${itglueDemo.apiKey} (x-api-key)`,
    `Acme Corp is organisation ${itglueDemo.acme.organizationId}; contact types Employee ${itglueDemo.contactTypes.employee}, Former Employee ${itglueDemo.contactTypes.formerEmployee}`,
  ],
});
