import { join } from "node:path";
import type { ProfileName } from "../kit/profiles.ts";
import { dattoDemo, startDattoRmmEmulator, type DattoRmmEmulator } from "../datto-rmm/index.ts";
import { huduDemo, startHuduEmulator, type HuduEmulator } from "../hudu/index.ts";
import { itglueDemo, startItglueEmulator, type ItglueEmulator } from "../itglue/index.ts";
import { ninjaDemo, startNinjaOneEmulator, type NinjaOneEmulator } from "../ninjaone/index.ts";
import type { DemoConnection } from "./connect.ts";

/**
 * The demo MSP's RMMs and documentation, emulated in-process with their state under ./data: one NinjaOne
 * account for Acme's and Initech's organisations, Datto RMM for Globex, IT Glue for Acme, and one Hudu
 * instance for Globex's and Initech's companies, as an MSP has one account per vendor.
 */
export interface DemoRmmDocs {
  ninjaone: NinjaOneEmulator;
  datto: DattoRmmEmulator;
  itglue: ItglueEmulator;
  hudu: HuduEmulator;
  close(): Promise<void>;
}

export async function demoRmmDocs(profile: ProfileName, dataDir: string): Promise<DemoRmmDocs> {
  const state = (name: string) => join(dataDir, "emulators", `${name}.json`);
  const [ninjaone, datto, itglue, hudu] = await Promise.all([
    startNinjaOneEmulator({ profile, seed: "demo", stateFile: state("ninjaone") }),
    startDattoRmmEmulator({ profile, seed: "demo", stateFile: state("datto-rmm") }),
    startItglueEmulator({ profile, seed: "demo", stateFile: state("itglue") }),
    startHuduEmulator({ profile, seed: "demo", stateFile: state("hudu") }),
  ]);
  const all = [ninjaone, datto, itglue, hudu];
  return {
    ninjaone,
    datto,
    itglue,
    hudu,
    close: async () => void (await Promise.all(all.map((e) => e.close()))),
  };
}

/** Each RMM and docs connector's emulator address and API credential (see connectDemoSystems). */
export function rmmDocsConnections(e: DemoRmmDocs): Record<string, DemoConnection> {
  return {
    ninjaone: {
      address: { baseUrl: e.ninjaone.url },
      kind: "ninjaone-app",
      secret: { clientId: ninjaDemo.clientId, clientSecret: ninjaDemo.clientSecret },
    },
    // The emulator is the host: no platform then, the config takes one or the other.
    "datto-rmm": {
      address: { baseUrl: e.datto.url, platform: undefined },
      kind: "datto-rmm-api-key",
      secret: { apiKey: dattoDemo.apiKey, apiSecret: dattoDemo.apiSecret },
    },
    itglue: {
      address: { baseUrl: e.itglue.url },
      kind: "itglue-api-key",
      secret: { apiKey: itglueDemo.apiKey },
    },
    hudu: { address: { baseUrl: e.hudu.url }, kind: "hudu-api-key", secret: { apiKey: huduDemo.apiKey } },
  };
}

/**
 * Where a person sees what a run changed in each client's RMM and documentation: the emulators' admin
 * views of people and devices, one line per client.
 */
export function rmmDocsViews(e: DemoRmmDocs): Record<"acme" | "globex" | "initech", string> {
  const ninja = (org: number) =>
    `NinjaOne ${e.ninjaone.url}/_admin/end-users?organization=${org} and /_admin/devices?organization=${org}`;
  const hudu = `Hudu ${e.hudu.url}/_admin/hudu/assets and /_admin/hudu/passwords`;
  const org = itglueDemo.acme.organizationId;
  return {
    acme: `${ninja(ninjaDemo.acme.organizationId)}; IT Glue ${e.itglue.url}/_admin/contacts?organization=${org} and /_admin/passwords?organization=${org}`,
    globex: `Datto RMM ${e.datto.url}/_admin/devices?site=${dattoDemo.globex.siteUid}; ${hudu}`,
    initech: `${ninja(ninjaDemo.initech.organizationId)}; ${hudu}`,
  };
}
