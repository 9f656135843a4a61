import type { ReportChange, ReportSku } from "./schema.ts";

/** One finished step as the before-state readers see it: what it recorded, and its planned parameters. */
export interface ChangedStep {
  key: string;
  type: string;
  data: Record<string, unknown>;
  params: Record<string, unknown>;
  at: string | null;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const field = (v: unknown, key: string): string | undefined =>
  v && typeof v === "object" ? str((v as Record<string, unknown>)[key]) : undefined;
const joined = (xs: string[]) => xs.join(", ") || "none";

function forwarding(to: unknown, keepCopy: unknown): string {
  const address = str(to);
  if (!address) return "no forwarding";
  return `forwarding to ${address}${keepCopy === true ? ", keeping a copy" : ", keeping no copy"}`;
}

type Reader = (s: ChangedStep) => Omit<ReportChange, "step"> | undefined;

/**
 * Per action type, the state before the step changed it. Read from what the step recorded when it
 * applied the change; where a step records nothing, from what its plan established (a step only changes
 * what its plan found not yet done), and said so.
 */
const readers: Record<string, Reader> = {
  "groups.remove-all-memberships": ({ data }) => {
    const items = list(data.removedGroups).flatMap((g) => {
      const name = field(g, "displayName");
      return name ? [field(g, "managedBy") === "exchange" ? `${name} (Exchange list)` : name] : [];
    });
    return {
      what: "group memberships",
      before: `member of ${items.length} group(s) that can be left here: ${joined(items)}`,
      after: "removed from each of them",
      items,
    };
  },
  "licensing.remove-all-licenses": ({ data }) => {
    const items = list(data.removedSkus).flatMap((s) => {
      const part = field(s, "skuPartNumber");
      return part ? [part] : [];
    });
    return {
      what: "licenses",
      before: `held ${joined(items)}`,
      after: "holds no license",
      items,
    };
  },
  "mail.set-forwarding": ({ data }) => {
    const previous = data.previous;
    return {
      what: "mail forwarding",
      before:
        previous && typeof previous === "object"
          ? forwarding(field(previous, "forwardingTo"), (previous as Record<string, unknown>).keepCopy)
          : "not recorded by this step",
      after: forwarding(data.forwardingTo, data.keepCopy),
      items: [],
    };
  },
  "mail.convert-to-shared": ({ data }) => ({
    what: "mailbox type",
    before: `${str(data.previousType) ?? "not recorded"} mailbox`,
    after: "shared mailbox",
    items: [],
  }),
  "identity.remove-mfa-methods": ({ data }) => {
    const items = list(data.removedMethods).flatMap((m) => {
      const type = field(m, "type");
      const name = field(m, "displayName");
      return type ? [name ? `${type} (${name})` : type] : [];
    });
    return {
      what: "MFA methods",
      before: `registered: ${joined(items)}`,
      after: "none of these",
      items,
    };
  },
  "mail.remove-mobile-devices": ({ data }) => {
    const items = list(data.removedDevices).flatMap((d) => (typeof d === "string" ? [d] : []));
    return {
      what: "mobile devices",
      before: `partnered: ${joined(items)}`,
      after: "removed",
      items,
    };
  },
  "mail.grant-mailbox-access": ({ data, params }) => {
    const rights = list(data.granted).flatMap((r) => (typeof r === "string" ? [r] : []));
    const who = str(data.grantee) ?? "the grantee";
    const mailbox = str(params.mailbox) ?? "the mailbox";
    return {
      what: "mailbox access",
      before: `${who} lacked ${joined(rights)} on ${mailbox}`,
      after: `${who} has ${joined(rights)}`,
      items: rights,
    };
  },
  "identity.disable-sign-in": () => ({
    what: "sign-in",
    before: "sign-in allowed (as the step's plan found)",
    after: "sign-in blocked",
    items: [],
  }),
  "mail.hide-from-address-list": () => ({
    what: "address list",
    before: "shown in the address list (as the step's plan found)",
    after: "hidden from the address list",
    items: [],
  }),
  "rmm.release-devices": ({ data }) => {
    const items = list(data.devices).flatMap((d) => {
      const name = field(d, "name");
      const serial = field(d, "serial");
      return name ? [serial ? `${name} (${serial})` : name] : [];
    });
    const released = list(data.released).length;
    return {
      what: "RMM devices (to collect)",
      before: `${released} device(s) recorded as theirs in the RMM; theirs to collect: ${joined(items)}`,
      after: "owner cleared on each they owned",
      items,
    };
  },
  "identity.delete-user": ({ params }) => ({
    what: "account",
    before: `${str(params.upn) ?? "the account"} existed`,
    after: "deleted",
    items: [],
  }),
};

for (const kind of ["wipe", "retire"]) {
  readers[`devices.${kind}`] = ({ data }) => {
    const items = list(data.devices).flatMap((d) => {
      const name = field(d, "deviceName");
      const serial = field(d, "serialNumber");
      return name ? [serial ? `${name} (${serial})` : name] : [];
    });
    return {
      what: "managed devices",
      before: `enrolled: ${joined(items)}`,
      after: `${kind} issued`,
      items,
    };
  };
}

/** The before-state of every step that changed something, in the order the steps are listed. */
export function beforeState(steps: ChangedStep[]): ReportChange[] {
  return steps.flatMap((s) => {
    const change = readers[s.type]?.(s);
    return change ? [{ step: s.key, ...change }] : [];
  });
}

function skus(v: unknown, step: ChangedStep): ReportSku[] {
  return list(v).flatMap((s) => {
    const skuId = field(s, "skuId");
    return skuId
      ? [
          {
            skuId,
            skuPartNumber: field(s, "skuPartNumber") ?? "unknown",
            step: step.key,
            via: field(s, "via") ?? null,
            at: step.at,
          },
        ]
      : [];
  });
}

/** Seats freed and seats taken, for the MSP's billing. */
export function licenses(steps: ChangedStep[]): { recovered: ReportSku[]; assigned: ReportSku[] } {
  const recovered: ReportSku[] = [];
  const assigned: ReportSku[] = [];
  for (const s of steps) {
    if (s.type === "licensing.remove-all-licenses") recovered.push(...skus(s.data.removedSkus, s));
    // A seat that came through a group is freed when the leaver leaves it, before the licence step looks.
    if (s.type === "groups.remove-all-memberships") recovered.push(...skus(s.data.releasedSkus, s));
    if (s.type === "licensing.copy-licenses") assigned.push(...skus(s.data.assigned, s));
    if (s.type === "licensing.assign-license") {
      const skuId = str(s.data.skuId);
      if (skuId)
        assigned.push({
          skuId,
          skuPartNumber: str(s.params.sku) ?? "unknown",
          step: s.key,
          via: null,
          at: s.at,
        });
    }
    // Group-based licensing: the group assigns the seat; the step saw it arrive.
    if (s.type === "licensing.wait-for-group-license")
      for (const part of list(s.data.skus))
        if (typeof part === "string")
          assigned.push({
            skuId: null,
            skuPartNumber: part,
            step: s.key,
            via: str(s.data.group) ?? null,
            at: s.at,
          });
  }
  return { recovered, assigned };
}
