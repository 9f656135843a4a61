import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { tokenHash } from "../credentials/one-time-links.ts";
import { ApiError } from "./errors.ts";

/**
 * The pages a link in an email opens (a one-time secret, an approval): no sign-in, the token in the
 * path is the credential. How often they answer: per client address (someone trying tokens) and per link
 * (someone trying one link over and over from many addresses). A person opens their link a few times.
 */
export const linkLimits = {
  perAddress: { max: 30, timeWindow: 60_000 },
  perLink: { max: 10, timeWindow: 15 * 60_000 },
};

/** Never cached, never indexed: the page is one person's. */
export function privately(reply: FastifyReply): FastifyReply {
  return reply.header("cache-control", "no-store").header("x-robots-tag", "noindex");
}

export const wantsHtml = (request: FastifyRequest) => /text\/html/.test(request.headers.accept ?? "");

/**
 * The route options every page of a link kind shares: public, limited per address and per link. The
 * per-link key is the token's hash, so the limiter's memory never holds a token.
 */
export async function linkPageOptions(
  app: FastifyInstance,
  kind: "one-time links" | "approval links" | "form links",
  opts: { limits?: typeof linkLimits; params?: readonly string[] } = {},
) {
  const limits = opts.limits ?? linkLimits;
  // The path parameter that holds the token: the first of these a route has.
  const params = opts.params ?? ["token"];
  const rateLimited = (seconds: number) =>
    new ApiError("LC_ERR_RATE_LIMITED", `too many requests for ${kind}; try again in ${seconds} s`);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => rateLimited(Math.ceil(context.ttl / 1000)),
  });
  const perLink = app.createRateLimit({
    ...limits.perLink,
    keyGenerator: (request) => {
      const given = request.params as Record<string, string | undefined>;
      const token = params.map((p) => given[p]).find((t) => t !== undefined);
      return `${kind}:${tokenHash(token ?? "")}`;
    },
  });
  return {
    config: { rateLimit: limits.perAddress, access: { public: true as const } },
    async preHandler(request: FastifyRequest, reply: FastifyReply) {
      const limit = await perLink(request);
      if (limit.isAllowed || !limit.isExceeded) return;
      reply.header("retry-after", limit.ttlInSeconds);
      throw rateLimited(limit.ttlInSeconds);
    },
  };
}

export const limitedResponse = { 429: { $ref: "ErrorResponse#", description: "LC_ERR_RATE_LIMITED" } };
