import { z } from "zod";
import type { Docs, DocsCredential } from "../../ports/index.ts";
import { defineAction } from "../define.ts";
import { actionError } from "../support/fail.ts";
import { text, upn } from "../support/params.ts";

const params = z.strictObject({
  /** The person the entry is linked to, by work address. */
  email: upn,
  /** The entry's name, unique per person ("Sarah Johnson – Microsoft 365"). */
  name: text,
  /** Kept with the entry; a plain default when the plan names none. */
  note: text.optional(),
});
type Params = z.output<typeof params>;

const defaultNote = "Offboarded by Lifecycle: no longer in use";

type Looked = { credential: DocsCredential } | { missing: string };

async function lookUp(docs: Docs, p: Params): Promise<Looked> {
  const person = await docs.findPerson(p.email);
  if (!person) return { missing: "no such person in the documentation" };
  const credential = await docs.findCredential(person.id, p.name);
  if (!credential) return { missing: `no credential "${p.name}" of ${p.email} in the documentation` };
  return { credential };
}

/** The leaver's password entry archived in the client's vault (or noted as no longer in use). */
export const retireCredential = defineAction({
  type: "docs.retire-credential",
  params,
  ports: ["docs"],
  async plan(p, ctx) {
    const looked = await lookUp(ctx.ports.docs, p);
    if ("missing" in looked) return { kind: "skip", reason: looked.missing };
    const { credential } = looked;
    if (credential.archived) return { kind: "already-done", detail: `"${p.name}" is archived` };
    return {
      kind: "will-change",
      summary: `archive "${p.name}" in the documentation`,
      handOff: { credential },
    };
  },
  async apply(p, ctx, planned) {
    const docs = ctx.ports.docs;
    // Archiving twice leaves the entry archived, so what plan read is enough.
    const looked = planned ? { credential: planned.credential } : await lookUp(docs, p);
    if ("missing" in looked) throw actionError("OBJECT_NOT_FOUND", `${looked.missing} any more`);
    await docs.retireCredential(looked.credential.id, p.note ?? defaultNote);
    return { kind: "done", detail: `archived "${p.name}"`, data: { credentialId: looked.credential.id } };
  },
  async verify(p, ctx) {
    const looked = await lookUp(ctx.ports.docs, p);
    if ("missing" in looked) return { kind: "not-verified", observed: looked.missing };
    return looked.credential.archived
      ? { kind: "verified" }
      : { kind: "not-verified", observed: `"${p.name}" is not archived` };
  },
});
