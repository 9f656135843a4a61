import { z } from "zod";
import type { RmmEndUser } from "../../ports/index.ts";
import { defineAction } from "../define.ts";
import { text, upn } from "../support/params.ts";
import { noEndUsersReason } from "../support/rmm.ts";

const data = (u: RmmEndUser) => ({
  endUserId: u.id,
  ...(u.ownerRef !== undefined ? { ownerRef: u.ownerRef } : {}),
});

const entryThere = (email: string, vendor: string) => `${email} has an RMM user entry in ${vendor}`;

/** The new starter as an end user of the client's organisation in the RMM, where the RMM keeps them. */
export const createEndUser = defineAction({
  type: "rmm.create-end-user",
  params: z.strictObject({ email: upn, firstName: text, lastName: text, phone: text.optional() }),
  ports: ["rmm"],
  async plan(p, ctx) {
    const rmm = ctx.ports.rmm;
    // Asked first: an RMM without end users finds nobody, which would read as "to be created".
    if (!rmm.endUsers) return { kind: "skip", reason: noEndUsersReason };
    const found = await rmm.findEndUser(p.email);
    if (found) return { kind: "already-done", detail: entryThere(p.email, rmm.vendor) };
    return {
      kind: "will-change",
      summary: `create RMM user entry for ${p.email} in ${rmm.vendor}`,
      handOff: { found },
    };
  },
  async apply(p, ctx, planned) {
    const rmm = ctx.ports.rmm;
    // After an earlier attempt, looked up again: its create may have landed after that plan read.
    const found = ctx.firstAttempt && planned ? planned.found : await rmm.findEndUser(p.email);
    if (found) return { kind: "done", detail: entryThere(p.email, rmm.vendor), data: data(found) };
    const created = await rmm.createEndUser({
      email: p.email,
      firstName: p.firstName,
      lastName: p.lastName,
      ...(p.phone ? { phone: p.phone } : {}),
    });
    return {
      kind: "done",
      detail: `created RMM user entry for ${p.email} in ${rmm.vendor}`,
      data: data(created),
    };
  },
  // Read back by address, not the create's answer: what a later plan (and the device step) finds it by.
  async verify(p, ctx) {
    const rmm = ctx.ports.rmm;
    const found = await rmm.findEndUser(p.email);
    return found
      ? { kind: "verified", data: data(found) }
      : { kind: "not-verified", observed: `no RMM user entry for ${p.email} in ${rmm.vendor}` };
  },
});
