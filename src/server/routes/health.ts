import { z } from "zod";
import type { Store } from "../../store/sql.ts";
import { ApiError, errorResponses } from "../errors.ts";
import type { RoutePlugin } from "./plugin.ts";

const healthy = z
  .object({ status: z.literal("ok"), store: z.enum(["pglite", "postgres"]) })
  .describe("The server is up and its database answers.");

/** Liveness and readiness in one: a server whose database does not answer cannot do anything useful. */
export const healthRoutes: RoutePlugin<{ store: Store }> = async (app, { store }) => {
  app.get(
    "/healthz",
    {
      config: { access: { public: true } },
      schema: {
        summary: "Health check: runs `select 1` on the store",
        tags: ["health"],
        response: { 200: healthy, ...errorResponses("LC_ERR_UNAVAILABLE") },
      },
    },
    async () => {
      try {
        await store.query("select 1");
      } catch (err) {
        throw new ApiError("LC_ERR_UNAVAILABLE", "the database is not answering", { cause: err });
      }
      return { status: "ok" as const, store: store.kind };
    },
  );
};
