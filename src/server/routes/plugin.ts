import type { FastifyPluginAsync, FastifyPluginOptions, RawServerDefault } from "fastify";
import type { ZodTypeProvider } from "../zod.ts";

/** A route module: a Fastify plugin whose schemas are zod and whose dependencies arrive as options. */
export type RoutePlugin<Deps extends FastifyPluginOptions> = FastifyPluginAsync<
  Deps,
  RawServerDefault,
  ZodTypeProvider
>;
