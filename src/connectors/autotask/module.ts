import { defineConnector } from "../module.ts";
import { autotaskApiUser, autotaskApiUserKind, autotaskConfig } from "./config.ts";
import { autotaskPsa } from "./psa.ts";
import { AutotaskTransport, EndpointGate, ZoneCache } from "./transport.ts";

/** Requests per hour the reference documents for one Autotask database, shared by all its integrations. */
export const autotaskHourlyThreshold = 10_000;

/** Autotask PSA over its REST API: the client's contacts, tickets and internal ticket notes. */
export const autotask = defineConnector({
  id: "autotask",
  system: "psa",
  title: "Autotask PSA",
  config: autotaskConfig,
  credential: { kind: autotaskApiUserKind, schema: autotaskApiUser },
  provides: ["psa"],
  // The thread limit: 3 at once per object endpoint per integration code. The hourly threshold (10,000 per
  // rolling hour) is shared by every integration of the MSP's one database and adds latency above 50 %:
  // 1 request/s is 3,600 an hour, a third of it, leaving the rest to the MSP's other integrations.
  limits: { concurrency: 3, ratePerSecond: 1 },
  build(config, credential, runtime) {
    const transport = new AutotaskTransport({
      zoneDiscoveryUrl: config.zoneDiscoveryUrl,
      credential,
      zones: runtime.shared("autotask:zones", () => new ZoneCache()),
      gate: runtime.shared("autotask:thread-limit", () => new EndpointGate(3)),
      suspendedStatus: config.throttling.suspendedStatus,
      suspendedRetryAfterMs: config.throttling.suspendedRetryAfterMs,
      pageSize: config.pageSize,
    });
    return { psa: autotaskPsa(config, transport) };
  },
  // The zone lookup, then the threshold figures: the cheapest authenticated read Autotask has.
  async testConnection(config, credential, runtime) {
    const transport = new AutotaskTransport({
      zoneDiscoveryUrl: config.zoneDiscoveryUrl,
      credential,
      zones: new ZoneCache(),
      gate: runtime.shared("autotask:thread-limit", () => new EndpointGate(3)),
      suspendedStatus: config.throttling.suspendedStatus,
      suspendedRetryAfterMs: config.throttling.suspendedRetryAfterMs,
      pageSize: config.pageSize,
    });
    await transport.threshold();
  },
});
