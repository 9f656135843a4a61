import { actionCatalog } from "../actions/index.ts";
import type { ClientConfig } from "../domain/client.ts";
import { fail, failAll, ok, type FieldError, type Result } from "../domain/result.ts";
import { getClient } from "../store/clients-repo.ts";
import type { Sql, Store } from "../store/sql.ts";
import {
  getWorkflowVersion,
  latestWorkflowVersion,
  saveWorkflowVersion,
  workflowHistory,
  type WorkflowHistoryEntry,
  type WorkflowVersion,
} from "../store/workflows-repo.ts";
import {
  builtinWorkflow,
  parseWorkflowOverlay,
  refOf,
  resolveWorkflow,
  validateWorkflow,
  workflowKinds,
  type ValidateOptions,
  type WorkflowDefinition,
  type WorkflowKind,
  type WorkflowOverlay,
} from "../workflows/index.ts";

/** A client's workflow of one kind as it stands: what runs, and the overlay (and its save) it comes from. */
export interface ClientWorkflow {
  clientId: string;
  kind: WorkflowKind;
  /** The saved version in effect; null when the client runs the built-in as it is. */
  version: number | null;
  /** The built-in it extends, as `id@version`. */
  extends: string;
  savedBy: string | null;
  savedAt: Date | null;
  /** The saved overlay, or an empty one extending the built-in: either can be edited and saved back. */
  overlay: WorkflowOverlay;
  /** The effective definition: what a request is planned with. */
  definition: WorkflowDefinition;
}

/** A client's workflow as the API and the CLI show it. */
export interface WorkflowView {
  client: string;
  kind: WorkflowKind;
  version: number | null;
  savedBy: string | null;
  savedAt: Date | null;
  extends: string;
  definition: WorkflowDefinition;
}

export const workflowView = (w: ClientWorkflow): WorkflowView => ({
  client: w.clientId,
  kind: w.kind,
  version: w.version,
  savedBy: w.savedBy,
  savedAt: w.savedAt,
  extends: w.extends,
  definition: w.definition,
});

/** A saved overlay as the API and the CLI show it (an export's content and where it came from). */
export interface SavedOverlayView {
  client: string;
  kind: WorkflowKind;
  version: number | null;
  savedBy: string | null;
  savedAt: Date | null;
  overlay: unknown;
}

export const savedOverlayView = (o: SavedOverlay): SavedOverlayView => ({
  client: o.clientId,
  kind: o.kind,
  version: o.version,
  savedBy: o.savedBy,
  savedAt: o.savedAt,
  overlay: o.overlay,
});

/** Whether an overlay would save: its errors, or the definition a save would plan with. */
export interface WorkflowCheck {
  valid: boolean;
  errors: FieldError[];
  definition?: WorkflowDefinition;
}

export const isWorkflowKind = (kind: string): kind is WorkflowKind =>
  (workflowKinds as readonly string[]).includes(kind);

/** An overlay that changes nothing: the file to start editing from, and what a reset to the built-in saves. */
export function emptyOverlay(kind: WorkflowKind): WorkflowOverlay {
  return { kind, extends: refOf(builtinWorkflow(kind)), remove: [], add: [], patch: {} };
}

async function clientOf(sql: Sql, clientId: string): Promise<Result<ClientConfig>> {
  const client = await getClient(sql, clientId);
  return client ? ok(client) : fail("client", `no client "${clientId}"`);
}

/**
 * A definition's errors name the step by id (`steps.<id>.…`); a person editing an overlay looks for the
 * entry they wrote, so a step the overlay adds is named `add.<i>.…`, and a field it patches `patch.<id>.…`.
 */
function inOverlay(overlay: WorkflowOverlay, e: FieldError): FieldError {
  const m = /^steps\.([^.]+)(?:\.(.*))?$/.exec(e.field);
  if (!m?.[1]) return e;
  const [, id, rest] = m;
  const added = overlay.add.findIndex((s) => s.id === id);
  if (added >= 0) return { ...e, field: rest ? `add.${added}.${rest}` : `add.${added}` };
  const patch = Object.hasOwn(overlay.patch, id) ? overlay.patch[id] : undefined;
  const top = rest?.split(".")[0];
  if (patch && top && Object.hasOwn(patch, top)) return { ...e, field: `patch.${id}.${rest}` };
  return e;
}

/** The effective definition of an overlay for a client, checked all the way: nothing here is stored. */
function resolveFor(
  opts: ValidateOptions & { client: ClientConfig },
  kind: WorkflowKind,
  overlay: WorkflowOverlay,
  version: number,
): Result<WorkflowDefinition> {
  const resolved = resolveWorkflow(kind, { clientId: opts.client.id, version, overlay });
  if (!resolved.ok) return failAll([...resolved.errors, ...beyond(opts, kind, overlay, resolved.errors)]);
  const errors = validationErrors(opts, overlay, resolved.value);
  return errors.length ? failAll(errors) : resolved;
}

function validationErrors(
  opts: ValidateOptions,
  overlay: WorkflowOverlay,
  def: WorkflowDefinition,
): FieldError[] {
  return validateWorkflow(def, opts).map((e) => inOverlay(overlay, e));
}

/**
 * When the overlay does not apply only because it names steps wrongly (removes or patches one the built-in
 * lacks, adds one twice), the rest of it is still worth checking: a technician fixing a file wants every
 * error in one go, not one per attempt. The faulty entries are left out and what remains is validated.
 */
function beyond(
  opts: ValidateOptions & { client: ClientConfig },
  kind: WorkflowKind,
  overlay: WorkflowOverlay,
  errors: FieldError[],
): FieldError[] {
  const badRemove = new Set<number>();
  const badPatch = new Set<string>();
  const badAdd = new Set<number>();
  for (const { field } of errors) {
    const m = /^(remove)\.(\d+)$|^(patch)\.([^.]+)$|^(add)\.(\d+)\.id$/.exec(field);
    if (!m) return [];
    if (m[1]) badRemove.add(Number(m[2]));
    else if (m[3] && m[4]) badPatch.add(m[4]);
    else badAdd.add(Number(m[6]));
  }
  const rest: WorkflowOverlay = {
    ...overlay,
    remove: overlay.remove.filter((_, i) => !badRemove.has(i)),
    patch: Object.fromEntries(Object.entries(overlay.patch).filter(([id]) => !badPatch.has(id))),
    add: overlay.add.filter((_, i) => !badAdd.has(i)),
  };
  const resolved = resolveWorkflow(kind, { clientId: opts.client.id, version: 1, overlay: rest });
  // Field names are mapped against the overlay as written, so an index still points into the file.
  return resolved.ok
    ? validationErrors(opts, { ...rest, add: overlay.add, patch: overlay.patch }, resolved.value)
    : [];
}

/** A stored version as it plans today; one that no longer applies says which version and why. */
function fromStored(client: ClientConfig, stored: WorkflowVersion): Result<ClientWorkflow> {
  const kind = stored.kind;
  const stale = (errors: FieldError[]): Result<ClientWorkflow> =>
    failAll(
      errors.map((e) => ({
        field: `workflow.${e.field}`,
        message: `${e.message} (the saved ${kind} workflow of ${client.id}, version ${stored.version}, no longer applies: import a corrected one)`,
      })),
    );
  const parsed = parseWorkflowOverlay(stored.overlay);
  if (!parsed.ok) return stale(parsed.errors);
  const definition = resolveFor({ catalog: actionCatalog, client }, kind, parsed.value, stored.version);
  if (!definition.ok) return stale(definition.errors);
  return ok({
    clientId: client.id,
    kind,
    version: stored.version,
    extends: parsed.value.extends,
    savedBy: stored.savedBy,
    savedAt: stored.savedAt,
    overlay: parsed.value,
    definition: definition.value,
  });
}

/** A client's overlay of a kind as saved, not resolved: what an export writes, even of one gone stale. */
export interface SavedOverlay {
  clientId: string;
  kind: WorkflowKind;
  /** null when the client has saved none: the overlay is then an empty one extending the built-in. */
  version: number | null;
  savedBy: string | null;
  savedAt: Date | null;
  overlay: unknown;
}

/**
 * The client's latest overlay of a kind (or the version asked for), or an empty one when there is none.
 * An unknown client is an error on `client`, an unknown version one on `version`.
 */
export async function loadClientOverlay(
  sql: Sql,
  clientId: string,
  kind: WorkflowKind,
  opts: { version?: number | undefined } = {},
): Promise<Result<SavedOverlay>> {
  const client = await clientOf(sql, clientId);
  if (!client.ok) return client;
  const stored = await storedVersion(sql, clientId, kind, opts.version);
  if (stored) return ok(savedOverlayOf(stored));
  if (opts.version !== undefined)
    return fail("version", `client ${clientId} has no ${kind} workflow version ${opts.version}`);
  return ok({ clientId, kind, version: null, savedBy: null, savedAt: null, overlay: emptyOverlay(kind) });
}

const storedVersion = (sql: Sql, clientId: string, kind: WorkflowKind, version: number | undefined) =>
  version === undefined
    ? latestWorkflowVersion(sql, clientId, kind)
    : getWorkflowVersion(sql, clientId, kind, version);

const savedOverlayOf = (v: WorkflowVersion): SavedOverlay => ({
  clientId: v.clientId,
  kind: v.kind,
  version: v.version,
  savedBy: v.savedBy,
  savedAt: v.savedAt,
  overlay: v.overlay,
});

/**
 * The client's workflow of a kind: its latest saved version (or the one asked for) on the built-in, or the
 * built-in. An unknown client is an error on `client`, an unknown version one on `version`.
 */
export async function loadClientWorkflow(
  sql: Sql,
  clientId: string,
  kind: WorkflowKind,
  opts: { version?: number | undefined } = {},
): Promise<Result<ClientWorkflow>> {
  const client = await clientOf(sql, clientId);
  if (!client.ok) return client;
  const stored = await storedVersion(sql, clientId, kind, opts.version);
  if (stored) return fromStored(client.value, stored);
  if (opts.version !== undefined)
    return fail("version", `client ${clientId} has no ${kind} workflow version ${opts.version}`);
  const definition = builtinWorkflow(kind);
  return ok({
    clientId,
    kind,
    version: null,
    extends: refOf(definition),
    savedBy: null,
    savedAt: null,
    overlay: emptyOverlay(kind),
    definition,
  });
}

/** The definition a client's request of a kind is planned with: its latest overlay resolved, or the built-in. */
export async function clientWorkflow(
  sql: Sql,
  client: ClientConfig | string,
  kind: WorkflowKind,
): Promise<Result<WorkflowDefinition>> {
  const loaded = await loadClientWorkflow(sql, typeof client === "string" ? client : client.id, kind);
  return loaded.ok ? ok(loaded.value.definition) : loaded;
}

export interface WorkflowInput {
  clientId: string;
  /** The kind the caller means (a route's path, a `--kind`); the overlay's own `kind` must agree. */
  kind?: WorkflowKind | undefined;
  /** The overlay as read from JSON or YAML, not yet checked. */
  input: unknown;
}

/**
 * Checks an overlay as a save would, without saving: it parses, it applies to the built-in it names, and
 * the result is a valid workflow for this client. The definition is pinned to the version a save would get.
 */
export async function checkClientWorkflow(
  sql: Sql,
  { clientId, kind, input }: WorkflowInput,
): Promise<Result<{ overlay: WorkflowOverlay; definition: WorkflowDefinition }>> {
  const client = await clientOf(sql, clientId);
  if (!client.ok) return client;
  const parsed = parseWorkflowOverlay(input);
  if (!parsed.ok) return parsed;
  const overlay = parsed.value;
  if (kind && overlay.kind !== kind)
    return fail("kind", `is "${overlay.kind}", but this is the client's ${kind} workflow`);
  const latest = await latestWorkflowVersion(sql, clientId, overlay.kind);
  const definition = resolveFor(
    { catalog: actionCatalog, client: client.value },
    overlay.kind,
    overlay,
    (latest?.version ?? 0) + 1,
  );
  return definition.ok ? ok({ overlay, definition: definition.value }) : definition;
}

/**
 * Saves an overlay as the client's next version of its kind, audited with the actor. Anything wrong and
 * nothing is saved: every error names its field in the overlay. Resetting a client to the built-in is a
 * save of an empty overlay (see emptyOverlay), so the reset is a version in the history like any edit.
 */
export async function saveClientWorkflow(
  store: Store,
  input: WorkflowInput & { actor: string },
): Promise<Result<ClientWorkflow>> {
  const checked = await checkClientWorkflow(store, input);
  if (!checked.ok) return checked;
  const { overlay, definition } = checked.value;
  const saved = await saveWorkflowVersion(store, {
    clientId: input.clientId,
    kind: overlay.kind,
    // As written, not as parsed: an export gives back the file that was imported (no defaults spelled
    // out to clutter a diff in git), and reads parse it again anyway.
    overlay: input.input,
    actor: input.actor,
    detail: {
      extends: overlay.extends,
      remove: overlay.remove,
      add: overlay.add.map((s) => s.id),
      patch: Object.keys(overlay.patch),
    },
  });
  // The version checked against may have been taken by a concurrent save; the pin is the one stored.
  return ok({
    clientId: input.clientId,
    kind: overlay.kind,
    version: saved.version,
    extends: overlay.extends,
    savedBy: saved.savedBy,
    savedAt: saved.savedAt,
    overlay,
    definition: { ...definition, version: saved.version },
  });
}

export async function clientWorkflowHistory(
  sql: Sql,
  clientId: string,
  kind: WorkflowKind,
): Promise<Result<WorkflowHistoryEntry[]>> {
  const client = await clientOf(sql, clientId);
  return client.ok ? ok(await workflowHistory(sql, clientId, kind)) : client;
}

export type { WorkflowHistoryEntry } from "../store/workflows-repo.ts";
