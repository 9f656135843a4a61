import { parseClientConfig, type ClientConfig } from "../domain/client.ts";
import { LifecycleError } from "../domain/errors.ts";
import { appendAudit } from "./audit.ts";
import type { Sql, Store } from "./sql.ts";

export async function upsertClient(sql: Sql, config: ClientConfig): Promise<void> {
  await sql.query(
    `insert into clients (id, display_name, config) values ($1, $2, $3)
     on conflict (id) do update set display_name = excluded.display_name, config = excluded.config, updated_at = now()`,
    [config.id, config.displayName, JSON.stringify(config)],
  );
}

/**
 * Creates the client or replaces its config, audited in the same commit as any configuration change is.
 * `config` has been checked (composition's parseClient) by the caller: this stores it as it is.
 */
export async function saveClient(
  store: Store,
  config: ClientConfig,
  actor: string,
): Promise<{ created: boolean }> {
  return store.tx(async (sql) => {
    const [row] = await sql.query<{ created: boolean }>(
      `insert into clients (id, display_name, config) values ($1, $2, $3)
       on conflict (id) do update set display_name = excluded.display_name, config = excluded.config, updated_at = now()
       returning (xmax = 0) as created`,
      [config.id, config.displayName, JSON.stringify(config)],
    );
    const created = row?.created === true;
    await appendAudit(sql, {
      actor,
      action: created ? "client.create" : "client.replace",
      subject: config.id,
      detail: { displayName: config.displayName, systems: Object.keys(config.systems).sort() },
    });
    return { created };
  });
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
