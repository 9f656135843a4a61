import { credentialRef as credentialRefSchema } from "../domain/client.ts";
import { fail, failAll, ok, parseWith, type Result } from "../domain/result.ts";
import { appendAudit } from "../store/audit.ts";
import type { Sql, Store } from "../store/sql.ts";
import type { CredentialKinds } from "./kinds.ts";
import type { KeySource } from "./keys.ts";
import { open, seal, type Sealed } from "./seal.ts";

/** What may be shown about a credential: never its value. */
export interface CredentialInfo {
  ref: string;
  kind: string;
  updatedAt: Date;
}

export interface StoredCredential {
  ref: string;
  kind: string;
  /** Raised on every write: connectors built from an older version are rebuilt. */
  version: number;
  value: unknown;
}

// The same rule as a client config's `credentials` values, so every stored ref can be referred to.
const credentialRef = credentialRefSchema;

const context = (ref: string, kind: string) => `credential\u0000${ref}\u0000${kind}`;

/** Validates, seals and stores (or replaces) one credential; bad input stores nothing. */
export async function setCredential(
  store: Store,
  keys: KeySource,
  kinds: CredentialKinds,
  input: { ref: string; kind: string; value: unknown; actor: string },
): Promise<Result<CredentialInfo>> {
  const { ref, kind, actor } = input;
  if (!credentialRef.safeParse(ref).success)
    return fail("ref", "must be a reference such as acme/microsoft-app: letters, digits and . _ : / -");
  const schema = kinds.get(kind);
  if (!schema) return fail("kind", `must be one of ${[...kinds.keys()].join(", ")}`);
  // Field errors name where a value is wrong; their wording never repeats the input, which is a secret.
  const parsed = parseWith(schema, input.value, "value");
  if (!parsed.ok) return failAll(parsed.errors);
  const sealed = seal(keys(), JSON.stringify(parsed.value), context(ref, kind));
  const [row] = await store.tx(async (sql) => {
    await appendAudit(sql, { actor, action: "credential.set", subject: ref, detail: { kind } });
    return sql.query<{ updated_at: Date }>(
      `insert into credentials (ref, kind, key_id, iv, ciphertext, tag) values ($1, $2, $3, $4, $5, $6)
       on conflict (ref) do update set kind = excluded.kind, key_id = excluded.key_id, iv = excluded.iv,
         ciphertext = excluded.ciphertext, tag = excluded.tag, version = credentials.version + 1,
         updated_at = now()
       returning updated_at`,
      [ref, kind, sealed.keyId, sealed.iv, sealed.ciphertext, sealed.tag],
    );
  });
  return ok({ ref, kind, updatedAt: new Date(row?.updated_at ?? Date.now()) });
}

export async function listCredentials(sql: Sql): Promise<CredentialInfo[]> {
  const rows = await sql.query<{ ref: string; kind: string; updated_at: Date }>(
    "select ref, kind, updated_at from credentials order by ref",
  );
  return rows.map((r) => ({ ref: r.ref, kind: r.kind, updatedAt: new Date(r.updated_at) }));
}

/** The version alone, to tell whether connectors built from a credential are still current. */
export async function credentialVersion(sql: Sql, ref: string): Promise<number | undefined> {
  const [row] = await sql.query<{ version: string | number }>(
    "select version from credentials where ref = $1",
    [ref],
  );
  return row ? Number(row.version) : undefined;
}

export async function readCredential(
  sql: Sql,
  keys: KeySource,
  ref: string,
): Promise<StoredCredential | undefined> {
  const [row] = await sql.query<
    { kind: string; version: string | number; key_id: string } & Omit<Sealed, "keyId">
  >("select kind, version, key_id, iv, ciphertext, tag from credentials where ref = $1", [ref]);
  if (!row) return undefined;
  const text = open(
    keys(),
    { keyId: row.key_id, iv: row.iv, ciphertext: row.ciphertext, tag: row.tag },
    context(ref, row.kind),
  );
  return { ref, kind: row.kind, version: Number(row.version), value: JSON.parse(text) as unknown };
}

/** Whether there was one to remove. */
export async function removeCredential(store: Store, ref: string, actor: string): Promise<boolean> {
  return store.tx(async (sql) => {
    const gone = await sql.query("delete from credentials where ref = $1 returning ref", [ref]);
    if (gone.length) await appendAudit(sql, { actor, action: "credential.remove", subject: ref });
    return gone.length > 0;
  });
}
