import { z } from "zod";
import { defineAction } from "../define.ts";
import { actionError } from "../support/fail.ts";
import { text, upn } from "../support/params.ts";

/** The leaver marked as gone in the client's documentation, as the client's setting says, with a note. */
export const retirePerson = defineAction({
  type: "docs.retire-person",
  params: z.strictObject({
    email: upn,
    /** Kept with the person: why, when, what was released. */
    note: text,
  }),
  ports: ["docs"],
  async plan(p, ctx) {
    const found = await ctx.ports.docs.findPerson(p.email);
    if (!found) return { kind: "skip", reason: "no such person in the documentation" };
    if (found.retired) return { kind: "already-done", detail: `${p.email} is retired in the documentation` };
    return { kind: "will-change", summary: `retire ${p.email} in the documentation`, handOff: { found } };
  },
  async apply(p, ctx, planned) {
    const docs = ctx.ports.docs;
    // Retiring again adds nothing (the port says so), so what plan read is enough.
    const found = planned ? planned.found : await docs.findPerson(p.email);
    if (!found) throw actionError("OBJECT_NOT_FOUND", `${p.email} is gone from the documentation`);
    await docs.retirePerson(found.id, p.note);
    return {
      kind: "done",
      detail: `retired ${p.email} in the documentation`,
      data: { personId: found.id, ...(found.url ? { url: found.url } : {}) },
    };
  },
  async verify(p, ctx) {
    const found = await ctx.ports.docs.findPerson(p.email);
    if (!found) return { kind: "not-verified", observed: `no person ${p.email} in the documentation` };
    return found.retired
      ? { kind: "verified" }
      : { kind: "not-verified", observed: `${p.email} is not retired in the documentation` };
  },
});
