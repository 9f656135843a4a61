import { initech, startAutotaskEmulator, type AutotaskEmulator } from "../../../emulators/autotask/index.ts";
import { autotaskConfig, type AutotaskApiUser } from "../../../src/connectors/autotask/config.ts";
import { autotaskPsa } from "../../../src/connectors/autotask/psa.ts";
import { AutotaskTransport, EndpointGate, ZoneCache } from "../../../src/connectors/autotask/transport.ts";
import type { Psa } from "../../../src/ports/index.ts";

/** Initech's section, as a client's config would hold it. */
export const initechSection = (emulator: AutotaskEmulator, extra: Record<string, unknown> = {}) => ({
  zoneDiscoveryUrl: emulator.zoneDiscoveryUrl,
  companyID: initech.companyID,
  queueID: initech.queues.onboarding,
  priority: initech.priorities.medium,
  statuses: { phases: { "waiting-on-customer": initech.statuses.waitingCustomer, completed: 5 } },
  notes: { publish: initech.publish.internalOnly },
  ...extra,
});

export interface Rig {
  emulator: AutotaskEmulator;
  transport: AutotaskTransport;
  psa: Psa;
}

/** The connector's parts built by hand, so a test can shorten the retry loop's waits or share caches. */
export function rig(
  emulator: AutotaskEmulator,
  opts: {
    section?: Record<string, unknown>;
    credential?: AutotaskApiUser;
    zones?: ZoneCache;
    gate?: EndpointGate;
    maxRetries?: number;
  } = {},
): Rig {
  const config = autotaskConfig.parse(initechSection(emulator, opts.section));
  const transport = new AutotaskTransport({
    zoneDiscoveryUrl: config.zoneDiscoveryUrl,
    credential: opts.credential ?? { ...initech.apiUser },
    zones: opts.zones ?? new ZoneCache(),
    gate: opts.gate ?? new EndpointGate(3),
    suspendedStatus: config.throttling.suspendedStatus,
    suspendedRetryAfterMs: config.throttling.suspendedRetryAfterMs,
    pageSize: config.pageSize,
    http: { maxRetries: opts.maxRetries ?? 2, backoffBaseMs: 5, maxInlineWaitMs: 2_000 },
  });
  return { emulator, transport, psa: autotaskPsa(config, transport) };
}

export const startInitech = (): Promise<AutotaskEmulator> =>
  startAutotaskEmulator({ profile: "fast", seed: "initech" });
