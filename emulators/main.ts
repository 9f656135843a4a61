// `npm run emulators`: any set of the emulators as one process (see kit/launcher.ts for the flags).
import { launch, type EmulatorDefinition } from "./kit/launcher.ts";
import { autotask } from "./autotask/launch.ts";
import { connectwiseEmulator } from "./connectwise/launch.ts";
import { halopsa } from "./halopsa/launch.ts";
import { microsoft365 } from "./microsoft365/launch.ts";
import { ninjaone } from "./ninjaone/launch.ts";

/** Every emulator the launcher knows; a new vendor is one line here. */
const emulators: EmulatorDefinition[] = [microsoft365, halopsa, connectwiseEmulator, autotask, ninjaone];

const launched = await launch(emulators, {
  argv: process.argv.slice(2),
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
});
const stop = (): void => {
  launched.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
