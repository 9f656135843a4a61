import { z } from "zod";
import { defineAction } from "../define.ts";
import { text, upn } from "../support/params.ts";

/** The new starter as a contact of the client's company in the PSA (reactivated if one was there before). */
export const createContact = defineAction({
  type: "psa.create-contact",
  params: z.strictObject({
    email: upn,
    firstName: text,
    lastName: text,
    title: text.optional(),
    phone: text.optional(),
  }),
  ports: ["psa"],
  async plan(p, ctx) {
    const found = await ctx.ports.psa.findContact(p.email);
    if (found?.active) return { kind: "already-done", detail: `contact ${p.email} is in the PSA` };
    return found
      ? { kind: "will-change", summary: `reactivate contact ${p.email}`, handOff: { found } }
      : { kind: "will-change", summary: `create contact ${p.email}`, handOff: { found } };
  },
  async apply(p, ctx, planned) {
    const psa = ctx.ports.psa;
    // After an earlier attempt, looked up again right before creating: its create may still have been
    // landing at the PSA when plan read. A first attempt's plan has just looked.
    const found = ctx.firstAttempt && planned ? planned.found : await psa.findContact(p.email);
    if (found) {
      if (!found.active) await psa.setContactActive(found.id, true);
      return { kind: "done", detail: `reactivated contact ${p.email}`, data: { contactId: found.id } };
    }
    const { email, firstName, lastName } = p;
    const created = await psa.createContact({
      email,
      firstName,
      lastName,
      ...(p.title ? { title: p.title } : {}),
      ...(p.phone ? { phone: p.phone } : {}),
    });
    return { kind: "done", detail: `created contact ${p.email}`, data: { contactId: created.id } };
  },
  // Read back by its address, not the create's answer: what a later plan relies on to find it.
  async verify(p, ctx) {
    const found = await ctx.ports.psa.findContact(p.email);
    if (!found) return { kind: "not-verified", observed: `no contact ${p.email}` };
    return found.active
      ? { kind: "verified" }
      : { kind: "not-verified", observed: `contact ${p.email} is inactive` };
  },
});
