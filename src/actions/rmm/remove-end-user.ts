import { z } from "zod";
import { defineAction } from "../define.ts";
import { upn } from "../support/params.ts";
import { noEndUsersReason } from "../support/rmm.ts";

const noEntry = (email: string, vendor: string) => `no RMM user entry for ${email} in ${vendor}`;

/** The leaver's end user removed from the RMM (NinjaOne has no disable: its end users are deleted). */
export const removeEndUser = defineAction({
  type: "rmm.remove-end-user",
  params: z.strictObject({ email: upn }),
  ports: ["rmm"],
  async plan(p, ctx) {
    const rmm = ctx.ports.rmm;
    if (!rmm.endUsers) return { kind: "skip", reason: noEndUsersReason };
    const found = await rmm.findEndUser(p.email);
    if (!found) return { kind: "already-done", detail: noEntry(p.email, rmm.vendor) };
    return {
      kind: "will-change",
      summary: `remove RMM user entry for ${p.email} from ${rmm.vendor}`,
      handOff: { found },
    };
  },
  async apply(p, ctx, planned) {
    const rmm = ctx.ports.rmm;
    const found = planned ? planned.found : await rmm.findEndUser(p.email);
    // Gone since plan read (or an earlier attempt removed it): removing is what was asked.
    if (!found) return { kind: "done", detail: noEntry(p.email, rmm.vendor) };
    await rmm.removeEndUser(found.id);
    return {
      kind: "done",
      detail: `removed RMM user entry for ${p.email} from ${rmm.vendor}`,
      data: { endUserId: found.id },
    };
  },
  async verify(p, ctx) {
    const found = await ctx.ports.rmm.findEndUser(p.email);
    return found
      ? { kind: "not-verified", observed: `end user ${p.email} is still in the RMM` }
      : { kind: "verified" };
  },
  residualAccess: {
    what: "RMM end user",
    async check(p, ctx) {
      const rmm = ctx.ports.rmm;
      if (!rmm.endUsers) return [];
      return (await rmm.findEndUser(p.email)) ? [{ found: `end user ${p.email} is still in the RMM` }] : [];
    },
  },
});
