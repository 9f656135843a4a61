import { z } from "zod";
import { failAll, fromZod, type FieldError, type Result } from "../../domain/result.ts";
import type { Form } from "./define-form.ts";
import type { FieldValues, Fields, FormContext } from "./field.ts";

/**
 * Trims every string and drops empty strings and nulls, in objects and lists alike, so that a blank form
 * field, a JSON null and a missing key all mean "not given" before any rule looks at them.
 */
export function cleanInput(input: unknown): unknown {
  if (typeof input === "string") return input.trim();
  if (Array.isArray(input)) return input.map(cleanInput).filter(isGiven);
  if (isPlainObject(input)) {
    const entries = Object.entries(input).map(([k, v]) => [k, cleanInput(v)] as const);
    return Object.fromEntries(entries.filter(([, v]) => isGiven(v)));
  }
  return input;
}

function isGiven(v: unknown): boolean {
  return v !== "" && v !== null && v !== undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The form's validator for one client and moment: unknown keys are refused, naming them. */
export function formSchema<F extends Fields>(fields: F, ctx: FormContext): z.ZodType<FieldValues<F>> {
  const shape = Object.fromEntries(Object.entries(fields).map(([key, field]) => [key, field.input(ctx)]));
  // The shape is built from `fields`, so its output is FieldValues<F>; zod cannot see through fromEntries.
  return z.strictObject(shape) as unknown as z.ZodType<FieldValues<F>>;
}

/** Validates a form, API or CLI body for one client. Never throws: bad input comes back as field errors. */
export function validateForm<F extends Fields, Out>(
  form: Form<F, Out>,
  input: unknown,
  ctx: FormContext,
): Result<Out> {
  const parsed = formSchema(form.fields, ctx).safeParse(cleanInput(input), { reportInput: true });
  if (!parsed.success) return failAll(fromZod(parsed.error));
  const values = parsed.data;
  const errors = [
    ...fieldChecks(form.fields, values, ctx, ""),
    ...(form.rules ?? []).flatMap((rule) => rule(values, ctx)),
  ];
  if (errors.length) return failAll(errors);
  return form.build(values, ctx);
}

function fieldChecks(fields: Fields, values: object, ctx: FormContext, prefix: string): FieldError[] {
  return Object.entries(fields).flatMap(([key, field]) => {
    const value: unknown = (values as Record<string, unknown>)[key];
    const own = (field.check?.(value, ctx) ?? []).map((e) => ({ ...e, field: `${prefix}${key}.${e.field}` }));
    const nested =
      field.fields && typeof value === "object" && value !== null
        ? fieldChecks(field.fields, value, ctx, `${prefix}${key}.`)
        : [];
    return [...own, ...nested];
  });
}
