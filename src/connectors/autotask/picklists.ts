import { LifecycleError } from "../../domain/errors.ts";
import type { TicketPhase } from "../../ports/index.ts";
import type { AutotaskConfig, PicklistRef } from "./config.ts";
import type { PicklistValue } from "./schemas.ts";
import type { AutotaskTransport } from "./transport.ts";

/** The entities whose picklists the client's config names values of. */
export type PicklistEntity = "Tickets" | "TicketNotes";

/** At most this many of a field's values are named in a failure: a queue list can be long. */
const shownValues = 20;

/**
 * The instance's picklists, read from Autotask's own description of each entity
 * (`GET /V1.0/{Entity}/entityInformation/fields`) once per connector instance and entity. A config value
 * is a number (the picklist value itself) or text (its label, in any case); either must be one of the
 * field's values, and active where it is written. A failed read is not kept, and neither is a list that
 * lacked a value the config names: it may have been added in Autotask since.
 */
export class Picklists {
  private readonly read = new Map<PicklistEntity, Promise<Map<string, PicklistValue[]>>>();

  constructor(private readonly at: AutotaskTransport) {}

  /** The value `ref` names in `entity.field`; `configField` is where the client's config names it. */
  async value(
    entity: PicklistEntity,
    field: string,
    ref: PicklistRef,
    opts: { configField: string; active: boolean },
  ): Promise<number> {
    const values = await this.values(entity, field);
    const eligible = values.filter((v) => v.isActive || !opts.active);
    const found =
      typeof ref === "number"
        ? eligible.find((v) => Number(v.value) === ref)
        : eligible.find((v) => v.label.trim().toLowerCase() === ref.trim().toLowerCase());
    const n = found ? Number(found.value) : Number.NaN;
    if (Number.isInteger(n)) return n;
    this.forget();
    const listed = eligible.slice(0, shownValues).map((v) => `${v.value} ${JSON.stringify(v.label)}`);
    const more = eligible.length > shownValues ? `, and ${eligible.length - shownValues} more` : "";
    throw new LifecycleError({
      kind: "invalid",
      code: "PSA_CONFIG_VALUE_UNKNOWN",
      message:
        `the client's config names ${JSON.stringify(ref)} for ${opts.configField}, which is not ` +
        `${opts.active ? "an active" : "a"} value of Autotask's ${entity}.${field} picklist` +
        (listed.length ? ` (its values: ${listed.join(", ")}${more})` : " (it has none)"),
    });
  }

  /** Read again on next use: a refused write may mean the instance's values changed. */
  forget(): void {
    this.read.clear();
  }

  private async values(entity: PicklistEntity, field: string): Promise<PicklistValue[]> {
    let fields = this.read.get(entity);
    if (!fields) {
      fields = this.at
        .fields(entity)
        .then(
          (info) =>
            new Map(
              info.fields.map((f) => [f.name.toLowerCase(), f.isPickList ? (f.picklistValues ?? []) : []]),
            ),
        );
      fields.catch(() => this.read.delete(entity));
      this.read.set(entity, fields);
    }
    const values = (await fields).get(field.toLowerCase());
    if (values === undefined)
      throw new LifecycleError({
        kind: "transient",
        code: "MALFORMED_RESPONSE",
        message: `GET /V1.0/${entity}/entityInformation/fields: Autotask describes no field ${field}`,
      });
    return values;
  }
}

/** The client's config with every picklist value it names resolved to the instance's own number. */
export interface ConfigValues {
  queueID: number;
  priority: number;
  ticketType: number | undefined;
  statuses: { new: number; closed: number[]; phases: Partial<Record<TicketPhase, number>> };
  notes: { noteType: number; publish: number };
}

/**
 * Every value at once, on the first ticket or note call of the connector instance: a config naming one
 * that does not exist fails there, naming the field, rather than on the one call that happens to use it.
 * Kept for the instance; a failure, or a refused write (`forget`), has it read again next time.
 */
export class ResolvedConfig {
  private resolved: Promise<ConfigValues> | undefined;

  constructor(
    private readonly config: AutotaskConfig,
    private readonly picklists: Picklists,
  ) {}

  get(): Promise<ConfigValues> {
    if (!this.resolved) {
      const pending = this.resolve();
      pending.catch(() => {
        if (this.resolved === pending) this.resolved = undefined;
      });
      this.resolved = pending;
    }
    return this.resolved;
  }

  forget(): void {
    this.resolved = undefined;
    this.picklists.forget();
  }

  private async resolve(): Promise<ConfigValues> {
    const c = this.config;
    const written = (entity: PicklistEntity, field: string, ref: PicklistRef, configField: string) =>
      this.picklists.value(entity, field, ref, { configField, active: true });
    const phases = Object.entries(c.statuses.phases) as [TicketPhase, PicklistRef][];
    const [queueID, priority, ticketType, opened, closed, phaseValues, noteType, publish] = await Promise.all(
      [
        written("Tickets", "queueID", c.queueID, "queueID"),
        written("Tickets", "priority", c.priority, "priority"),
        c.ticketType === undefined ? undefined : written("Tickets", "ticketType", c.ticketType, "ticketType"),
        written("Tickets", "status", c.statuses.new, "statuses.new"),
        // A closed status is only read off tickets: one retired since still means closed.
        Promise.all(
          c.statuses.closed.map((ref) =>
            this.picklists.value("Tickets", "status", ref, { configField: "statuses.closed", active: false }),
          ),
        ),
        Promise.all(
          phases.map(
            async ([phase, ref]) =>
              [phase, await written("Tickets", "status", ref, `statuses.phases.${phase}`)] as const,
          ),
        ),
        written("TicketNotes", "noteType", c.notes.noteType, "notes.noteType"),
        written("TicketNotes", "publish", c.notes.publish, "notes.publish"),
      ],
    );
    return {
      queueID,
      priority,
      ticketType,
      statuses: { new: opened, closed, phases: Object.fromEntries(phaseValues) },
      notes: { noteType, publish },
    };
  }
}
