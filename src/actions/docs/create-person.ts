import { z } from "zod";
import type { DocsPerson } from "../../ports/index.ts";
import { defineAction } from "../define.ts";
import { text, upn } from "../support/params.ts";

const data = (d: DocsPerson) => ({ personId: d.id, ...(d.url ? { url: d.url } : {}) });

const inThere = (email: string, vendor: string) => `${email} is in the documentation in ${vendor}`;

/** The new starter as a person in the client's IT documentation (IT Glue contact, Hudu People asset). */
export const createPerson = defineAction({
  type: "docs.create-person",
  params: z.strictObject({
    email: upn,
    firstName: text,
    lastName: text,
    title: text.optional(),
    phone: text.optional(),
    notes: text.optional(),
  }),
  ports: ["docs"],
  async plan(p, ctx) {
    const found = await ctx.ports.docs.findPerson(p.email);
    // The port cannot bring a retired person back, and a second one under the same address would be
    // worse: the step says so and leaves it to a person.
    if (found?.retired)
      return {
        kind: "skip",
        reason: `${p.email} is in the documentation as a retired person: bring them back by hand`,
      };
    if (found) return { kind: "already-done", detail: inThere(p.email, ctx.ports.docs.vendor) };
    return {
      kind: "will-change",
      summary: `add ${p.email} to the documentation in ${ctx.ports.docs.vendor}`,
      handOff: { found },
    };
  },
  async apply(p, ctx, planned) {
    const docs = ctx.ports.docs;
    // After an earlier attempt, looked up again: its create may have landed after that plan read.
    const found = ctx.firstAttempt && planned ? planned.found : await docs.findPerson(p.email);
    if (found) return { kind: "done", detail: inThere(p.email, docs.vendor), data: data(found) };
    const created = await docs.createPerson({
      email: p.email,
      firstName: p.firstName,
      lastName: p.lastName,
      ...(p.title ? { title: p.title } : {}),
      ...(p.phone ? { phone: p.phone } : {}),
      ...(p.notes ? { notes: p.notes } : {}),
    });
    return {
      kind: "done",
      detail: `updated documentation in ${docs.vendor}: added ${p.firstName} ${p.lastName} (${p.email})`,
      data: data(created),
    };
  },
  async verify(p, ctx) {
    const found = await ctx.ports.docs.findPerson(p.email);
    if (!found) return { kind: "not-verified", observed: `no person ${p.email} in the documentation` };
    return found.retired
      ? { kind: "not-verified", observed: `${p.email} is retired in the documentation`, settled: true }
      : { kind: "verified", data: data(found) };
  },
});
