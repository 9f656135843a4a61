import { z } from "zod";
import { clientConfigSchema, credentialRef, type ClientConfig } from "../../domain/client.ts";
import { connectorSection } from "../../composition/systems.ts";
import { connectors } from "../../connectors/registry.ts";
import { getClient, listClients } from "../../store/clients-repo.ts";
import type { Store } from "../../store/sql.ts";
import { ApiError, errorResponses } from "../errors.ts";
import type { RoutePlugin } from "./plugin.ts";

// Built from the config's own fields (pick() refuses a schema with refinements) so the two cannot drift.
const { id, displayName, domains, timeZone, systems } = clientConfigSchema.shape;
const clientList = z
  .array(z.object({ id, displayName, domains, timeZone, systems }))
  .describe("Every client, by id.");
const clientConfig = clientConfigSchema.describe("The client's configuration, defaults filled in.");

const clientParams = z.strictObject({ id: z.string().min(1).max(100) });

// A system's credential is an id in the credential store, never a secret; but a row written around the
// config validation could hold anything, so only what its connector's schema knows is ever sent.
function publicSystems(config: ClientConfig): ClientConfig["systems"] {
  return Object.fromEntries(
    Object.entries(config.systems).map(([name, system]) => {
      const { connector, credential, limits } = system;
      const known = connectors.find((c) => c.id === connector)?.config.safeParse(connectorSection(system));
      return [
        name,
        {
          connector,
          ...(known?.success ? (known.data as object) : {}),
          ...(credentialRef.safeParse(credential).success ? { credential } : {}),
          ...(limits ? { limits } : {}),
        },
      ];
    }),
  );
}

function publicConfig(config: ClientConfig): ClientConfig {
  return { ...config, systems: publicSystems(config) };
}

export const clientRoutes: RoutePlugin<{ store: Store }> = async (app, { store }) => {
  app.get(
    "/clients",
    {
      schema: {
        summary: "List clients",
        tags: ["clients"],
        response: { 200: clientList, ...errorResponses() },
      },
    },
    async () =>
      (await listClients(store)).map((c) => ({
        id: c.id,
        displayName: c.displayName,
        domains: c.domains,
        timeZone: c.timeZone,
        systems: publicSystems(c),
      })),
  );

  app.get(
    "/clients/:id",
    {
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
