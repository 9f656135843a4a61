import { fail, ok } from "../../domain/result.ts";
import type { OffboardingRequest } from "../../requests/index.ts";
import type { Derivation } from "./derivation.ts";

export const offboardDerivations: Record<string, Derivation<OffboardingRequest>> = {
  target: {
    describe: "the leaver as the directory knows them: id and whether synced from on-prem AD",
    shape: {
      type: "object",
      fields: { upn: { type: "string" }, userId: { type: "string" }, synced: { type: "boolean" } },
    },
    compute: async ({ request, live }) => {
      if (!live.findUser) return ok({ value: { upn: request.user } });
      const found = await live.findUser(request.user);
      if (!found) return fail("user", `${request.user} is not in the client's directory`);
      return ok({ value: { upn: request.user, userId: found.id, synced: found.onPremisesSyncEnabled } });
    },
  },
};
