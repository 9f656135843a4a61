import { createHash, createHmac } from "node:crypto";
import type { LinkAddress, LinkOwner, LinkState, OneTimeLinks } from "../ports/index.ts";
import { LifecycleError } from "../domain/errors.ts";
import type { Sql, Store } from "../store/sql.ts";
import type { KeySource } from "./keys.ts";
import { open, seal } from "./seal.ts";

/** Where a link's token stands, as its page shows it. */
export type TokenState =
  | { kind: "ready"; label: string; expiresAt: Date }
  | { kind: "not-found" }
  | { kind: "viewed"; label: string; viewedAt: Date }
  | { kind: "expired"; label: string; expiresAt: Date };

export type Revealed =
  { kind: "revealed"; label: string; secret: string } | Exclude<TokenState, { kind: "ready" }>;

/** A link as the API and the CLI show it: its id and state, never its address. */
export interface LinkView {
  linkId: string;
  step: string;
  state: LinkState;
  expiresAt: Date | null;
  viewedAt: Date | null;
}

/** The step a link was revealed or re-issued for, for the caller's event and audit entry. */
export interface LinkRecord extends LinkOwner {
  linkId: string;
}

// Only the hash is stored: whoever reads the database cannot open a link that has not been used yet.
export const tokenHash = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

const context = (key: string) => `one-time-link\u0000${key}`;
const keyOf = (owner: LinkOwner) => `${owner.runId}:${owner.actionKey}`;

/** A link's id names its step and how many times the step's link was issued: `<run>:<step>#<n>`. */
export const linkIdOf = (key: string, generation: number) => `${key}#${generation}`;

function parseLinkId(linkId: string): { key: string; generation: number } | undefined {
  const at = linkId.lastIndexOf("#");
  const generation = Number(linkId.slice(at + 1));
  if (at <= 0 || !Number.isInteger(generation) || generation < 1) return undefined;
  return { key: linkId.slice(0, at), generation };
}

/**
 * The token of one issue of a link, derived from the master key: the message that carries it is written
 * from the key and the link's id alone, so the token is stored nowhere, and every message for the same
 * issue carries the same token. A re-issue raises the generation, which changes the token.
 */
function derivedToken(masterKey: Buffer, key: string, generation: number): string {
  const tokenKey = createHmac("sha256", masterKey).update("lifecycle one-time link token").digest();
  return createHmac("sha256", tokenKey).update(`${key}\u0000${generation}`).digest("base64url");
}

// What a derived token looks like; anything else is not looked up, and answers as an unknown one does.
const tokenShape = /^[A-Za-z0-9_-]{20,100}$/;

interface LinkRow {
  key: string;
  run_id: string | null;
  action_key: string | null;
  label: string;
  key_id: string | null;
  iv: string | null;
  ciphertext: string | null;
  tag: string | null;
  expires_at: Date;
  viewed_at: Date | null;
  generation: number;
  token_key_id: string | null;
}

const columns = `key, run_id, action_key, label, key_id, iv, ciphertext, tag, expires_at, viewed_at,
  generation, token_key_id`;

function tokenStateOf(row: LinkRow, now: Date): TokenState {
  if (row.viewed_at) return { kind: "viewed", label: row.label, viewedAt: new Date(row.viewed_at) };
  const expiresAt = new Date(row.expires_at);
  if (expiresAt <= now) return { kind: "expired", label: row.label, expiresAt };
  return { kind: "ready", label: row.label, expiresAt };
}

const stateOf = (row: LinkRow, now: Date): Exclude<LinkState, "revoked"> => {
  const s = tokenStateOf(row, now).kind;
  return s === "ready" ? "created" : s === "viewed" ? "viewed" : "expired";
};

const ownerOf = (row: LinkRow): LinkOwner => {
  const at = row.key.indexOf(":");
  return {
    runId: row.run_id ?? row.key.slice(0, at),
    actionKey: row.action_key ?? row.key.slice(at + 1),
  };
};

const recordOf = (row: LinkRow): LinkRecord => ({
  ...ownerOf(row),
  linkId: linkIdOf(row.key, row.generation),
});

async function byToken(sql: Sql, token: string, lock = false): Promise<LinkRow | undefined> {
  if (!tokenShape.test(token)) return undefined;
  const [row] = await sql.query<LinkRow>(
    `select ${columns} from one_time_links where token_hash = $1${lock ? " for update" : ""}`,
    [tokenHash(token)],
  );
  return row;
}

/** Reading a link's state changes nothing: mail scanners fetch links before the person does. */
export async function linkState(sql: Sql, token: string, now = new Date()): Promise<TokenState> {
  const row = await byToken(sql, token);
  return row ? tokenStateOf(row, now) : { kind: "not-found" };
}

/**
 * Hands out the secret once. The row is locked while it is opened and then erased, so two clicks at the
 * same moment cannot both see it, and a failure to open it leaves the link usable. `record` runs in the
 * same transaction (the run's event, the audit entry), so a reveal is never unrecorded.
 */
export async function revealLink(
  store: Store,
  keys: KeySource,
  token: string,
  opts: { now?: Date; record?: (sql: Sql, link: LinkRecord) => Promise<void> } = {},
): Promise<Revealed> {
  const now = opts.now ?? new Date();
  return store.tx(async (sql) => {
    const row = await byToken(sql, token, true);
    if (!row) return { kind: "not-found" };
    const state = tokenStateOf(row, now);
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
    await opts.record?.(sql, recordOf(row));
    return { kind: "revealed", label: row.label, secret };
  });
}

/** Every link a run made, each issue of it: the current one in its state, earlier ones revoked. */
export async function linksOfRun(sql: Sql, runId: string, now = new Date()): Promise<LinkView[]> {
  const rows = await sql.query<LinkRow>(
    `select ${columns} from one_time_links where run_id = $1 order by action_key`,
    [runId],
  );
  return rows.flatMap((row) => {
    const step = ownerOf(row).actionKey;
    const earlier = Array.from({ length: row.generation - 1 }, (_, i) => ({
      linkId: linkIdOf(row.key, i + 1),
      step,
      state: "revoked" as const,
      expiresAt: null,
      viewedAt: null,
    }));
    return [
      ...earlier,
      {
        linkId: linkIdOf(row.key, row.generation),
        step,
        state: stateOf(row, now),
        expiresAt: new Date(row.expires_at),
        viewedAt: row.viewed_at ? new Date(row.viewed_at) : null,
      },
    ];
  });
}

/**
 * Revokes the step's current link and issues the next one for the same secret, in the caller's
 * transaction. Only a link nobody has opened and that has not expired can be: after that the secret is
 * erased, and a new one needs a new pass.
 */
export async function reissueLink(
  sql: Sql,
  keys: KeySource,
  owner: LinkOwner,
  now = new Date(),
): Promise<{ revoked: string; link: LinkRecord & { expiresAt: Date } }> {
  const key = keyOf(owner);
  const [row] = await sql.query<LinkRow>(`select ${columns} from one_time_links where key = $1 for update`, [
    key,
  ]);
  if (!row)
    throw new LifecycleError({
      kind: "not-found",
      code: "LINK_NOT_FOUND",
      message: `step ${owner.actionKey} of run ${owner.runId} has no one-time link`,
    });
  const state = tokenStateOf(row, now);
  if (state.kind === "viewed" || state.kind === "expired")
    throw new LifecycleError({
      kind: "conflict",
      code: "LINK_SPENT",
      message:
        state.kind === "viewed"
          ? `one-time link ${linkIdOf(key, row.generation)} was opened at ${state.viewedAt.toISOString()}: its secret is gone, and a new link needs a new pass`
          : `one-time link ${linkIdOf(key, row.generation)} expired at ${state.expiresAt.toISOString()} with its secret: a new link needs a new pass`,
    });
  const ring = keys();
  const generation = row.generation + 1;
  await sql.query(
    `update one_time_links set generation = $2, token_hash = $3, token_key_id = $4, created_at = $5 where key = $1`,
    [key, generation, tokenHash(derivedToken(ring.current.key, key, generation)), ring.current.id, now],
  );
  return {
    revoked: linkIdOf(key, row.generation),
    link: { ...ownerOf(row), linkId: linkIdOf(key, generation), expiresAt: new Date(row.expires_at) },
  };
}

/** The address links are made under; without one, the caller fails clearly rather than mailing a dead link. */
export function linkBase(publicUrl: () => string | undefined, what: string): string {
  const base = publicUrl();
  if (!base)
    throw new LifecycleError({
      kind: "invalid",
      code: "NOT_CONFIGURED",
      message: `set LIFECYCLE_PUBLIC_URL to the address people open Lifecycle at, so ${what} point there`,
    });
  return base.replace(/\/+$/, "");
}

/**
 * The product's OneTimeLinks. `publicUrl` is read when a link is made and when a message is written, since
 * a server learns its own address only once it listens; without one, both fail clearly rather than
 * mailing a dead link.
 */
export function oneTimeLinks(deps: {
  sql: Sql;
  keys: KeySource;
  publicUrl: () => string | undefined;
}): OneTimeLinks {
  const baseUrl = () => linkBase(deps.publicUrl, "one-time links");
  return {
    async share(owner, secret, { label, expiresAt }) {
      // Checked here too: a link no message could point at is not made at all.
      baseUrl();
      const key = keyOf(owner);
      const ring = deps.keys();
      const sealed = seal(ring, secret, context(key));
      // A new secret is a new issue of the link: a token made for the secret it replaces must not open it.
      // The step's lease keeps anyone else from sharing for the same step meanwhile.
      const generation = await nextGeneration(deps.sql, key);
      await deps.sql.query(
        `insert into one_time_links (key, run_id, action_key, token_hash, label, key_id, iv, ciphertext, tag,
           expires_at, generation, token_key_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         on conflict (key) do update set token_hash = excluded.token_hash, label = excluded.label,
           key_id = excluded.key_id, iv = excluded.iv, ciphertext = excluded.ciphertext, tag = excluded.tag,
           expires_at = excluded.expires_at, created_at = now(), viewed_at = null,
           generation = excluded.generation, token_key_id = excluded.token_key_id`,
        [
          key,
          owner.runId,
          owner.actionKey,
          tokenHash(derivedToken(ring.current.key, key, generation)),
          label,
          sealed.keyId,
          sealed.iv,
          sealed.ciphertext,
          sealed.tag,
          expiresAt,
          generation,
          ring.current.id,
        ],
      );
      // A secret nobody fetched in time is erased, not kept: its link says "expired" from the row alone.
      await deps.sql.query(
        `update one_time_links set key_id = null, iv = null, ciphertext = null, tag = null
          where expires_at < now() and ciphertext is not null`,
      );
      return { linkId: linkIdOf(key, generation), state: "created", expiresAt };
    },

    async address(linkId): Promise<LinkAddress> {
      const id = parseLinkId(linkId);
      const [row] = id
        ? await deps.sql.query<LinkRow>(`select ${columns} from one_time_links where key = $1`, [id.key])
        : [];
      if (!id || !row || id.generation > row.generation)
        return { kind: "unavailable", state: "unknown", reason: `no one-time link ${linkId}` };
      if (id.generation < row.generation)
        return {
          kind: "unavailable",
          state: "revoked",
          reason: `one-time link ${linkId} was replaced by ${linkIdOf(id.key, row.generation)}`,
        };
      const state = stateOf(row, new Date());
      if (state !== "created")
        return { kind: "unavailable", state, reason: `one-time link ${linkId} is ${state}` };
      if (!row.token_key_id)
        return {
          kind: "unavailable",
          state,
          reason: `one-time link ${linkId} was made before its address could be derived again: re-issue it`,
        };
      const key = deps.keys().byId.get(row.token_key_id);
      if (!key)
        throw new LifecycleError({
          kind: "invalid",
          code: "MASTER_KEY_UNKNOWN",
          message: `one-time link ${linkId} was made with master key ${row.token_key_id}, which this process was not given (see LIFECYCLE_PREVIOUS_MASTER_KEYS)`,
        });
      const base = baseUrl();
      const token = derivedToken(key, id.key, id.generation);
      return {
        kind: "ready",
        url: `${base}/credentials/${token}`,
        expiresAt: new Date(row.expires_at),
      };
    },
  };
}

async function nextGeneration(sql: Sql, key: string): Promise<number> {
  const [row] = await sql.query<{ generation: number }>(
    "select generation from one_time_links where key = $1",
    [key],
  );
  return (row?.generation ?? 0) + 1;
}
