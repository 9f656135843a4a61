import type { FastifyRequest } from "fastify";
import type { Permission, Principal } from "../domain/staff-roles.ts";
import { ApiError } from "./errors.ts";

/**
 * What a route needs, declared on the route (`config: { permission: "submit" }`), so the authorisation
 * matrix reads every route's requirement where it is defined. `public` routes (health, the one-time
 * link and sign-in pages) carry their own proof (a link token) or need none.
 */
export type RouteAccess = { permission: Permission } | { public: true };

declare module "fastify" {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** The signed-in staff member or token owner; set before any handler of a non-public route runs. */
    principal?: Principal;
  }
}

/** The principal of an authenticated request: what handlers name as the actor. */
export function principalOf(request: FastifyRequest): Principal {
  const p = request.principal;
  if (!p)
    throw new ApiError("LC_ERR_UNAUTHENTICATED", "sign in, or send an Authorization: Bearer <token> header");
  return p;
}
