import { join } from "node:path";
// `npm start`: Lifecycle on its embedded store with a demo MSP, so a newcomer sees it work in a minute.
import { parseClient } from "../../src/composition/index.ts";
import { printFirstSignIn, startLifecycle, untilSignal } from "../../src/cli/commands/serve.ts";
import { connect } from "../../src/cli/runtime.ts";
import { listClients, upsertClient } from "../../src/store/clients-repo.ts";
import { demoClients } from "./clients.ts";
import { connectDemoSystems } from "./connect.ts";
import { demoMicrosoft365, microsoft365Connections } from "./microsoft.ts";
import { demoPsas, psaConnections } from "./psa.ts";
import { demoRmmDocs, rmmDocsConnections, rmmDocsViews } from "./rmm-docs.ts";
import { globexTenant } from "../microsoft365/index.ts";
import { ninjaDemo } from "../ninjaone/seed-demo.ts";

const env = process.env;
// Realistic latency by default, so the timeline looks like production; LIFECYCLE_DEMO_PROFILE=fast for speed.
// The same data folder as the embedded store (LIFECYCLE_DATA_DIR, default ./data) keeps the emulator's state.
const profile = env.LIFECYCLE_DEMO_PROFILE === "fast" ? "fast" : "realistic";
const dataDir = env.LIFECYCLE_DATA_DIR || "./data";
// The server's log goes beside the data, so the terminal keeps the demo's own lines.
env.LIFECYCLE_LOG_FILE ??= join(dataDir, "server.log");
const [emulator, psas, rmmDocs] = await Promise.all([
  demoMicrosoft365(profile, dataDir),
  demoPsas(profile, dataDir),
  demoRmmDocs(profile, dataDir),
]);
const ctx = {
  env,
  actor: "demo",
  out: (t: string) => process.stdout.write(`${t}\n`),
  err: (t: string) => process.stderr.write(`${t}\n`),
  setExitCode: () => undefined,
  connect: (o: { worker: boolean }) => connect(env, o),
};
const { url, stop, firstSignIn } = await startLifecycle(ctx, {
  port: Number(env.PORT ?? 3000),
  host: env.HOST ?? "127.0.0.1",
  async seed(store, keys) {
    if (!(await listClients(store)).length) {
      for (const input of demoClients) {
        const parsed = parseClient(input);
        if (!parsed.ok)
          throw new Error(`demo client ${input.id} is invalid: ${JSON.stringify(parsed.errors)}`);
        await upsertClient(store, parsed.value);
      }
    }
    await connectDemoSystems(store, keys, {
      ...microsoft365Connections(emulator),
      ...psaConnections(psas),
      ...rmmDocsConnections(rmmDocs),
    });
  },
});
const views = rmmDocsViews(rmmDocs);
process.stderr.write(
  `Lifecycle demo is listening on ${url} (its log: ${env.LIFECYCLE_LOG_FILE})\n` +
    `The console: open ${url} in a browser and sign in (the first start's link below sets the admin's password)\n` +
    `Try, in another terminal:\n` +
    `  npx lifecycle clients list\n` +
    `  npx lifecycle onboard --client acme --first-name Sarah --last-name Johnson --department Marketing --manager mike.chen@acmecorp.com --ticket 48291 --device-serial ${ninjaDemo.acme.spareSerial} --now --wait\n` +
    `  npx lifecycle offboard --client acme --user tom.williams@acmecorp.com --now\n` +
    `  npx lifecycle onboard --client globex --first-name Jane --last-name Doe --department Engineering --role staff --device-serial ${globexTenant.spareSerial} --now --wait\n` +
    `  npx lifecycle onboard --client initech --first-name Jane --last-name Doe --department Engineering --role staff --now --wait\n` +
    `Where to look, besides the console's run page and the terminal:\n` +
    `The clients' Microsoft 365 is emulated at ${emulator.url} (admin surface: ${emulator.url}/_admin)\n` +
    `  mail it sends (Mike Chen's approval links among it): ${emulator.url}/_admin/tenants/acmecorp.com/sentMail\n` +
    `  Autopilot: ${emulator.url}/_admin/tenants/acmecorp.com/autopilotDevices\n` +
    `Acme on HaloPSA ${psas.halo.url}: the ticket's log at ${psas.halo.url}/_admin/tickets/48291/notes\n` +
    `  ${views.acme}\n` +
    `Globex on ConnectWise ${psas.connectwise.url}/_admin\n  ${views.globex}\n` +
    `Initech on Autotask ${psas.autotask.url}/_admin\n  ${views.initech}\n`,
);
printFirstSignIn(ctx, firstSignIn);
untilSignal(async () => {
  await stop();
  await emulator.close();
  await psas.close();
  await rmmDocs.close();
});
