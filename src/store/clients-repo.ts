import { parseClientConfig, type ClientConfig } from "../domain/client.ts";
import { LifecycleError } from "../domain/errors.ts";
import type { Sql } from "./sql.ts";

export async function upsertClient(sql: Sql, config: ClientConfig): Promise<void> {
  await sql.query(
    `insert into clients (id, display_name, config) values ($1, $2, $3)
     on conflict (id) do update set display_name = excluded.display_name, config = excluded.config, updated_at = now()`,
    [config.id, config.displayName, JSON.stringify(config)],
  );
}

/**
 * A stored config is parsed again on every read, so a default added since it was saved reaches it, and a
 * rule added since is enforced instead of trusted. One that no longer parses is an error naming the
 * client and the field, never a half-read config.
 */
function reparse(stored: unknown): ClientConfig {
  const parsed = parseClientConfig(stored);
  if (parsed.ok) return parsed.value;
  const id = (stored as { id?: unknown } | null)?.id;
  const first = parsed.errors[0];
  throw new LifecycleError({
    kind: "invalid",
    code: "CLIENT_CONFIG_INVALID",
    message: `the stored config of client ${String(id)} is not valid any more: ${first ? `${first.field} ${first.message}` : "unknown error"}; import it again`,
  });
}

export async function getClient(sql: Sql, id: string): Promise<ClientConfig | undefined> {
  const [row] = await sql.query<{ config: unknown }>(`select config from clients where id = $1`, [id]);
  return row && reparse(row.config);
}

export async function listClients(sql: Sql): Promise<ClientConfig[]> {
  const rows = await sql.query<{ config: unknown }>(`select config from clients order by id`);
  return rows.map((r) => reparse(r.config));
}
