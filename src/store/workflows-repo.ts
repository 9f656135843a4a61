import { LifecycleError } from "../domain/errors.ts";
import { appendAudit } from "./audit.ts";
import type { Sql, Store } from "./sql.ts";

// The store holds overlays as the JSON they were saved as: parsing them is the workflows layer's (through
// composition), which the store may not import.
type WorkflowKind = "onboard" | "offboard";

/** One save of a client's overlay of a kind. */
export interface WorkflowVersion {
  clientId: string;
  kind: WorkflowKind;
  version: number;
  /** The overlay as saved; composition parses it again on read, so new defaults reach old versions. */
  overlay: unknown;
  savedBy: string;
  savedAt: Date;
}

export interface WorkflowHistoryEntry {
  version: number;
  savedBy: string;
  savedAt: Date;
  /** The built-in the version extends, as `id@version`. */
  extends: string;
}

interface Row {
  client_id: string;
  kind: WorkflowKind;
  version: number;
  overlay: unknown;
  saved_by: string;
  saved_at: Date | string;
}

function fromRow(r: Row): WorkflowVersion {
  return {
    clientId: r.client_id,
    kind: r.kind,
    version: r.version,
    overlay: r.overlay,
    savedBy: r.saved_by,
    savedAt: new Date(r.saved_at),
  };
}

const columns = "client_id, kind, version, overlay, saved_by, saved_at";

export const workflowSubject = (clientId: string, kind: WorkflowKind, version: number) =>
  `${clientId}/${kind}@${version}`;

// Each pass waits for a competing insert of the same version to commit and then reads past it, so a
// handful is plenty; running out means something other than a concurrent save is wrong.
const maxVersionTries = 20;

/**
 * Stores the overlay as the client's next version of the kind and audits it (`workflow.save`, with the
 * caller's summary as detail), in one transaction. Two saves
 * racing for the same next version meet at the primary key: the loser's insert does nothing and it takes
 * the version after, in the same transaction (each statement reads what has committed since).
 */
export async function saveWorkflowVersion(
  store: Store,
  input: {
    clientId: string;
    kind: WorkflowKind;
    overlay: unknown;
    actor: string;
    detail?: Record<string, unknown>;
  },
): Promise<WorkflowVersion> {
  const { clientId, kind, overlay, actor, detail } = input;
  return store.tx(async (sql) => {
    for (let i = 0; i < maxVersionTries; i++) {
      const [row] = await sql
        .query<Row>(
          `insert into workflow_versions (client_id, kind, version, overlay, saved_by)
           select $1, $2, coalesce(max(version), 0) + 1, $3, $4
             from workflow_versions where client_id = $1 and kind = $2
           on conflict do nothing
           returning ${columns}`,
          [clientId, kind, JSON.stringify(overlay), actor],
        )
        .catch((err: unknown) => {
          if ((err as { code?: unknown }).code === "23503")
            throw new LifecycleError(
              { kind: "not-found", message: `no client "${clientId}"` },
              { cause: err },
            );
          throw err;
        });
      if (!row) continue;
      const saved = fromRow(row);
      await appendAudit(sql, {
        actor,
        action: "workflow.save",
        subject: workflowSubject(clientId, kind, saved.version),
        ...(detail ? { detail } : {}),
      });
      return saved;
    }
    throw new LifecycleError({
      kind: "conflict",
      message: `could not find a free version for the ${kind} workflow of client ${clientId}; try again`,
    });
  });
}

export async function latestWorkflowVersion(
  sql: Sql,
  clientId: string,
  kind: WorkflowKind,
): Promise<WorkflowVersion | undefined> {
  const [row] = await sql.query<Row>(
    `select ${columns} from workflow_versions where client_id = $1 and kind = $2 order by version desc limit 1`,
    [clientId, kind],
  );
  return row && fromRow(row);
}

export async function getWorkflowVersion(
  sql: Sql,
  clientId: string,
  kind: WorkflowKind,
  version: number,
): Promise<WorkflowVersion | undefined> {
  const [row] = await sql.query<Row>(
    `select ${columns} from workflow_versions where client_id = $1 and kind = $2 and version = $3`,
    [clientId, kind, version],
  );
  return row && fromRow(row);
}

/** Newest first: what a person scrolling back through changes wants to see first. */
export async function workflowHistory(
  sql: Sql,
  clientId: string,
  kind: WorkflowKind,
): Promise<WorkflowHistoryEntry[]> {
  const rows = await sql.query<{
    version: number;
    saved_by: string;
    saved_at: Date | string;
    extends: string;
  }>(
    `select version, saved_by, saved_at, overlay->>'extends' as extends
       from workflow_versions where client_id = $1 and kind = $2 order by version desc`,
    [clientId, kind],
  );
  return rows.map((r) => ({
    version: r.version,
    savedBy: r.saved_by,
    savedAt: new Date(r.saved_at),
    extends: r.extends,
  }));
}
