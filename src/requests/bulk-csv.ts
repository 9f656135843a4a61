import { CsvError, parse } from "csv-parse/sync";
import type { ClientConfig } from "../domain/client.ts";
import type { FieldError, Result } from "../domain/result.ts";
import { fail, failAll, ok } from "../domain/result.ts";
import type { FormOutline } from "./kit/define-form.ts";
import type { Field, Fields } from "./kit/field.ts";

/** One record of the file: the line it starts on (the header is line 1) and the form body it reads as. */
export interface CsvRow {
  line: number;
  body: Record<string, unknown>;
  /** Cells that could not be read as their field's type; the form's validator never sees those. */
  errors: FieldError[];
}

/** The field of the one error that says the file is too long (an API answers it as too large, not invalid). */
export const tooManyRowsField = "rows";

export interface CsvLimits {
  maxRows: number;
}

/** How one column writes into the body: at which path, read how. */
interface Column {
  path: string[];
  read: (cell: string) => { ok: true; value: unknown } | { ok: false; message: string };
}

const truthy = new Set(["true", "yes", "y", "1"]);
const falsy = new Set(["false", "no", "n", "0"]);

const asText = (cell: string) => ({ ok: true as const, value: cell });

function asBoolean(cell: string) {
  const word = cell.trim().toLowerCase();
  if (truthy.has(word)) return { ok: true as const, value: true };
  if (falsy.has(word)) return { ok: true as const, value: false };
  return { ok: false as const, message: `must be true, false, yes or no (got "${cell.slice(0, 40)}")` };
}

// Commas separate cells, so a list's items are separated by semicolons (or line breaks in a quoted cell).
const asList = (cell: string) => ({
  ok: true as const,
  value: cell
    .split(/[;\n]/)
    .map((s) => s.trim())
    .filter(Boolean),
});

/** A field that `false` switches off: "false"/"no" is off, anything else the field's own value. */
const offOr =
  (read: Column["read"]): Column["read"] =>
  (cell) =>
    falsy.has(cell.trim().toLowerCase()) ? { ok: true, value: false } : read(cell);

function readerOf(field: Field): Column["read"] {
  const base: Column["read"] =
    field.kind === "checkbox" ? asBoolean : field.kind === "list" ? asList : asText;
  return field.orOff ? offOr(base) : base;
}

/**
 * The columns a form takes: each field by its key and by its label (without case); a group's sub-fields
 * as `group.key` (the offboarding's `actions.convertToShared`) or by their own label; a forward-to field
 * takes its address and, as `….keepCopy`, whether to keep a copy; the client's custom fields as
 * `customFields.<key>` or by their label. A label two fields share names neither.
 */
export function csvColumns(form: FormOutline, client: ClientConfig): Map<string, Column> {
  const byName = new Map<string, Column>();
  const ambiguous = new Set<string>();
  const add = (name: string, column: Column) => {
    const key = name.trim().toLowerCase();
    const seen = byName.get(key);
    if (seen && seen.path.join(".") !== column.path.join(".")) ambiguous.add(key);
    else byName.set(key, column);
  };
  const addField = (field: Field, path: string[], prefix: string) => {
    if (field.kind === "group" && field.fields) {
      for (const [k, f] of Object.entries(field.fields as Fields))
        addField(f, [...path, k], `${prefix}${k}.`);
      return;
    }
    if (field.kind === "custom-fields") {
      for (const custom of client.customFields) {
        const column = { path: [...path, custom.key], read: asText };
        add(`${path.join(".")}.${custom.key}`, column);
        add(custom.label, column);
      }
      return;
    }
    if (field.kind === "forward-to") {
      const address = { path: [...path, "address"], read: offOr(asText) };
      add(path.join("."), address);
      add(field.label, address);
      add(`${path.join(".")}.address`, address);
      add(`${path.join(".")}.keepCopy`, { path: [...path, "keepCopy"], read: asBoolean });
      return;
    }
    const column = { path, read: readerOf(field) };
    add(path.join("."), column);
    add(field.label, column);
  };
  for (const [key, field] of Object.entries(form.fields)) addField(field, [key], `${key}.`);
  for (const key of ambiguous) byName.delete(key);
  return byName;
}

/** Puts `value` at `path`; a forward-to's off (`false`) replaces the object its address would be in. */
function put(body: Record<string, unknown>, path: string[], value: unknown): void {
  const last = path.at(-1)!;
  const parents = path.slice(0, -1);
  if (value === false && last === "address") {
    setAt(body, parents, false);
    return;
  }
  let at: Record<string, unknown> = body;
  for (const key of parents) {
    const next = at[key];
    if (next === false) return;
    if (typeof next !== "object" || next === null) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[last] = value;
}

function setAt(body: Record<string, unknown>, path: string[], value: unknown): void {
  let at = body;
  for (const key of path.slice(0, -1)) {
    if (typeof at[key] !== "object" || at[key] === null) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[path.at(-1)!] = value;
}

/**
 * A CSV file of requests for one client, read as the bodies the form's validator takes: the header names
 * the columns (see csvColumns), a blank cell leaves its field out (so the client's default applies), and
 * each row keeps the line it starts on. A file that cannot be read at all (not CSV, an unknown or
 * repeated column, too many rows) is refused whole, naming the column or line.
 */
export function parseCsvRequests(
  form: FormOutline,
  client: ClientConfig,
  text: string,
  limits: CsvLimits,
): Result<CsvRow[]> {
  let records: { record: string[]; info: { lines: number; empty_lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      // A row with a cell too many or too few is that row's error, not the file's.
      relax_column_count: true,
      // One more than allowed: enough to tell the file is too long without reading all of it.
      to: limits.maxRows + 2,
    }) as unknown as typeof records;
  } catch (err) {
    if (err instanceof CsvError) return fail("csv", `is not readable CSV: ${err.message}`);
    throw err;
  }
  const [header, ...data] = records;
  if (!header) return fail("csv", "is empty: the first line names the columns");
  if (data.length > limits.maxRows)
    return fail(tooManyRowsField, `has more than ${limits.maxRows} rows: split it into several uploads`);
  const columns = csvColumns(form, client);
  const errors: FieldError[] = [];
  const taken = new Map<string, string>();
  const reads = header.record.map((name) => {
    const column = columns.get(name.trim().toLowerCase());
    if (!column) {
      const group = Object.entries(form.fields).find(
        ([k, f]) => f.kind === "group" && k.toLowerCase() === name.trim().toLowerCase(),
      );
      errors.push({
        field: name,
        message: group
          ? `is a group: give each of its fields a column of its own, such as "${group[0]}.${Object.keys(group[1].fields ?? {})[0] ?? "…"}"`
          : `is not a column of the ${form.title.toLowerCase()} form (line 1): name a field by its key or label`,
      });
      return undefined;
    }
    const path = column.path.join(".");
    const before = taken.get(path);
    if (before !== undefined)
      errors.push({ field: name, message: `names the same field as column "${before}" (line 1)` });
    taken.set(path, name);
    return column;
  });
  if (errors.length) return failAll(errors);
  let previousEnd = header.info.lines;
  let previousEmpty = header.info.empty_lines;
  const rows = data.map(({ record, info }) => {
    const line = previousEnd + 1 + (info.empty_lines - previousEmpty);
    previousEnd = info.lines;
    previousEmpty = info.empty_lines;
    const body: Record<string, unknown> = {};
    const cellErrors: FieldError[] =
      record.length === header.record.length
        ? []
        : [
            {
              field: "csv",
              message: `has ${record.length} cells on this row and ${header.record.length} columns in the header`,
            },
          ];
    record.forEach((cell, i) => {
      const column = reads[i];
      if (!column || cell.trim() === "") return;
      const read = column.read(cell);
      if (read.ok) put(body, column.path, read.value);
      else cellErrors.push({ field: column.path.join("."), message: read.message });
    });
    return { line, body, errors: cellErrors };
  });
  return ok(rows);
}
