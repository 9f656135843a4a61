import { missingTicketDeadlineMs } from "../actions/psa/open-ticket.ts";
import { seatUsage, type NoSeatPolicy } from "../actions/support/seats.ts";
import type { ClientConfig } from "../domain/client.ts";
import { MANAGER } from "../domain/offboarding-actions.ts";
import type { Plan, PlanFinding, PlannedAction } from "../domain/plan.ts";
import type { DirectoryGroup, Sku } from "../ports/index.ts";
import type { Request } from "../requests/index.ts";
import type { LiveState } from "./live-state.ts";

export interface PreflightInput {
  request: Request;
  client: ClientConfig;
  plan: Plan;
  live: LiveState;
}

/** The systems whose absence leaves a check undone, in the words a finding uses. */
const systemOf = {
  directory: "the directory",
  licensing: "licensing",
  mailboxAdmin: "mailbox administration",
  psa: "the PSA",
  devices: "devices (Autopilot)",
  rmm: "an RMM",
} as const;
type System = keyof typeof systemOf;

/** A live read: its answer, or why there is none (no system to ask, or the system did not answer). */
type Read<T> = { kind: "read"; value: T } | { kind: "not-checked"; why: string };

/** One seat of a SKU the plan would take, and where in the request it comes from. */
interface SeatDemand {
  sku: { partNumber: string } | { skuId: string };
  field: string;
  step: string;
  policy: NoSeatPolicy;
  /** How the seat is taken, when not by the step's own SKU ("through the group X"). */
  via?: string;
}

const severityOrder = { error: 0, warning: 1, info: 2 } as const;

/**
 * Reads before anything is stored: everything the plan's steps name must exist in the client's systems,
 * and every licence it would consume must have a free seat (or the client's policy says what happens).
 * The steps are read by action type and parameters, not the request, so steps a client's own workflow
 * adds are checked too. Each distinct lookup is made once and all run in parallel. A check that cannot
 * be made says so; it never passes silently.
 */
export async function preflight(input: PreflightInput): Promise<PlanFinding[]> {
  const { request, client, plan, live } = input;
  const reads = memoReads(live);
  const fieldOf = requestFields(request, client);
  const created = new Set(
    plan.actions.filter((a) => a.type === "identity.create-user").map((a) => lower(a.params.upn)),
  );
  // The planner read the leaver already: an offboarding of nobody never gets this far.
  const people: People = {
    created,
    known: (address) => created.has(address) || (request.kind === "offboard" && address === request.user),
  };
  const demands: SeatDemand[] = [];
  const defaultPolicy = client.licensing.whenNoSeat;
  const policyOf = (a: PlannedAction): NoSeatPolicy =>
    a.params.whenNoSeat === "wait" || a.params.whenNoSeat === "fail" ? a.params.whenNoSeat : defaultPolicy;

  const checks: Promise<PlanFinding[]>[] = [];
  for (const a of plan.actions) {
    const at = (name: string) => fieldOf(a, name);
    const param = (name: string) => str(a.params[name]);
    switch (a.type) {
      case "identity.set-manager": {
        const manager = param("manager");
        if (manager) checks.push(userExists(reads, manager, at("manager"), a.key, "manager"));
        break;
      }
      case "groups.copy-memberships":
      case "licensing.copy-licenses": {
        const from = param("from");
        if (!from) break;
        const field = at("from");
        checks.push(
          reads.template(from).then((r) => {
            if (r.kind === "not-checked") return [notChecked(field, a.key, `copy-from user ${from}`, r.why)];
            if (!r.value)
              return [error(field, a.key, `copy-from user ${from} is not in the client's directory`)];
            if (a.type === "licensing.copy-licenses")
              for (const skuId of r.value.directSkuIds)
                demands.push({
                  sku: { skuId },
                  field,
                  step: a.key,
                  policy: policyOf(a),
                  via: `copied from ${from}`,
                });
            return [];
          }),
        );
        break;
      }
      case "groups.add-member": {
        const group = param("group");
        if (!group) break;
        const field = at("group");
        checks.push(
          reads.group(group).then((r) => {
            const what = group.includes("@") ? `group or distribution list ${group}` : `group "${group}"`;
            if (r.kind === "not-checked") return [notChecked(field, a.key, what, r.why)];
            if (!r.value) return [error(field, a.key, `no ${what} in the client's directory`)];
            return groupFindings(r.value, field, a.key, defaultPolicy, demands);
          }),
        );
        break;
      }
      case "licensing.assign-license": {
        const sku = param("sku");
        if (sku)
          demands.push({ sku: { partNumber: sku }, field: at("sku"), step: a.key, policy: policyOf(a) });
        break;
      }
      case "mail.grant-mailbox-access": {
        const mailbox = param("mailbox");
        const grantee = param("grantee");
        if (mailbox && !people.known(lower(mailbox)))
          checks.push(mailboxExists(reads, mailbox, at("mailbox"), a.key));
        if (grantee && mailbox) checks.push(person(reads, people, grantee, mailbox, at("grantee"), a.key));
        break;
      }
      // A serial is typed by hand from a box or an invoice: a wrong one is said now, not after the account.
      case "devices.assign-autopilot-user": {
        const serial = param("serial");
        if (serial) checks.push(autopilotDeviceFindings(reads, serial, at("serial"), a.key));
        break;
      }
      case "rmm.assign-device": {
        const serial = param("serial");
        if (serial) checks.push(rmmDeviceFindings(reads, serial, at("serial"), a.key));
        break;
      }
      case "psa.open-ticket": {
        const number = param("number");
        if (number) checks.push(ticketFindings(reads, number, at("number"), a.key));
        break;
      }
      case "mail.set-forwarding": {
        const address = param("address");
        const owner = param("upn");
        if (!address || !owner) break;
        const internal = client.domains.includes(lower(address).split("@")[1] ?? "");
        // An outside address is the leaver's choice to make: nothing here can say whether it exists.
        if (lower(address) === MANAGER || internal)
          checks.push(person(reads, people, address, owner, at("address"), a.key, true));
        break;
      }
    }
  }
  const seatsRead = demands.length || plan.actions.some(takesSeats) ? reads.skus() : undefined;
  const findings = [...knownChoices(request, client), ...(await Promise.all(checks)).flat()];
  // Group reads finish in any order. A seat finding names the step that assigns the SKU itself, else
  // the first in the plan that brings it.
  const order = new Map(plan.actions.map((a, i) => [a.key, i]));
  const rank = (d: SeatDemand) => (d.via ? plan.actions.length : 0) + (order.get(d.step) ?? 0);
  const inPlanOrder = demands.sort((x, y) => rank(x) - rank(y));
  if (seatsRead) findings.push(...seatFindings(await seatsRead, inPlanOrder));
  return unique(findings).sort((x, y) => severityOrder[x.severity] - severityOrder[y.severity]);
}

// Groups may assign licences too, so a plan that joins groups asks for the seats as its groups are read.
const takesSeats = (a: PlannedAction) =>
  a.type === "licensing.assign-license" ||
  a.type === "licensing.copy-licenses" ||
  a.type === "groups.add-member";

function groupFindings(
  group: DirectoryGroup,
  field: string,
  step: string,
  policy: NoSeatPolicy,
  demands: SeatDemand[],
): PlanFinding[] {
  if (group.readOnlyReason)
    return [warning(field, step, `${group.displayName}: ${group.readOnlyReason}; the step will skip it`)];
  for (const skuId of group.licenseSkuIds ?? [])
    demands.push({ sku: { skuId }, field, step, policy, via: `through the group ${group.displayName}` });
  return [];
}

async function userExists(
  reads: Reads,
  upn: string,
  field: string,
  step: string,
  role: string,
): Promise<PlanFinding[]> {
  const r = await reads.user(upn);
  if (r.kind === "not-checked") return [notChecked(field, step, `${role} ${upn}`, r.why)];
  return r.value ? [] : [error(field, step, `no user ${upn} in the client's directory`)];
}

/**
 * The ticket the request names. One the PSA does not have yet is waited for (it may be being created by
 * hand), so it is a warning and not an error; a closed one is followed by a new ticket that names it.
 */
async function ticketFindings(reads: Reads, number: string, field: string, step: string) {
  const r = await reads.ticket(number);
  if (r.kind === "not-checked") return [notChecked(field, step, `ticket #${number}`, r.why)];
  if (!r.value)
    return [
      warning(
        field,
        step,
        `ticket #${number} is not in the PSA: the run waits up to ${missingTicketDeadlineMs / 60_000} min for it, then goes on without notes on a ticket`,
      ),
    ];
  const t = r.value;
  return t.closed
    ? [
        warning(
          field,
          step,
          `ticket #${t.number} ("${t.title}") is closed: the run opens a new ticket that names it`,
        ),
      ]
    : [info(field, step, `ticket #${t.number}: "${t.title}"`)];
}

async function autopilotDeviceFindings(reads: Reads, serial: string, field: string, step: string) {
  const r = await reads.autopilotDevice(serial);
  if (r.kind === "not-checked") return [notChecked(field, step, `device ${serial}`, r.why)];
  return r.value ? [] : [error(field, step, `no device with serial ${serial} in the client's Autopilot`)];
}

async function rmmDeviceFindings(reads: Reads, serial: string, field: string, step: string) {
  const r = await reads.rmmDevice(serial);
  if (r.kind === "not-checked") return [notChecked(field, step, `device ${serial}`, r.why)];
  if (!r.value) return [error(field, step, `no device with serial ${serial} in the client's RMM`)];
  return [info(field, step, `${serial} is ${r.value.name} in ${r.value.vendor}`)];
}

async function mailboxExists(reads: Reads, address: string, field: string, step: string) {
  const r = await reads.mailbox(address);
  if (r.kind === "not-checked") return [notChecked(field, step, `mailbox ${address}`, r.why)];
  return r.value ? [] : [error(field, step, `no mailbox ${address} in the client's mail system`)];
}

/**
 * Someone a step hands something to: "manager" (of `owner`) must resolve to one; an address of the
 * client's must be a user there, or, for forwarding, a list.
 */
async function person(
  reads: Reads,
  people: People,
  who: string,
  owner: string,
  field: string,
  step: string,
  listsToo = false,
): Promise<PlanFinding[]> {
  const address = lower(who);
  if (address === MANAGER) {
    // A user this plan creates has no manager to read yet; the step resolves it when it runs.
    if (people.created.has(lower(owner))) return [];
    const r = await reads.manager(owner);
    if (r.kind === "not-checked") return [notChecked(field, step, `the manager of ${owner}`, r.why)];
    return r.value
      ? []
      : [error(field, step, `${owner} has no manager in the directory: name a person instead of "manager"`)];
  }
  if (people.known(address)) return [];
  const user = await reads.user(address);
  if (user.kind === "not-checked") return [notChecked(field, step, address, user.why)];
  if (user.value) return [];
  if (listsToo) {
    const group = await reads.group(address);
    if (group.kind === "read" && group.value) return [];
  }
  return [error(field, step, `no user ${address} in the client's directory`)];
}

interface People {
  /** Users the plan itself creates: nothing to look up. */
  created: Set<string>;
  /** Created, or already read by the planner. */
  known: (address: string) => boolean;
}

/** Seats per SKU: one user holds one seat of a SKU however many of the plan's steps give it to them. */
function seatFindings(r: Read<Sku[]>, demands: SeatDemand[]): PlanFinding[] {
  const first = demands[0];
  if (!first) return [];
  if (r.kind === "not-checked") return [notChecked(first.field, first.step, "free licence seats", r.why)];
  const findings: PlanFinding[] = [];
  const bySku = new Map<string, { sku: Sku; demands: SeatDemand[] }>();
  for (const d of demands) {
    const sku = r.value.find((s) =>
      "partNumber" in d.sku ? s.skuPartNumber === d.sku.partNumber : s.skuId === d.sku.skuId,
    );
    if (!sku) {
      const name = "partNumber" in d.sku ? d.sku.partNumber : d.sku.skuId;
      findings.push(
        error(d.field, d.step, `the tenant has no subscription ${name}${d.via ? ` (${d.via})` : ""}`),
      );
      continue;
    }
    const entry = bySku.get(sku.skuId) ?? { sku, demands: [] };
    entry.demands.push(d);
    bySku.set(sku.skuId, entry);
  }
  for (const { sku, demands: ds } of bySku.values()) {
    const d = ds[0];
    if (!d) continue;
    const free = sku.enabled - sku.consumed;
    const usage = seatUsage(sku);
    const via = d.via ? ` ${d.via}` : "";
    if (free >= 1) {
      findings.push(info(d.field, d.step, `${sku.skuPartNumber}: ${usage}, ${free} free`));
      continue;
    }
    // A step that would fail without a seat fails the run, whatever another step would wait for.
    const fails = ds.find((x) => x.policy === "fail");
    findings.push(
      fails
        ? error(
            fails.field,
            fails.step,
            `no free ${sku.skuPartNumber} seats (${usage})${fails.via ? ` ${fails.via}` : ""}; buy one or free one, then submit again`,
          )
        : warning(d.field, d.step, `will wait for a free ${sku.skuPartNumber} seat (${usage})${via}`),
    );
  }
  return findings;
}

/** A department or role outside the client's maps brings nothing; with no map at all there is nothing to know. */
function knownChoices(request: Request, client: ClientConfig): PlanFinding[] {
  if (request.kind !== "onboard") return [];
  const findings: PlanFinding[] = [];
  const judge = (
    field: "department" | "role",
    value: string | undefined,
    map: Record<string, unknown>,
    severity: "error" | "warning",
    brings: string,
  ) => {
    const keys = Object.keys(map);
    if (value === undefined || !keys.length || Object.hasOwn(map, value)) return;
    findings.push({
      field,
      severity,
      message: `"${value}" is not one of the client's ${field === "role" ? "roles" : "departments"} (${keys.join(", ")}), so it brings no ${brings}`,
    });
  };
  judge(
    "department",
    request.department,
    client.groupsByDepartment,
    client.preflight.unknownDepartment,
    "groups",
  );
  judge("role", request.role, client.licensesByRole, client.preflight.unknownRole, "licences");
  return findings;
}

/**
 * The request's field a step's parameter came from, where one did; else the step's parameter itself,
 * for steps and values the client's configuration or workflow supplied.
 */
function requestFields(request: Request, client: ClientConfig) {
  return (a: PlannedAction, name: string): string => {
    const value = str(a.params[name]);
    const own = `steps.${segment(a.key)}.params.${name}`;
    if (value === undefined) return own;
    if (a.type === "psa.open-ticket" && name === "number" && value === request.ticket) return "ticket";
    if (request.kind === "offboard") {
      const actions = request.actions;
      if (a.type === "mail.grant-mailbox-access" && name === "grantee" && value === actions.grantAccessTo)
        return "actions.grantAccessTo";
      if (a.type === "mail.set-forwarding" && name === "address" && value === actions.forwardTo?.address)
        return "actions.forwardTo.address";
      return own;
    }
    const index = (list: readonly string[], field: string) => {
      const i = list.indexOf(value);
      return i < 0 ? undefined : `${field}.${i}`;
    };
    const fromMap = (key: string | undefined, map: Record<string, readonly string[]>) =>
      key !== undefined && Object.hasOwn(map, key) && (map[key] ?? []).includes(value);
    switch (name) {
      case "manager":
        return value === request.manager ? "manager" : own;
      case "serial":
        return value === request.deviceSerial ? "deviceSerial" : own;
      case "from":
        return value === request.copyFrom ? "copyFrom" : own;
      case "group":
        return (
          index(request.extraGroups, "extraGroups") ??
          (fromMap(request.department, client.groupsByDepartment) ? "department" : own)
        );
      case "mailbox":
        return index(request.sharedMailboxes, "sharedMailboxes") ?? own;
      case "sku":
        return (
          index(request.extraLicenses, "extraLicenses") ??
          (fromMap(request.role, client.licensesByRole) ? "role" : own)
        );
      default:
        return own;
    }
  };
}

type Reads = ReturnType<typeof memoReads>;

/** Each distinct question asked once, however many steps ask it. */
function memoReads(live: LiveState) {
  const asker = <T>(system: System, question: ((key: string) => Promise<T>) | undefined) => {
    const asked = new Map<string, Promise<Read<T>>>();
    return (key: string): Promise<Read<T>> => {
      const k = key.toLowerCase();
      let read = asked.get(k);
      if (!read) {
        read = ask(system, question, key);
        asked.set(k, read);
      }
      return read;
    };
  };
  const skus = asker("licensing", live.skus?.bind(live));
  return {
    user: asker("directory", live.findUser?.bind(live)),
    group: asker("directory", live.findGroup?.bind(live)),
    template: asker("directory", live.readTemplate?.bind(live)),
    manager: asker("directory", live.managerOf?.bind(live)),
    mailbox: asker("mailboxAdmin", live.findMailbox?.bind(live)),
    ticket: asker("psa", live.findTicket?.bind(live)),
    autopilotDevice: asker("devices", live.findAutopilotDevice?.bind(live)),
    rmmDevice: asker("rmm", live.findRmmDevice?.bind(live)),
    skus: () => skus(""),
  };
}

async function ask<T>(
  system: System,
  question: ((key: string) => Promise<T>) | undefined,
  key: string,
): Promise<Read<T>> {
  if (!question) return { kind: "not-checked", why: `the client has no system for ${systemOf[system]}` };
  try {
    return { kind: "read", value: await question(key) };
  } catch (err) {
    // The message of a vendor error names its status and code, never a credential.
    const message = err instanceof Error ? err.message : String(err);
    return { kind: "not-checked", why: `${systemOf[system]} did not answer (${message.slice(0, 300)})` };
  }
}

const finding =
  (severity: PlanFinding["severity"]) =>
  (field: string, step: string | undefined, message: string): PlanFinding => ({
    field,
    severity,
    message,
    ...(step ? { step } : {}),
  });
const error = finding("error");
const warning = finding("warning");
const info = finding("info");

function notChecked(field: string, step: string, what: string, why: string): PlanFinding {
  return warning(field, step, `${what} not checked: ${why}`);
}

function unique(findings: PlanFinding[]): PlanFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.field}\u0000${f.severity}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v.trim() : undefined);
const lower = (v: unknown): string => (typeof v === "string" ? v.trim().toLowerCase() : "");

// As result.ts quotes a path segment: a step key may hold a dot ("list:team@contoso.com").
const segment = (s: string) => (s === "" || s.includes(".") ? JSON.stringify(s) : s);
