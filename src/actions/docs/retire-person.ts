import { z } from "zod";
import { defineAction, type StepInfo } from "../define.ts";
import { actionError } from "../support/fail.ts";
import { text, upn } from "../support/params.ts";

type RetireParams = { note: string; licencesFrom?: string[] | undefined };

/** The SKUs a step recorded as freed: the licence step's `removedSkus`, the group step's `releasedSkus`. */
function freedBy(data: Record<string, unknown> | undefined): string[] {
  return [data?.removedSkus, data?.releasedSkus].flatMap((list) =>
    Array.isArray(list)
      ? list.flatMap((r) =>
          typeof r === "object" && r && "skuPartNumber" in r ? [String(r.skuPartNumber)] : [],
        )
      : [],
  );
}

function noteOf(p: RetireParams, ctx: StepInfo): string {
  if (!p.licencesFrom) return p.note;
  const names = [...new Set(p.licencesFrom.flatMap((key) => freedBy(ctx.output(key))))];
  return `${p.note} Licences released: ${names.length ? names.join(", ") : "none by this run"}.`;
}

/** The leaver marked as gone in the client's documentation, as the client's setting says, with a note. */
export const retirePerson = defineAction({
  type: "docs.retire-person",
  params: z.strictObject({
    email: upn,
    /** Kept with the person: why and when. */
    note: text,
    /**
     * The steps this one runs after that free seats (licence and group removal): the SKUs they released
     * go into the note, for billing. None released (not planned, or nothing held) is said so instead.
     */
    licencesFrom: z.array(text).optional(),
  }),
  ports: ["docs"],
  async plan(p, ctx) {
    const found = await ctx.ports.docs.findPerson(p.email);
    if (!found) return { kind: "skip", reason: "no such person in the documentation" };
    const vendor = ctx.ports.docs.vendor;
    if (found.retired) return { kind: "already-done", detail: `${p.email} is retired in ${vendor}` };
    return { kind: "will-change", summary: `retire ${p.email} in ${vendor}`, handOff: { found } };
  },
  async apply(p, ctx, planned) {
    const docs = ctx.ports.docs;
    // Retiring again adds nothing (the port says so), so what plan read is enough.
    const found = planned ? planned.found : await docs.findPerson(p.email);
    if (!found) throw actionError("OBJECT_NOT_FOUND", `${p.email} is gone from the documentation`);
    await docs.retirePerson(found.id, noteOf(p, ctx));
    return {
      kind: "done",
      detail: `updated documentation in ${docs.vendor}: ${p.email} marked as former`,
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
