import { z } from "zod";
import { clientConfigSchema } from "../../domain/client.ts";
import { parseClient, publicConfig, publicSystems } from "../../composition/index.ts";
import { getClient, listClients, saveClient } from "../../store/clients-repo.ts";
import type { Store } from "../../store/sql.ts";
import { ApiError, bodyErrors, errorResponses } from "../errors.ts";
import { jsonSchemaOf } from "../zod.ts";
import type { RoutePlugin } from "./plugin.ts";
import { clientFromBody, clientFromParams, listScope, principalOf } from "../principal.ts";

// Built from the config's own fields (pick() refuses a schema with refinements) so the two cannot drift.
const { id, displayName, domains, timeZone, systems } = clientConfigSchema.shape;
const clientList = z
  .array(z.object({ id, displayName, domains, timeZone, systems }))
  .describe("Every client, by id.");
const clientConfig = clientConfigSchema.describe("The client's configuration, defaults filled in.");

const clientParams = z.strictObject({ id: z.string().min(1).max(100) });

// Plain JSON Schema, so the route validator lets the body through to parseClient, which also checks each
// system by its connector's schema and names fields the same way for this route and the CLI's import.
const clientBody = {
  ...jsonSchemaOf(clientConfigSchema, "input"),
  description: "A client's configuration, as `lifecycle clients import` reads it from a file.",
};

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

  app.post(
    "/clients",
    {
      // A principal limited to some clients may replace theirs only, and creates none: the id is the client.
      config: { access: { permission: "configure", client: clientFromBody("id") } },
      schema: {
        summary: "Create a client, or replace the configuration of the one with its id",
        description:
          "Validated by the client schema and each system's connector schema; when anything is wrong nothing " +
          "is stored and `fields` names each field at fault. A running server plans with the new " +
          "configuration from the next request on.",
        tags: ["clients"],
        body: clientBody,
        response: {
          200: clientConfig.describe("The client's configuration as replaced."),
          201: clientConfig.describe("The client's configuration as created."),
          ...errorResponses("LC_ERR_VALIDATION", ...bodyErrors),
        },
      },
    },
    async (request, reply) => {
      const parsed = parseClient(request.body);
      if (!parsed.ok)
        throw new ApiError("LC_ERR_VALIDATION", "the client configuration is not valid; nothing was stored", {
          fields: parsed.errors,
        });
      const { created } = await saveClient(store, parsed.value, principalOf(request).email);
      return reply.code(created ? 201 : 200).send(publicConfig(parsed.value));
    },
  );
};
