import { LifecycleError } from "../../domain/errors.ts";
import type { AuthMethod, Capabilities } from "../../ports/index.ts";
import { defineAction } from "../define.ts";
import { need } from "../need.ts";
import { resolveUser } from "./resolve-user.ts";

// The password is a method too, but it cannot be deleted; resetting it is another step's job.
const removable = (m: AuthMethod) => m.type !== "passwordAuthenticationMethod";
const types = (ms: AuthMethod[]) => ms.map((m) => m.type).join(", ");

/**
 * Deletes every authentication method but the password, so nothing the leaver registered still signs
 * in and any return starts from a fresh MFA registration. Methods live in the cloud even for users
 * synced from on-premises AD, so those are done here too.
 */
export const removeMfaMethods = defineAction<{ upn: string }, Capabilities>("identity.remove-mfa-methods", {
  async plan(p, ctx) {
    const auth = need(ctx.caps, "authentication");
    const user = await resolveUser(need(ctx.caps, "directory"), p.upn);
    const go = (await auth.methods(user.id)).filter(removable);
    if (!go.length) return { kind: "already-done", detail: "no method left but the password" };
    return { kind: "will-change", summary: `remove ${go.length} method(s): ${types(go)}` };
  },
  async apply(p, ctx) {
    const auth = need(ctx.caps, "authentication");
    const user = await resolveUser(need(ctx.caps, "directory"), p.upn);
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
    const auth = need(ctx.caps, "authentication");
    const user = await resolveUser(need(ctx.caps, "directory"), p.upn);
    const left = (await auth.methods(user.id)).filter(removable);
    return left.length
      ? { kind: "not-verified", observed: `still registered: ${types(left)}` }
      : { kind: "verified" };
  },
});
