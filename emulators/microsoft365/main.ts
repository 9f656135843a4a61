// `npm run emulators`: the Microsoft 365 emulator on its own. PORT (default 4365), HOST, PROFILE
// (fast | realistic, default realistic); `--demo` seeds the Acme tenant.
import { acme, startMicrosoft365Emulator } from "./index.ts";

const env = process.env;
const demo = process.argv.includes("--demo");
const profile = env.PROFILE === "fast" ? "fast" : "realistic";
const emulator = await startMicrosoft365Emulator({
  port: Number(env.PORT ?? 4365),
  host: env.HOST ?? "127.0.0.1",
  profile,
  ...(demo ? { seed: "acme" as const } : {}),
});
process.stdout.write(`Microsoft 365 emulator (${profile}) listening on ${emulator.url}\n`);
process.stdout.write(`  admin:  ${emulator.url}/_admin\n`);
if (demo) {
  process.stdout.write(
    `  demo tenant ${acme.domain} (${acme.tenantId}), app ${acme.clientId} / secret ${acme.clientSecret}\n` +
      `  token:  POST ${emulator.url}/${acme.domain}/oauth2/v2.0/token\n`,
  );
}
const stop = (): void => {
  emulator.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
