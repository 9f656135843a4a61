import { z } from "zod";
import type { ClientConfig } from "../../domain/client.ts";
import { MANAGER, forwardToSchema } from "../../domain/offboarding-actions.ts";
import { singleLine } from "../../domain/fields.ts";
import { distinctList } from "../fields.ts";
import { startTimeField } from "../start-time.ts";
import {
  documented,
  kebab,
  type CliFallbacks,
  type CliFlag,
  type CliRead,
  type Field,
  type FieldCli,
  type FieldKind,
  type FieldValues,
  type Fields,
  type FormContext,
} from "./field.ts";

/** What every kind takes. `required: true` makes the field's value non-optional in the form's type. */
export interface Common<R extends boolean> {
  label: string;
  help?: string;
  required?: R;
  /** Suggestions the console offers (the value stays free unless the kind is a choice). */
  choices?: readonly string[] | ((client: ClientConfig) => readonly string[]);
  default?: (client: ClientConfig) => unknown;
  cli?: {
    /** The long flag name when the key in kebab case is not it. */
    flag?: string;
    /** The value placeholder shown in --help, such as "<upn>". */
    value?: string;
    /** Who the value is when the flag is left out. */
    fallback?: keyof CliFallbacks;
  };
}

/** A validator that is the same for every client, or one built for the client and moment. */
export type Value<O> = z.ZodType<O> | ((ctx: FormContext) => z.ZodType<O>);

type Req<O, R extends boolean> = R extends true ? z.ZodType<O> : z.ZodType<O | undefined>;

const ok = (value: unknown): CliRead => ({ ok: true, value });

function valueOf<O>(value: Value<O>): (ctx: FormContext) => z.ZodType<O> {
  return typeof value === "function" ? value : () => value;
}

function choicesOf(choices: Common<boolean>["choices"]): Field["choices"] {
  if (choices === undefined) return undefined;
  return typeof choices === "function" ? choices : () => choices;
}

function describe(opts: Common<boolean>): string {
  return opts.help ? `${opts.label}: ${lowerFirst(opts.help).replace(/\.$/, "")}` : opts.label;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function make<O, R extends boolean>(
  kind: FieldKind,
  opts: Common<R>,
  value: Value<O>,
  doc: z.ZodType,
  cli: (name: string) => FieldCli,
  more: Partial<Field<Req<O, R>>> = {},
): Field<Req<O, R>> {
  type Made = Field<Req<O, R>>;
  const required = opts.required === true;
  const validator = valueOf(value);
  return {
    kind,
    label: opts.label,
    help: opts.help,
    required,
    // The one place the optional wrapper is decided, so the form's type and its validator agree.
    input: (ctx) => (required ? validator(ctx) : validator(ctx).optional()) as ReturnType<Made["input"]>,
    value: validator as Made["value"],
    doc,
    choices: choicesOf(opts.choices),
    default: opts.default,
    flag: opts.cli?.flag,
    cli,
    ...more,
  };
}

/** One flag taking a value, read as given (or from its fallback). */
function valueFlag(opts: Common<boolean>, placeholder: string, extra: Partial<CliFlag> = {}) {
  return (name: string): FieldCli => ({
    flags: [
      {
        name,
        value: opts.cli?.value ?? placeholder,
        description: describe(opts),
        required: opts.required === true && opts.cli?.fallback === undefined,
        repeatable: false,
        ...extra,
      },
    ],
    read: (values, fallbacks) => {
      const given = values(name);
      const fallback = opts.cli?.fallback;
      return ok(given === undefined && fallback ? fallbacks[fallback] : given);
    },
  });
}

type TextKind = "client" | "text" | "multiline" | "phone";

function textKind(kind: TextKind, placeholder: string) {
  return <R extends boolean = false>(opts: Common<R> & { value: Value<string> }) =>
    make<string, R>(kind, opts, opts.value, z.string(), valueFlag(opts, placeholder));
}

/** The client's id, which must be the client the request is validated for. */
export const clientId = textKind("client", "<id>");
export const text = textKind("text", "<text>");
export const multiline = textKind("multiline", "<text>");
export const phone = textKind("phone", "<e164>");

/** An address; `alsoAccepts` lists words taken instead of one (such as "manager"). */
export function email<R extends boolean = false>(
  opts: Common<R> & { value: Value<string>; alsoAccepts?: readonly [string, ...string[]] },
) {
  const doc = opts.alsoAccepts ? z.union([z.enum(opts.alsoAccepts), z.email()]) : z.email();
  return make<string, R>(
    "email",
    { choices: opts.alsoAccepts, ...opts },
    opts.value,
    doc,
    valueFlag(opts, "<address>"),
  );
}

/**
 * One of a fixed list, or of a list the client's configuration gives (its domains, its roles). The
 * validator and the console read the same list, so the two cannot offer different choices.
 */
export function choice<const C extends string, R extends boolean = false>(
  opts: Common<R> & { choices: readonly C[] },
) {
  const all = opts.choices as unknown as [C, ...C[]];
  return make<C, R>("choice", opts, z.enum(all), z.enum(all), valueFlag(opts, "<choice>", { choices: all }), {
    closed: true,
  });
}

export function clientChoice<R extends boolean = false>(
  opts: Common<R> & {
    choices: (client: ClientConfig) => readonly string[];
    /** The complaint for a value outside `choices`. */
    error: (choices: readonly string[]) => string;
    /** Compare without case, keeping the lowercase spelling (domains). */
    caseless?: boolean;
  },
) {
  const value = ({ client }: FormContext) => {
    const choices = opts.choices(client);
    const base = opts.caseless ? z.string().trim().toLowerCase() : z.string();
    return base.refine((s) => choices.includes(s), { error: opts.error(choices) });
  };
  return make<string, R>("choice", opts, value, z.string(), valueFlag(opts, "<choice>"), { closed: true });
}

/** The start of a run: a local time in the client's zone, an instant, or "now" (its own flag). */
export function dateTime<R extends boolean = false>(opts: Common<R> & { nowHelp: string }) {
  const described = {
    ...opts,
    help: `${opts.help}: "now", a local time "YYYY-MM-DDTHH:mm" in the client's time zone, or an ISO instant with an offset.`,
  };
  const doc = z.union([z.string(), z.strictObject({ now: z.literal(true) })]);
  const value = ({ client, now }: FormContext) => startTimeField(client.timeZone, now);
  const cli = (name: string): FieldCli => ({
    flags: [
      {
        name,
        value: opts.cli?.value ?? "<local-time>",
        description: describe(described),
        required: false,
        repeatable: false,
      },
      { name: "now", description: opts.nowHelp, required: false, repeatable: false },
    ],
    read: (values) => {
      const at = values(name);
      const now = values("now") === true;
      if (now && at !== undefined) return { ok: false, message: `give either --${name} or --now, not both` };
      if (now) return ok("now");
      if (at === undefined && opts.required)
        return {
          ok: false,
          message: `give --${name} (local time in the client's time zone, e.g. 2026-12-01T09:00) or --now`,
        };
      return ok(at);
    },
  });
  return make("date-time", described, value, doc, cli, {
    extras: (client) => ({ timeZone: client.timeZone, allowsNow: true }),
  });
}

/** Distinct values, one flag per item on the command line. */
export function list<R extends boolean = false>(
  opts: Common<R> & { item: Value<string>; max: number; items: "text" | "email"; cli: { flag: string } },
) {
  const item = valueOf(opts.item);
  const value = (ctx: FormContext) => distinctList(item(ctx), opts.max);
  const doc = z.array(opts.items === "email" ? z.email() : z.string());
  return make("list", opts, value, doc, (name) => {
    const cli = valueFlag(opts, "<item>", { repeatable: true })(name);
    return { ...cli, flags: cli.flags.map((f) => ({ ...f, description: `${f.description} (repeatable)` })) };
  });
}

/** A switch; on the command line `--x` and `--no-x`, and leaving both out leaves the field out. */
export function checkbox<R extends boolean = false>(
  opts: Common<R> & { excludes?: { fields: readonly string[]; because: string } },
) {
  const cli = (name: string): FieldCli => ({
    flags: [
      { name, description: describe(opts), required: false, repeatable: false },
      {
        name: `no-${name}`,
        description: `do not ${lowerFirst(opts.label)}`,
        required: false,
        repeatable: false,
      },
    ],
    read: (values) => ok(values(name)),
  });
  return make<boolean, R>("checkbox", opts, z.boolean(), z.boolean(), cli, { excludes: opts.excludes });
}

/** Forward mail to an address (or "manager"), keeping a copy unless told otherwise. */
export function forwardTo<R extends boolean = false>(opts: Common<R>) {
  const doc = z.strictObject({
    address: z.union([z.literal(MANAGER), z.email()]),
    keepCopy: z.boolean().optional(),
  });
  const cli = (name: string): FieldCli => ({
    flags: [
      {
        name,
        value: opts.cli?.value ?? "<address>",
        description: describe(opts),
        required: false,
        repeatable: false,
      },
      {
        name: "keep-copy",
        description: "keep a copy of forwarded mail (default)",
        required: false,
        repeatable: false,
      },
      {
        name: "no-keep-copy",
        description: "do not keep a copy of forwarded mail",
        required: false,
        repeatable: false,
      },
    ],
    read: (values) => {
      const address = values(name);
      return ok(typeof address === "string" ? { address, keepCopy: values("keep-copy") } : address);
    },
  });
  return make("forward-to", opts, forwardToSchema, doc, cli);
}

/**
 * Lets `false` switch a field off, which a client default may have switched on; leaving the field out
 * keeps the default. `shape` names what else it takes, for the error message.
 */
export function orOff<O>(
  field: Field<z.ZodType<O | undefined>>,
  shape: string,
): Field<z.ZodType<O | false | undefined>> {
  const off = (ctx: FormContext): z.ZodType<Exclude<O, undefined> | false> =>
    z.union([z.literal(false), field.value(ctx)], { error: `must be ${shape}, or false to leave it off` });
  return {
    ...field,
    orOff: shape,
    input: (ctx) => off(ctx).optional(),
    value: off,
    doc: z.union([z.literal(false), field.doc]),
    cli: (name) => {
      const inner = field.cli(name);
      return {
        flags: [
          ...inner.flags,
          {
            name: `no-${name}`,
            description: `leave off: ${lowerFirst(field.label)}`,
            required: false,
            repeatable: false,
          },
        ],
        read: (values, fallbacks) => (values(name) === false ? ok(false) : inner.read(values, fallbacks)),
      };
    },
  };
}

/** Fields the client defines for itself (config `customFields`), by key. */
export function customFields(opts: Common<false>) {
  const value = ({ client }: FormContext) => {
    const keys = new Set(client.customFields.map((f) => f.key));
    return z.record(z.string(), singleLine(2000)).superRefine((fields, ctx) => {
      for (const key of Object.keys(fields)) {
        if (!keys.has(key))
          ctx.addIssue({ code: "custom", path: [key], message: "is not a field this client defines" });
      }
    });
  };
  const cli = (name: string): FieldCli => ({
    flags: [
      {
        name,
        value: opts.cli?.value ?? "<key=value>",
        description: `${describe(opts)} (repeatable)`,
        required: false,
        repeatable: true,
      },
    ],
    read: (values) => {
      const given = values(name);
      if (!Array.isArray(given)) return ok(undefined);
      const fields: Record<string, string> = {};
      for (const pair of given.map(String)) {
        const eq = pair.indexOf("=");
        if (eq <= 0) return { ok: false, message: `--${name} takes key=value, got "${pair}"` };
        fields[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      return ok(fields);
    },
  });
  return make<Record<string, string>, false>(
    "custom-fields",
    opts,
    value,
    z.record(z.string(), z.string()),
    cli,
    {
      // Checked once the form parses, so a missing custom field never hides a wrong standard one.
      check: (value, { client }) =>
        client.customFields
          .filter((f) => f.required && !(value && Object.hasOwn(value, f.key)))
          .map((f) => ({ field: f.key, message: `is required (${f.label})` })),
      extras: (client) => ({
        clientFields: client.customFields.map((f) => ({ key: f.key, label: f.label, required: f.required })),
      }),
    },
  );
}

/**
 * Fields shown together and sent as one object (the offboarding actions). On the command line they are
 * flat flags; `defaults` is what each left-out sub-field resolves to for a client.
 */
export function group<const F extends Fields>(
  opts: Common<false> & { fields: F; defaults?: (client: ClientConfig) => Record<string, unknown> },
) {
  const value = (ctx: FormContext) =>
    z.strictObject(
      Object.fromEntries(Object.entries(opts.fields).map(([k, f]) => [k, f.input(ctx)])),
    ) as unknown as z.ZodType<FieldValues<F>>;
  const doc = z.strictObject(
    Object.fromEntries(Object.entries(opts.fields).map(([k, f]) => [k, documented(f)])),
  );
  const cli = (): FieldCli => {
    const parts = Object.entries(opts.fields).map(([k, f]) => [k, f.cli(f.flag ?? kebab(k))] as const);
    return {
      flags: parts.flatMap(([, c]) => c.flags),
      read: (values, fallbacks) => {
        const out: Record<string, unknown> = {};
        for (const [k, c] of parts) {
          const r = c.read(values, fallbacks);
          if (!r.ok) return r;
          if (r.value !== undefined) out[k] = r.value;
        }
        return ok(out);
      },
    };
  };
  return make<FieldValues<F>, false>("group", opts, value, doc, cli, {
    fields: opts.fields,
    defaults: opts.defaults,
  });
}
