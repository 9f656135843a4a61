import { z } from "zod";
import { credentialKinds } from "../../composition/credential-kinds.ts";
import type { KeySource } from "../../credentials/keys.ts";
import { listCredentials, removeCredential, setCredential } from "../../credentials/repo.ts";
import type { Store } from "../../store/sql.ts";
import { ApiError, bodyErrors, errorResponses } from "../errors.ts";
import { principalOf } from "../principal.ts";
import type { RoutePlugin } from "./plugin.ts";

const credentialKindNames = [...credentialKinds.keys()];

const credentialInfo = z.object({
  ref: z.string(),
  kind: z.enum(credentialKindNames),
  updatedAt: z.date(),
});

const refParams = z.strictObject({
  ref: z.string().min(1).max(128).describe("The credential's reference, as client configs name it."),
});

const setBody = z.strictObject({
  kind: z
    .string()
    .default("microsoft-app")
    .describe(`One of ${credentialKindNames.join(", ")}.`),
  value: z.unknown().describe("The secret, e.g. a Microsoft app's {clientId, clientSecret}; never returned."),
});

/**
 * Secrets go in and never come out: set and remove answer with the reference and kind only, and the list
 * has no values, so a leaked API token cannot be used to read them back.
 */
export const credentialRoutes: RoutePlugin<{ store: Store; keys: KeySource }> = async (
  app,
  { store, keys },
) => {
  app.get(
    "/credentials",
    {
      config: { access: { permission: "credentials" } },
      schema: {
        summary: "List stored credentials (references and kinds, never values)",
        tags: ["credentials"],
        response: {
          200: z.array(credentialInfo).describe("Every credential, by reference."),
          ...errorResponses(),
        },
      },
    },
    async () => listCredentials(store),
  );

  app.put(
    "/credentials/:ref",
    {
      config: { access: { permission: "credentials" } },
      schema: {
        summary: "Store or replace a credential",
        tags: ["credentials"],
        params: refParams,
        body: setBody,
        response: {
          200: credentialInfo.describe("What was stored, without the value."),
          ...errorResponses("LC_ERR_VALIDATION", ...bodyErrors),
        },
      },
    },
    async (request) => {
      const { kind, value } = request.body;
      const res = await setCredential(store, keys, credentialKinds, {
        ref: request.params.ref,
        kind,
        value,
        actor: principalOf(request).email,
      });
      if (!res.ok)
        throw new ApiError("LC_ERR_VALIDATION", "the credential is not valid; nothing was stored", {
          fields: res.errors,
        });
      return res.value;
    },
  );

  app.delete(
    "/credentials/:ref",
    {
      config: { access: { permission: "credentials" } },
      schema: {
        summary: "Remove a credential",
        tags: ["credentials"],
        params: refParams,
        response: {
          200: z.object({ ref: z.string() }).describe("The reference that was removed."),
          ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND"),
        },
      },
    },
    async (request) => {
      if (!(await removeCredential(store, request.params.ref, principalOf(request).email)))
        throw new ApiError("LC_ERR_NOT_FOUND", `no credential "${request.params.ref}"`);
      return { ref: request.params.ref };
    },
  );
};
