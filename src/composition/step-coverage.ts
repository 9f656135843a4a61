import { productionCatalog } from "../actions/catalog.ts";
import type { ActionCatalog } from "../actions/define.ts";
import type { Connector } from "../connectors/module.ts";
import { connectors } from "../connectors/registry.ts";
import type { ClientConfig } from "../domain/client.ts";
import type { Plan, PlanFinding } from "../domain/plan.ts";
import type { Capabilities, PortName } from "../ports/index.ts";
import { ownPortNames } from "./client-ports.ts";
import { clientSystems } from "./systems.ts";

/** How a finding names a port: the words a technician knows, not the code's. */
const portWords: Record<PortName, string> = {
  directory: "the identity directory",
  licensing: "licensing",
  mailboxes: "mailboxes",
  authentication: "authentication methods",
  devices: "devices",
  mailSender: "sending mail",
  mailboxAdmin: "mailbox administration",
  oneTimeLinks: "one-time links",
  initialPasswords: "initial passwords",
  approvalLinks: "approval links",
  psa: "a PSA",
  rmm: "an RMM",
  docs: "IT documentation",
  runRecord: "the run record",
};

/**
 * Steps whose ports none of the client's systems serves would each fail NOT_CONFIGURED when they run:
 * the pre-flight says so before anything is stored. A required step is an error (the run could not
 * finish), an optional one a warning (it would fail and the run go on without it).
 */
export function unservedSteps(
  plan: Plan,
  client: ClientConfig,
  registry: readonly Connector[] = connectors,
  catalog: ActionCatalog<Capabilities> = productionCatalog(),
): PlanFinding[] {
  // A client whose systems are not set up yet (being onboarded by the MSP) is planned from its
  // configuration alone: one warning says its runs cannot do anything yet, rather than one per step.
  if (Object.keys(client.systems).length === 0)
    return [
      {
        field: "client.systems",
        severity: "warning",
        message: `${client.displayName} has no systems set up yet: every step that reaches one would fail NOT_CONFIGURED when it runs`,
      },
    ];
  const systems = clientSystems(client, registry);
  const own: ReadonlySet<string> = new Set(ownPortNames);
  const findings: PlanFinding[] = [];
  for (const a of plan.actions) {
    const action = catalog.get(a.type);
    if (!action) continue;
    const missing = action.ports.filter((port) => {
      if (own.has(port)) return false;
      const bound = a.bind && Object.hasOwn(a.bind, port) ? a.bind[port] : undefined;
      return !(bound ?? systems.servedBy(port));
    });
    if (!missing.length) continue;
    const needs = missing.map((p) => portWords[p]).join(" and ");
    findings.push({
      field: "client.systems",
      severity: a.required ? "error" : "warning",
      step: a.key,
      message: `${a.key} (${a.type}) needs ${needs}, and none of ${client.displayName}'s systems provides it: add a system to the client or remove the step from its workflow${a.required ? "" : "; as it is, the step would fail and the run go on"}`,
    });
  }
  return findings;
}
