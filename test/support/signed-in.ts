import type { FastifyInstance, InjectOptions } from "fastify";
import type { ClientScope, StaffRole } from "../../src/domain/staff-roles.ts";
import { buildServer, type ServerOptions } from "../../src/server/app.ts";
import { createAccount, createToken } from "../../src/staff/index.ts";
import { findAccountRow } from "../../src/staff/accounts.ts";
import type { Store } from "../../src/store/sql.ts";

export interface StaffFixture {
  email: string;
  role: StaffRole;
  clients?: readonly string[];
}

/** An account of this role (made the first time) and a fresh personal token for it. */
export async function staffToken(store: Store, who: Partial<StaffFixture> = {}): Promise<string> {
  const role = who.role ?? "admin";
  const email = who.email ?? `test-${role}${who.clients ? `-${who.clients.join("-")}` : ""}@lifecycle.test`;
  let row = await findAccountRow(store, email);
  if (!row) {
    const made = await createAccount(
      store,
      { email, role, ...(who.clients ? { clients: [...who.clients] } : {}) },
      "test",
    );
    if (!made.ok) throw new Error(`test account ${email}: ${JSON.stringify(made.errors)}`);
    row = await findAccountRow(store, email);
  }
  if (!row) throw new Error(`test account ${email} is missing`);
  const clients: ClientScope = row.clients ?? "all";
  const made = await createToken(
    store,
    { accountId: row.id, email: row.email, role: row.role, clients, via: "token" },
    { name: "test" },
  );
  if (!made.ok) throw new Error(`test token: ${JSON.stringify(made.errors)}`);
  return made.value.token;
}

/**
 * `app.inject` sending `Authorization: Bearer <token>` unless the call sets its own, so tests about
 * something else need not repeat it; tests about authentication pass `authorization` themselves.
 */
export function injectingToken(app: FastifyInstance, token: string): FastifyInstance {
  const inject = app.inject.bind(app);
  const withToken = (opts: InjectOptions | string) => {
    const o: InjectOptions = typeof opts === "string" ? { url: opts } : opts;
    return inject({ ...o, headers: { authorization: `Bearer ${token}`, ...o.headers } });
  };
  Object.defineProperty(app, "inject", { value: withToken, configurable: true });
  return app;
}

/** A server whose injected requests are an admin's (or `as`'s), for tests of what routes do. */
export async function signedInServer(
  opts: ServerOptions,
  as: Partial<StaffFixture> = {},
): Promise<FastifyInstance & { token: string }> {
  const app = await buildServer(opts);
  const token = await staffToken(opts.store, as);
  return Object.assign(injectingToken(app, token), { token });
}
