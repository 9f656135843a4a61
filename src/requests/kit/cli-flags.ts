import type { FormOutline } from "./define-form.ts";
import {
  kebab,
  type CliFallbacks,
  type CliFlag,
  type FieldCli,
  type Fields,
  type FlagValues,
} from "./field.ts";

function fieldClis(fields: Fields): [key: string, cli: FieldCli][] {
  return Object.entries(fields).map(([key, field]) => [key, field.cli(field.flag ?? kebab(key))]);
}

/** Every flag of the form's command, in the form's order. Throws when two fields claim one flag. */
export function cliFlags(form: FormOutline): CliFlag[] {
  const flags = fieldClis(form.fields).flatMap(([, cli]) => cli.flags);
  const seen = new Set<string>();
  for (const { name } of flags) {
    if (seen.has(name)) throw new Error(`form "${form.id}": two fields claim the flag --${name}`);
    seen.add(name);
  }
  return flags;
}

export type FlagsRead =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; message: string; /** The form's field whose flags were at fault. */ field: string };

/** The form's body from the command's parsed flags: fields whose flags were left out are left out. */
export function bodyFromFlags(form: FormOutline, values: FlagValues, fallbacks: CliFallbacks): FlagsRead {
  const body: Record<string, unknown> = {};
  for (const [key, cli] of fieldClis(form.fields)) {
    const read = cli.read(values, fallbacks);
    if (!read.ok) return { ok: false, message: read.message, field: key };
    if (read.value !== undefined) body[key] = read.value;
  }
  return { ok: true, body };
}
