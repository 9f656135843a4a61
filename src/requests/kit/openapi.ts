import { z } from "zod";
import type { FormOutline } from "./define-form.ts";
import { documented } from "./field.ts";

/**
 * The form as the OpenAPI document shows it. Documentation only: the rules depend on the client (its
 * domains, roles, custom fields, time zone), so the form's validator checks the body once that client is
 * loaded.
 */
export function formDocument(form: FormOutline): z.ZodType {
  return z
    .strictObject(Object.fromEntries(Object.entries(form.fields).map(([key, f]) => [key, documented(f)])))
    .describe(form.description);
}
