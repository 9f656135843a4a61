import type { FieldError, Result } from "../../domain/result.ts";
import { cliFlags } from "./cli-flags.ts";
import type { FieldValues, Fields, FormContext } from "./field.ts";

/** A rule across fields, run once every field is well formed on its own. */
export type FormRule<F extends Fields> = (values: FieldValues<F>, ctx: FormContext) => FieldError[];

/**
 * One form, declared once: its fields, the rules across them, and how its values become the request the
 * planner reads. Validation, the OpenAPI schema, the CLI flags and the console's description derive from it.
 */
export interface Form<F extends Fields = Fields, Out = unknown> {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly fields: F;
  readonly rules?: readonly FormRule<F>[];
  build(values: FieldValues<F>, ctx: FormContext): Result<Out>;
}

/** What the derivations that need no values read (the document, the flags, the console's description). */
export type FormOutline = Pick<Form, "id" | "title" | "description" | "fields">;

/** Checks what can be checked before any request arrives: two fields may not claim the same CLI flag. */
export function defineForm<const F extends Fields, Out>(form: Form<F, Out>): Form<F, Out> {
  cliFlags(form);
  return form;
}
