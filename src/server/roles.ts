/**
 * The least staff role a route is for, declared on the route (`config: { role: "admin" }`) so the role
 * system to come (issue 10: staff sign-in and roles) finds every route's requirement where it is defined.
 * Today's authentication (one bearer token, or none) does not read it.
 */
export type RouteRole = "admin";

declare module "fastify" {
  interface FastifyContextConfig {
    role?: RouteRole;
  }
}

/** The route config for an admin-only route, and the line its OpenAPI description carries. */
export const adminOnly = { role: "admin" } as const satisfies { role: RouteRole };
export const adminOnlyNote = "Admin only (staff roles, issue 10).";
