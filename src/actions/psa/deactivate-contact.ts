import { z } from "zod";
import { defineAction } from "../define.ts";
import { actionError } from "../support/fail.ts";
import { upn } from "../support/params.ts";

/** The leaver's contact made inactive with the PSA's own flag; none there is a skip that says so. */
export const deactivateContact = defineAction({
  type: "psa.deactivate-contact",
  params: z.strictObject({ email: upn }),
  ports: ["psa"],
  async plan(p, ctx) {
    const found = await ctx.ports.psa.findContact(p.email);
    if (!found) return { kind: "skip", reason: `no contact ${p.email} at the client's company in the PSA` };
    if (!found.active) return { kind: "already-done", detail: `contact ${p.email} is inactive` };
    return { kind: "will-change", summary: `deactivate contact ${p.email}`, handOff: { found } };
  },
  async apply(p, ctx, planned) {
    const psa = ctx.ports.psa;
    // What this attempt's plan just read: the same flag written twice leaves the same contact, so no
    // earlier attempt's write needs looking for.
    const found = planned ? planned.found : await psa.findContact(p.email);
    if (!found) throw actionError("CONTACT_NOT_FOUND", `contact ${p.email} is gone from the PSA`);
    await psa.setContactActive(found.id, false);
    return { kind: "done", detail: `deactivated contact ${p.email}`, data: { contactId: found.id } };
  },
  async verify(p, ctx) {
    const found = await ctx.ports.psa.findContact(p.email);
    return !found || !found.active
      ? { kind: "verified" }
      : { kind: "not-verified", observed: `contact ${p.email} is still active` };
  },
});
