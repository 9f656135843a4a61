import type { ClientConfig } from "../domain/client.ts";
import type { Sql } from "./sql.ts";

export async function upsertClient(sql: Sql, config: ClientConfig): Promise<void> {
  await sql.query(
    `insert into clients (id, display_name, config) values ($1, $2, $3)
     on conflict (id) do update set display_name = excluded.display_name, config = excluded.config, updated_at = now()`,
    [config.id, config.displayName, JSON.stringify(config)],
  );
}

export async function getClient(sql: Sql, id: string): Promise<ClientConfig | undefined> {
  const [row] = await sql.query<{ config: ClientConfig }>(`select config from clients where id = $1`, [id]);
  return row?.config;
}

export async function listClients(sql: Sql): Promise<ClientConfig[]> {
  const rows = await sql.query<{ config: ClientConfig }>(`select config from clients order by id`);
  return rows.map((r) => r.config);
}
