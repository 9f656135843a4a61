import type { FastifyRequest } from "fastify";
import type { ClientScope, Permission, Principal } from "../domain/staff-roles.ts";
import type { Sql } from "../store/sql.ts";
import { ApiError } from "./errors.ts";

/** Which client a request is about, read from its validated params, query or body; none: no particular one. */
export type ClientOf = (request: FastifyRequest) => string | undefined | Promise<string | undefined>;

/**
 * What a route needs, declared on the route (`config: { access: { permission: "submit", client } }`), so
 * the authorisation matrix reads every route's requirement where it is defined. A route without one is
 * refused at start-up. `public` routes (health, sign-in, the one-time link pages) carry their own proof (a
 * link token) or need none.
 */
export type RouteAccess = { permission: Permission; client?: ClientOf } | { public: true };

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

/** The clients a list may show the request's principal: undefined for every client. */
export function listScope(request: FastifyRequest): readonly string[] | undefined {
  const scope: ClientScope = principalOf(request).clients;
  return scope === "all" ? undefined : scope;
}

const own = (o: unknown, key: string): string | undefined => {
  if (typeof o !== "object" || o === null || !Object.hasOwn(o, key)) return undefined;
  const v = (o as Record<string, unknown>)[key];
  return typeof v === "string" ? v : undefined;
};

export const clientFromParams =
  (name = "id"): ClientOf =>
  (r) =>
    own(r.params, name);
export const clientFromQuery =
  (name = "client"): ClientOf =>
  (r) =>
    own(r.query, name);
export const clientFromBody =
  (name = "client"): ClientOf =>
  (r) =>
    own(r.body, name);

/** A run's client. An unknown run is nobody's: its route answers 404 as for anyone. */
export const clientOfRun =
  (sql: Sql, name = "id"): ClientOf =>
  async (r) => {
    const id = own(r.params, name);
    if (id === undefined) return undefined;
    const [row] = await sql.query<{ client_id: string }>("select client_id from runs where id = $1", [id]);
    return row?.client_id;
  };
