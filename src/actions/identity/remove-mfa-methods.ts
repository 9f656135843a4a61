import { LifecycleError } from "../../domain/errors.ts";
import { z } from "zod";
import type { AuthMethod } from "../../ports/index.ts";
import { defineAction } from "../define.ts";
import { upn } from "../support/params.ts";
import { resolveUser } from "../support/resolve-user.ts";

// The password is a method too, but it cannot be deleted; resetting it is another step's job.
const removable = (m: AuthMethod) => m.type !== "passwordAuthenticationMethod";
const types = (ms: AuthMethod[]) => ms.map((m) => m.type).join(", ");

/**
 * Deletes every authentication method but the password, so nothing the leaver registered still signs
 * in and any return starts from a fresh MFA registration. Methods live in the cloud even for users
 * synced from on-premises AD, so those are done here too.
 */
export const removeMfaMethods = defineAction({
  type: "identity.remove-mfa-methods",
  params: z.strictObject({ upn }),
  ports: ["directory", "authentication"],
  async plan(p, ctx) {
    const auth = ctx.ports.authentication;
    const user = await resolveUser(ctx.ports.directory, p.upn);
    const go = (await auth.methods(user.id)).filter(removable);
    if (!go.length) return { kind: "already-done", detail: "no method left but the password" };
    return { kind: "will-change", summary: `remove ${go.length} method(s): ${types(go)}` };
  },
  async apply(p, ctx) {
    const auth = ctx.ports.authentication;
    const user = await resolveUser(ctx.ports.directory, p.upn);
    const go = (await auth.methods(user.id)).filter(removable);
    for (const m of go) {
      try {
        await auth.removeMethod(user.id, m);
      } catch (err) {
        // Deleted by an earlier, interrupted attempt: the state we want is there.
        if (!(err instanceof LifecycleError && err.failure.kind === "not-found")) throw err;
      }
    }
    return {
      kind: "done",
      detail: `removed ${go.length} method(s): ${types(go)}`,
      data: {
        removedMethods: go.map((m) => ({
          type: m.type,
          ...(m.displayName ? { displayName: m.displayName } : {}),
        })),
      },
    };
  },
  async verify(p, ctx) {
    const auth = ctx.ports.authentication;
    const user = await resolveUser(ctx.ports.directory, p.upn);
    const left = (await auth.methods(user.id)).filter(removable);
    return left.length
      ? { kind: "not-verified", observed: `still registered: ${types(left)}` }
      : { kind: "verified" };
  },
  residualAccess: {
    what: "MFA methods",
    async check(p, ctx) {
      const user = await resolveUser(ctx.ports.directory, p.upn);
      const left = (await ctx.ports.authentication.methods(user.id)).filter(removable);
      return left.length ? [{ found: `MFA methods remain: ${left.map((m) => m.type).join(", ")}` }] : [];
    },
  },
});
