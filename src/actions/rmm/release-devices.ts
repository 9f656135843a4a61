import { z } from "zod";
import type { Ports, RmmDevice } from "../../ports/index.ts";
import { defineAction } from "../define.ts";
import { text, upn } from "../support/params.ts";
import { deviceLabel, ownedBy, ownerOf, ownerValue } from "../support/rmm.ts";

const params = z.strictObject({
  email: upn,
  /** The leaver's sign-in names as an agent reports them ("ACME\\tom.williams"). */
  accounts: z.array(text),
});
type Params = z.output<typeof params>;

/** A device to collect, as the report lists it. */
const forCollection = (d: RmmDevice) => ({
  id: d.id,
  name: d.name,
  ...(d.serial ? { serial: d.serial } : {}),
  ...(d.url ? { url: d.url } : {}),
});

interface Theirs {
  /** Every device the RMM finds for them: owned, or last signed in on. */
  all: RmmDevice[];
  /** Those still recorded as theirs: the ones this step clears. */
  owned: RmmDevice[];
}

/**
 * Only an owner that is the leaver is cleared: a device found because they last signed in on it may
 * be someone else's, and stays so. Their address counts too, for an owner written before their end user.
 * Where the RMM owns by end user (NinjaOne), only their end user finds what they own: this step runs
 * before rmm.remove-end-user, or it finds only the devices they signed in on.
 */
async function theirs(p: Params, rmm: Ports["rmm"]): Promise<Theirs> {
  const owner = await ownerOf(rmm, p.email);
  const all = await rmm.devicesOf({ ...owner, accounts: p.accounts });
  return { all, owned: all.filter((d) => ownedBy(d, [ownerValue(owner), p.email])) };
}

const labels = (ds: RmmDevice[]) => ds.map(deviceLabel).join(", ");

/**
 * The leaver's devices freed in the RMM (their owner cleared) and listed, for someone to collect them.
 * The list rides in the outcome's data (`devices`): a plan cannot add findings to the run, only the
 * planner's pre-flight makes those.
 */
export const releaseDevices = defineAction({
  type: "rmm.release-devices",
  params,
  ports: ["rmm"],
  async plan(p, ctx) {
    const rmm = ctx.ports.rmm;
    const { all, owned } = await theirs(p, rmm);
    if (!owned.length)
      return {
        kind: "already-done",
        detail: all.length
          ? `no device in ${rmm.vendor} is recorded as ${p.email}'s; to collect: ${labels(all)}`
          : `no device in ${rmm.vendor} is ${p.email}'s`,
      };
    return { kind: "will-change", summary: `release ${labels(owned)} from ${p.email} in ${rmm.vendor}` };
  },
  // Read again rather than handed: clearing is harmless twice, and what is cleared is what is theirs now.
  async apply(p, ctx) {
    const rmm = ctx.ports.rmm;
    const { all, owned } = await theirs(p, rmm);
    for (const d of owned) await rmm.clearDeviceOwner(d.id);
    return {
      kind: "done",
      detail: all.length
        ? `released ${labels(owned) || "no device"} from ${p.email} in ${rmm.vendor}; to collect: ${labels(all)}`
        : `no device in ${rmm.vendor} is ${p.email}'s`,
      data: { devices: all.map(forCollection), released: owned.map((d) => d.id) },
    };
  },
  async verify(p, ctx) {
    const rmm = ctx.ports.rmm;
    const { all, owned } = await theirs(p, rmm);
    const data = { devices: all.map(forCollection) };
    return owned.length
      ? { kind: "not-verified", observed: `${labels(owned)} still ${p.email}'s in ${rmm.vendor}`, data }
      : { kind: "verified", data };
  },
});
