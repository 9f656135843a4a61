import type { ClientConfig } from "../../domain/client.ts";
import type { FormOutline } from "./define-form.ts";
import type { FieldKind, Fields } from "./field.ts";

/** One field as a console renders it for one client: plain JSON, no functions. */
export interface FieldDescription {
  key: string;
  kind: FieldKind;
  label: string;
  help?: string;
  required: boolean;
  choices?: string[];
  /** Only the choices are accepted. */
  closed?: boolean;
  /** `false` switches the field off; the text says what else it takes. */
  orOff?: string;
  /** The value the form starts with for this client (for an offboarding action, the client's default). */
  default?: unknown;
  /** Sub-fields of a group this one rules out when on. */
  excludes?: string[];
  /** Why they cannot be combined with it. */
  excludesBecause?: string;
  fields?: FieldDescription[];
  [extra: string]: unknown;
}

export interface FormDescription {
  id: string;
  title: string;
  description: string;
  client: string;
  fields: FieldDescription[];
}

/** The form for one client, with that client's choices and defaults, for a console to render. */
export function describeForm(form: FormOutline, client: ClientConfig): FormDescription {
  return {
    id: form.id,
    title: form.title,
    description: form.description,
    client: client.id,
    fields: describeFields(form.fields, client, {}),
  };
}

function describeFields(
  fields: Fields,
  client: ClientConfig,
  defaults: Record<string, unknown>,
): FieldDescription[] {
  return Object.entries(fields).map(([key, f]) => {
    const described: FieldDescription = {
      key,
      kind: f.kind,
      label: f.label,
      required: f.required,
      ...f.extras?.(client),
    };
    if (f.help) described.help = f.help;
    const choices = f.choices?.(client);
    if (choices) described.choices = [...choices];
    if (f.closed) described.closed = true;
    if (f.orOff) described.orOff = f.orOff;
    const initial = Object.hasOwn(defaults, key) ? defaults[key] : f.default?.(client);
    if (initial !== undefined) described.default = initial;
    if (f.excludes) {
      described.excludes = [...f.excludes.fields];
      described.excludesBecause = f.excludes.because;
    }
    if (f.fields) described.fields = describeFields(f.fields, client, f.defaults?.(client) ?? {});
    return described;
  });
}
