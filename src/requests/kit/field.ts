import { z } from "zod";
import type { ClientConfig } from "../../domain/client.ts";
import type { FieldError } from "../../domain/result.ts";

/** What a field's rules may depend on: the client the request is for, and the moment it is validated. */
export interface FormContext {
  readonly client: ClientConfig;
  readonly now: Date;
}

/** The kinds a console knows how to render; each is built in field-kinds.ts. */
export const fieldKinds = [
  "client",
  "text",
  "multiline",
  "email",
  "phone",
  "date-time",
  "choice",
  "list",
  "checkbox",
  "forward-to",
  "custom-fields",
  "group",
] as const;
export type FieldKind = (typeof fieldKinds)[number];

/** One command-line flag; `name` is the long name without its dashes ("first-name", "no-keep-copy"). */
export interface CliFlag {
  name: string;
  /** The value placeholder ("<name>"), absent for a switch. */
  value?: string;
  description: string;
  /** The command refuses to run without it. */
  required: boolean;
  /** Given once per item; the values arrive as a list. */
  repeatable: boolean;
  choices?: readonly string[];
}

/** The parsed value of a flag, by its name (a switch and its `no-` twin share one value). */
export type FlagValues = (name: string) => unknown;

/** Values the CLI supplies for a flag left out, such as the user running it as the requester. */
export interface CliFallbacks {
  actor: string;
}

export type CliRead = { ok: true; value: unknown } | { ok: false; message: string };

/** How a field reads from the command line: its flags, and how their values become the field's input. */
export interface FieldCli {
  flags: CliFlag[];
  read(values: FlagValues, fallbacks: CliFallbacks): CliRead;
}

/** What a console needs beyond the common properties, for one client (zone, sub-fields …). */
export type FieldExtras = Record<string, unknown>;

/**
 * One field of a form. `Z` is its validator, already optional when the field is: the form's values are
 * typed from it. Everything a form derives (validation, OpenAPI, CLI flags, the console) reads this.
 */
export interface Field<Z extends z.ZodType = z.ZodType> {
  readonly kind: FieldKind;
  readonly label: string;
  readonly help?: string;
  readonly required: boolean;
  /** The validator for one client at one moment, optional when the field is. */
  input(ctx: FormContext): Z;
  /** The same validator for a value that is present. */
  value(ctx: FormContext): z.ZodType<Exclude<z.output<Z>, undefined>>;
  /** The client-independent shape the OpenAPI document shows (the validator's rules depend on a client). */
  readonly doc: z.ZodType;
  /** Values the console offers; with `closed`, the only ones accepted. */
  choices?(client: ClientConfig): readonly string[];
  readonly closed?: boolean;
  /** The console's initial value for this client. */
  default?(client: ClientConfig): unknown;
  /** Set when `false` switches the field off, overriding a client default; says what else it takes. */
  readonly orOff?: string;
  /** Fields (of the same group) this one rules out when on, and why. */
  readonly excludes?: { readonly fields: readonly string[]; readonly because: string };
  /** Sub-fields of a group; they share its CLI (flat flags) and its client defaults. */
  readonly fields?: Fields;
  /** A group's per-field defaults for one client: what a left-out sub-field resolves to. */
  defaults?(client: ClientConfig): Record<string, unknown>;
  /** Rules of this field that need the whole form parsed first (its paths are relative to the field). */
  check?(value: z.output<Z>, ctx: FormContext): FieldError[];
  /** Its flags; `name` is the flag name the form gives it (the key in kebab case unless overridden). */
  cli(name: string): FieldCli;
  extras?(client: ClientConfig): FieldExtras;
  /** A flag name other than the key in kebab case ("extra-group" for extraGroups). */
  readonly flag?: string;
}

export type Fields = Record<string, Field>;

/** The parsed values of a set of fields: an optional field's value may be undefined. */
export type FieldValues<F extends Fields> = { [K in keyof F]: z.output<ReturnType<F[K]["input"]>> };

export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The field's document shape, titled and described, optional unless the field is required. */
export function documented(field: Field): z.ZodType {
  const description = [field.help, field.doc.description].filter(Boolean).join(" ");
  const doc = field.doc.meta({ title: field.label, ...(description ? { description } : {}) });
  return field.required ? doc : doc.optional();
}
