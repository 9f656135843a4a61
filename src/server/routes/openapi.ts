import { errorResponses } from "../errors.ts";
import type { RoutePlugin } from "./plugin.ts";

const document = {
  type: "object",
  description: "The OpenAPI 3.1 document of this API.",
  additionalProperties: true,
};

export const openapiRoutes: RoutePlugin<Record<never, never>> = async (app) => {
  app.get(
    "/openapi.json",
    {
      config: { access: { permission: "read" } },
      schema: { summary: "This document", tags: ["meta"], response: { 200: document, ...errorResponses() } },
    },
    async () => app.swagger(),
  );
};
