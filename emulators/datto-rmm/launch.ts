import { emulatorDefinition } from "../kit/emulator.ts";
import { dattoDemo, startDattoRmmEmulator } from "./index.ts";

/** How `npm run emulators -- datto-rmm` starts this emulator (PROFILE fast | realistic, default realistic). */
export const dattoRmm = emulatorDefinition({
  name: "datto-rmm",
  defaultPort: 4372,
  start: startDattoRmmEmulator,
  demoSeed: "demo",
  addresses: (emulator) => [`api:    ${emulator.url}/api/v2`],
  demoNotes: (emulator) => [
    `demo API key ${dattoDemo.apiKey} / secret ${dattoDemo.apiSecret}`,
    `token:  POST ${emulator.url}/auth/oauth/token (Basic public-client:public, grant_type=password); Globex GmbH is site ${dattoDemo.globex.siteUid}, owner in ${dattoDemo.ownerUdf}`,
  ],
});
