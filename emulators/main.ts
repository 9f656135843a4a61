// `npm run emulators`: any set of the emulators as one process (see kit/launcher.ts for the flags).
import { emulators } from "./all.ts";
import { launch } from "./kit/launcher.ts";

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
