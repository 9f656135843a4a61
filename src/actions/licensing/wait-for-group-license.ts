import { z } from "zod";
import type { PlanResult } from "../../domain/outcome.ts";
import type {
  DirectoryGroup,
  DirectoryUser,
  IdentityDirectory,
  LicenseAssignmentState,
  Licensing,
  Sku,
} from "../../ports/index.ts";
import { defineAction } from "../define.ts";
import { actionError } from "../support/fail.ts";
import { text, upn } from "../support/params.ts";
import { resolveUser } from "../support/resolve-user.ts";
import { noFreeSeat, noSeatPolicy, type NoSeatPolicy } from "../support/seats.ts";

// The directory assigns a group's licences in the background: seconds usually, hours on a long queue.
const processingWait = { retryInMs: 30_000, deadlineMs: 6 * 3600_000 };
// Asked to assign again, it answers within seconds; the next poll should not be a quarter-hour away.
const reprocessWait = { retryInMs: 5_000, deadlineMs: 6 * 3600_000 };

/** States in which the licence is on the user: its seat taken, its plans enabled. */
const activeStates = new Set(["Active", "ActiveWithSolvedError", "ActiveWithError"]);

type Wait = Extract<PlanResult, { kind: "wait" }>;

type Seen =
  | { kind: "assigned"; skus: string[] }
  | { kind: "no-licences" }
  | { kind: "wait"; wait: Wait }
  /** Still in CountViolation though a seat is free now: the directory retries only when asked. */
  | { kind: "stuck"; skus: string[] };

interface Observed {
  user: DirectoryUser;
  group: DirectoryGroup;
  seen: Seen;
}

interface Params {
  upn: string;
  group: string;
  whenNoSeat?: NoSeatPolicy | undefined;
}

interface GroupLicensePorts {
  directory: IdentityDirectory;
  licensing: Licensing;
}

const sameId = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

async function findGroup(dir: IdentityDirectory, name: string): Promise<DirectoryGroup> {
  const group = await dir.findGroup(name);
  if (!group) throw actionError("GROUP_NOT_FOUND", `no group "${name}" in the directory`);
  return group;
}

interface Entry {
  skuId: string;
  name: string;
  sku: Sku | undefined;
  state: LicenseAssignmentState | undefined;
}

/**
 * What the directory shows of the group's licences on the user. Errors that waiting cannot mend throw
 * at once; so does a missing seat under the "fail" policy, so the run says why within one poll.
 */
async function observe(p: Params, ports: GroupLicensePorts): Promise<Observed> {
  const { directory, licensing } = ports;
  const [user, group] = await Promise.all([resolveUser(directory, p.upn), findGroup(directory, p.group)]);
  const skuIds = group.licenseSkuIds ?? [];
  if (skuIds.length === 0) return { user, group, seen: { kind: "no-licences" } };
  const [states, skus] = await Promise.all([licensing.assignmentStates(user.id), licensing.skus()]);
  const through = states.filter((s) => sameId(s.assignedByGroup, group.id));
  const entries: Entry[] = skuIds.map((skuId) => {
    const sku = skus.find((s) => sameId(s.skuId, skuId));
    return {
      skuId,
      name: sku?.skuPartNumber ?? skuId,
      sku,
      state: through.find((s) => sameId(s.skuId, skuId)),
    };
  });
  const via = group.displayName;

  // Nobody in this run will resolve a plan conflict or a usage location: fail now, naming what Graph said.
  for (const e of entries) {
    if (e.state?.state !== "Error") continue;
    const code = e.state.error ?? "Other";
    if (code === "CountViolation") continue;
    throw actionError(
      "GROUP_LICENSE_ERROR",
      `the licence ${e.name} through ${via} could not be assigned to ${p.upn}: the directory reports ${code}`,
    );
  }

  const counted = entries.filter((e) => e.state?.state === "Error");
  for (const e of counted) {
    const sku = e.sku ?? { skuId: e.skuId, skuPartNumber: e.name, enabled: 0, consumed: 0 };
    const noSeat = noFreeSeat(sku, p.whenNoSeat, via);
    if (noSeat) return { user, group, seen: { kind: "wait", wait: noSeat } };
  }
  if (counted.length) return { user, group, seen: { kind: "stuck", skus: counted.map((e) => e.name) } };

  const pending = entries.filter((e) => !e.state || !activeStates.has(e.state.state));
  if (pending.length) {
    const names = pending.map((e) => (e.state ? `${e.name} (${e.state.state})` : e.name)).join(", ");
    const joined =
      through.length > 0 || (await directory.groupsOf(user.id)).some((g) => sameId(g.id, group.id));
    return {
      user,
      group,
      seen: {
        kind: "wait",
        wait: {
          kind: "wait",
          for: `licence ${names} through ${via}${joined ? "" : ` (${p.upn} is not a member yet)`}`,
          ...processingWait,
        },
      },
    };
  }
  return { user, group, seen: { kind: "assigned", skus: entries.map((e) => e.name) } };
}

const describe = (seen: Seen, via: string): string => {
  switch (seen.kind) {
    case "assigned":
      return `${seen.skus.join(", ")} assigned through ${via}`;
    case "no-licences":
      return `${via} assigns no licences`;
    case "stuck":
      return `${seen.skus.join(", ")} through ${via} still in CountViolation though a seat is free`;
    case "wait":
      return `waiting for ${seen.wait.for}`;
  }
};

/**
 * Waits until the licences a group gives are on the user, and says which group gave them. Joining the
 * group is another step's job; this one only watches, and fails (or waits for a seat, as the client
 * chose) as soon as the directory records an error instead of letting the mailbox wait run out.
 */
export const waitForGroupLicense = defineAction({
  type: "licensing.wait-for-group-license",
  params: z.strictObject({ upn, group: text, whenNoSeat: noSeatPolicy.optional() }),
  ports: ["directory", "licensing"],
  async plan(p, ctx) {
    const { group, seen } = await observe(p, ctx.ports);
    const via = group.displayName;
    switch (seen.kind) {
      case "no-licences":
        return { kind: "skip", reason: describe(seen, via) };
      case "wait":
        return seen.wait;
      case "stuck":
        return {
          kind: "will-change",
          summary: `ask the directory to assign ${seen.skus.join(", ")} through ${via} again: a seat is free now`,
        };
      case "assigned":
        return { kind: "will-change", summary: `record ${describe(seen, via)}` };
    }
  },
  async apply(p, ctx) {
    const { user, group, seen } = await observe(p, ctx.ports);
    const via = group.displayName;
    switch (seen.kind) {
      case "no-licences":
        return { kind: "done", detail: describe(seen, via), data: { group: p.group, skus: [] } };
      case "wait":
        return seen.wait;
      case "stuck":
        // Asking again changes no intent (the membership is the intent); it only makes the directory look.
        await ctx.ports.licensing.reprocessGroupLicenses(user.id);
        return {
          kind: "wait",
          for: `licence ${seen.skus.join(", ")} through ${via} (asked to assign it again: a seat is free)`,
          ...reprocessWait,
        };
      case "assigned":
        return {
          kind: "done",
          detail: `Assigned licenses: ${seen.skus.join(", ")} (through ${via})`,
          data: { group: p.group, groupId: group.id, skus: seen.skus },
        };
    }
  },
  async verify(p, ctx) {
    const { group, seen } = await observe(p, ctx.ports);
    return seen.kind === "assigned" || seen.kind === "no-licences"
      ? { kind: "verified" }
      : { kind: "not-verified", observed: describe(seen, group.displayName) };
  },
});
