import { createHash, randomBytes } from "node:crypto";
import type { OneTimeLinks } from "../ports/index.ts";
import { LifecycleError } from "../domain/errors.ts";
import type { Sql, Store } from "../store/sql.ts";
import type { KeySource } from "./keys.ts";
import { open, seal } from "./seal.ts";

/** Where a link stands; a page or an API answer is chosen from it. */
export type LinkState =
  | { kind: "ready"; label: string; expiresAt: Date }
  | { kind: "not-found" }
  | { kind: "viewed"; label: string; viewedAt: Date }
  | { kind: "expired"; label: string; expiresAt: Date };

export type Revealed =
  { kind: "revealed"; label: string; secret: string } | Exclude<LinkState, { kind: "ready" }>;

// Only the hash is stored: whoever reads the database cannot open a link that has not been used yet.
export const tokenHash = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

const context = (key: string) => `one-time-link\u0000${key}`;

interface LinkRow {
  key: string;
  label: string;
  key_id: string | null;
  iv: string | null;
  ciphertext: string | null;
  tag: string | null;
  expires_at: Date;
  viewed_at: Date | null;
}

function stateOf(row: LinkRow, now: Date): LinkState {
  if (row.viewed_at) return { kind: "viewed", label: row.label, viewedAt: new Date(row.viewed_at) };
  const expiresAt = new Date(row.expires_at);
  if (expiresAt <= now) return { kind: "expired", label: row.label, expiresAt };
  return { kind: "ready", label: row.label, expiresAt };
}

const selectLink = `select key, label, key_id, iv, ciphertext, tag, expires_at, viewed_at
  from one_time_links where token_hash = $1`;

/** Reading a link's state changes nothing: mail scanners fetch links before the person does. */
export async function linkState(sql: Sql, token: string, now = new Date()): Promise<LinkState> {
  const [row] = await sql.query<LinkRow>(selectLink, [tokenHash(token)]);
  return row ? stateOf(row, now) : { kind: "not-found" };
}

/**
 * Hands out the secret once. The row is locked while it is opened and then erased, so two clicks at the
 * same moment cannot both see it, and a failure to open it leaves the link usable.
 */
export async function revealLink(
  store: Store,
  keys: KeySource,
  token: string,
  now = new Date(),
): Promise<Revealed> {
  return store.tx(async (sql) => {
    const [row] = await sql.query<LinkRow>(`${selectLink} for update`, [tokenHash(token)]);
    if (!row) return { kind: "not-found" };
    const state = stateOf(row, now);
    if (state.kind !== "ready") return state;
    if (!row.key_id || !row.iv || !row.ciphertext || !row.tag)
      throw new Error(`one-time link ${row.key} holds no secret although it was never viewed`);
    const secret = open(
      keys(),
      { keyId: row.key_id, iv: row.iv, ciphertext: row.ciphertext, tag: row.tag },
      context(row.key),
    );
    await sql.query(
      `update one_time_links set viewed_at = $2, key_id = null, iv = null, ciphertext = null, tag = null
       where key = $1`,
      [row.key, now],
    );
    return { kind: "revealed", label: row.label, secret };
  });
}

/**
 * The product's OneTimeLinks. `publicUrl` is read when a link is made, since a server learns its own
 * address only once it listens; without one, sharing fails clearly rather than mailing a dead link.
 */
export function oneTimeLinks(deps: {
  sql: Sql;
  keys: KeySource;
  publicUrl: () => string | undefined;
}): OneTimeLinks {
  return {
    async share(key, secret, { label, expiresAt }) {
      const base = deps.publicUrl();
      if (!base)
        throw new LifecycleError({
          kind: "invalid",
          code: "NOT_CONFIGURED",
          message:
            "set LIFECYCLE_PUBLIC_URL to the address people open Lifecycle at, so one-time links point there",
        });
      const token = randomBytes(32).toString("base64url");
      const sealed = seal(deps.keys(), secret, context(key));
      await deps.sql.query(
        `insert into one_time_links (key, token_hash, label, key_id, iv, ciphertext, tag, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (key) do update set token_hash = excluded.token_hash, label = excluded.label,
           key_id = excluded.key_id, iv = excluded.iv, ciphertext = excluded.ciphertext, tag = excluded.tag,
           expires_at = excluded.expires_at, created_at = now(), viewed_at = null`,
        [key, tokenHash(token), label, sealed.keyId, sealed.iv, sealed.ciphertext, sealed.tag, expiresAt],
      );
      // A secret nobody fetched in time is erased, not kept: its link says "expired" from the row alone.
      await deps.sql.query(
        `update one_time_links set key_id = null, iv = null, ciphertext = null, tag = null
          where expires_at < now() and ciphertext is not null`,
      );
      return { url: `${base.replace(/\/+$/, "")}/credentials/${token}` };
    },
  };
}
