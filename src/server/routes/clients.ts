import { z } from "zod";
import { clientConfigSchema } from "../../domain/client.ts";
import { publicConfig, publicSystems } from "../../composition/index.ts";
import { getClient, listClients } from "../../store/clients-repo.ts";
import type { Store } from "../../store/sql.ts";
import { ApiError, errorResponses } from "../errors.ts";
import type { RoutePlugin } from "./plugin.ts";
import { clientFromParams, listScope } from "../principal.ts";

// Built from the config's own fields (pick() refuses a schema with refinements) so the two cannot drift.
const { id, displayName, domains, timeZone, systems } = clientConfigSchema.shape;
const clientList = z
  .array(z.object({ id, displayName, domains, timeZone, systems }))
  .describe("Every client, by id.");
const clientConfig = clientConfigSchema.describe("The client's configuration, defaults filled in.");

const clientParams = z.strictObject({ id: z.string().min(1).max(100) });

export const clientRoutes: RoutePlugin<{ store: Store }> = async (app, { store }) => {
  app.get(
    "/clients",
    {
      config: { access: { permission: "read" } },
      schema: {
        summary: "List clients",
        tags: ["clients"],
        response: { 200: clientList, ...errorResponses() },
      },
    },
    async (request) => {
      const scope = listScope(request);
      return (await listClients(store))
        .filter((c) => !scope || scope.includes(c.id))
        .map((c) => ({
          id: c.id,
          displayName: c.displayName,
          domains: c.domains,
          timeZone: c.timeZone,
          systems: publicSystems(c),
        }));
    },
  );

  app.get(
    "/clients/:id",
    {
      config: { access: { permission: "read", client: clientFromParams() } },
      schema: {
        summary: "A client's configuration",
        description: "Credentials appear only as references into the credential store.",
        tags: ["clients"],
        params: clientParams,
        response: { 200: clientConfig, ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND") },
      },
    },
    async (request) => {
      const config = await getClient(store, request.params.id);
      if (!config) throw new ApiError("LC_ERR_NOT_FOUND", `no client "${request.params.id}"`);
      return publicConfig(config);
    },
  );
};
