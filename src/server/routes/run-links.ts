import { z } from "zod";
import { reissueRunLink, runLinks, type PortsResolver } from "../../composition/index.ts";
import type { KeySource } from "../../credentials/keys.ts";
import type { Store } from "../../store/sql.ts";
import { ApiError, bodyErrors, errorResponses } from "../errors.ts";
import { runParams } from "../schemas.ts";
import type { RoutePlugin } from "./plugin.ts";
import { clientOfRun, principalOf } from "../principal.ts";

const linkView = z
  .object({
    linkId: z.string().describe('The link\'s id, "<run id>:<step>#<issue>"; never its address.'),
    step: z.string(),
    state: z.enum(["created", "viewed", "expired", "revoked"]),
    expiresAt: z.date().nullable(),
    viewedAt: z.date().nullable(),
  })
  .describe("A one-time link: its id and state. Its address exists only in the message that carried it.");

const reissueBody = z.strictObject({
  step: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe("The step whose link is re-issued; absent, the run's only link."),
});

const reissued = z
  .object({
    revoked: z.string().describe("The id of the link that no longer works."),
    link: linkView,
    sentTo: z.array(z.string()),
    dropped: z.array(z.object({ address: z.string(), reason: z.string() })),
  })
  .describe("The new link, sent the way the first went.");

/** A run's one-time links: their states, and a re-issue that revokes one and sends the next. */
export const runLinkRoutes: RoutePlugin<{ store: Store; keys: KeySource; ports?: PortsResolver }> = async (
  app,
  { store, keys, ports },
) => {
  app.get(
    "/runs/:id/links",
    {
      config: { access: { permission: "read", client: clientOfRun(store) } },
      schema: {
        summary: "A run's one-time links and their states",
        tags: ["one-time links"],
        params: runParams,
        response: {
          200: z.array(linkView),
          ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND"),
        },
      },
    },
    async (request) => runLinks(store, request.params.id),
  );

  app.post(
    "/runs/:id/links/reissue",
    {
      config: { access: { permission: "operate", client: clientOfRun(store) } },
      schema: {
        summary: "Revoke a run's one-time link and send a new one",
        description:
          "The old link stops working; the new one goes to the welcome email's recipients, from the same sender. " +
          "A link already opened or expired cannot be: its secret is gone (409).",
        tags: ["one-time links"],
        params: runParams,
        body: reissueBody,
        response: {
          200: reissued,
          ...errorResponses(
            "LC_ERR_VALIDATION",
            "LC_ERR_NOT_FOUND",
            "LC_ERR_CONFLICT",
            "LC_ERR_UNAVAILABLE",
            ...bodyErrors,
          ),
        },
      },
    },
    async (request) => {
      if (!ports)
        throw new ApiError("LC_ERR_UNAVAILABLE", "this server has no client systems to send a new link with");
      return reissueRunLink(store, { keys, ports }, request.params.id, {
        ...request.body,
        actor: principalOf(request).email,
      });
    },
  );
};
