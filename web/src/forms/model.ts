import type { FieldDescription } from "../../../src/requests/kit/console.ts";

export type { FieldDescription };

/** A field error as the API and the form's validators name it: a dotted path into the body. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * What the page holds for one field, by kind: what a person types or ticks, before it becomes the body
 * the API takes (a list is one text, a date-time its "now" switch and a local time, an or-off field its
 * switch and its value).
 */
export type UiValue =
  | string
  | boolean
  | { now: boolean; at: string }
  | { on: boolean; value: string }
  | { on: boolean; address: string; keepCopy: boolean }
  | Record<string, string>
  | UiValues;
export interface UiValues {
  [key: string]: UiValue;
}

/** Fields a form link never shows: the client is the link's. */
export const hiddenKinds = new Set(["client"]);

/**
 * The fields most requests need, shown first; the others (username override, extra groups …) sit under
 * "More details", still rendered from the same description so nothing the API takes is missing here.
 */
export const primaryKeys = new Set([
  "firstName",
  "lastName",
  "domain",
  "manager",
  "department",
  "jobTitle",
  "role",
  "start",
  "copyFrom",
  "deviceSerial",
  "personalEmail",
  "requester",
  "notes",
  "customFields",
  "user",
  "lastDay",
  "actions",
  "requiresApproval",
  "reason",
]);

/**
 * Address fields that name someone in the client's directory, offered as a type-ahead. The personal
 * email is an address too, but outside the tenant: it must not suggest colleagues.
 */
export const directoryKeys = new Set(["manager", "copyFrom", "user", "actions.grantAccessTo"]);

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The page's starting values: the client's defaults where the description gives them. */
export function initialValues(fields: FieldDescription[]): UiValues {
  const out: UiValues = {};
  for (const f of fields) {
    if (hiddenKinds.has(f.kind)) continue;
    out[f.key] = initialValue(f);
  }
  return out;
}

function initialValue(f: FieldDescription): UiValue {
  const d = f.default;
  if (f.kind === "group") return initialValues(f.fields ?? []);
  if (f.kind === "checkbox") return d === true;
  if (f.kind === "date-time") return { now: false, at: "" };
  if (f.kind === "list") return Array.isArray(d) ? d.join("\n") : "";
  if (f.kind === "custom-fields") return isPlain(d) ? (d as Record<string, string>) : {};
  if (f.kind === "forward-to") {
    const fw = isPlain(d) ? d : undefined;
    return {
      on: fw !== undefined,
      address: typeof fw?.address === "string" ? fw.address : "",
      keepCopy: fw?.keepCopy !== false,
    };
  }
  if (f.orOff) return { on: typeof d === "string" && d !== "", value: typeof d === "string" ? d : "" };
  return typeof d === "string" ? d : "";
}

/** Whether a group's sub-field is switched on, as the server's overDefaults reads it. */
export function isOn(f: FieldDescription, v: UiValue | undefined): boolean {
  if (v === undefined) return false;
  if (f.kind === "checkbox") return v === true;
  if (isPlain(v) && "on" in v) return v.on === true;
  return typeof v === "string" ? v !== "" : false;
}

/**
 * The sub-fields of a group that another, switched on, rules out (deleting the user rules out the mailbox
 * options), each with the label of the one that does: the page disables them and says why.
 */
export function excludedBy(fields: FieldDescription[], values: UiValues): Map<string, FieldDescription> {
  const out = new Map<string, FieldDescription>();
  for (const f of fields) {
    if (!f.excludes?.length || !isOn(f, values[f.key])) continue;
    for (const key of f.excludes) if (!out.has(key)) out.set(key, f);
  }
  return out;
}

/** Splits a list field's text: one item a line or between commas. */
export function listItems(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The body the API takes, from the page's values. Every action of a group is sent explicitly (what the
 * page shows is what runs, whatever the client's defaults), an excluded one as off.
 */
export function toBody(
  fields: FieldDescription[],
  values: UiValues,
  clientId: string,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.kind === "client") {
      body[f.key] = clientId;
      continue;
    }
    const v = fieldBody(f, values[f.key], false);
    if (v !== undefined) body[f.key] = v;
  }
  return body;
}

function fieldBody(f: FieldDescription, v: UiValue | undefined, excluded: boolean): unknown {
  if (f.kind === "group") {
    const sub = isPlain(v) ? (v as UiValues) : {};
    const subs = f.fields ?? [];
    const off = excludedBy(subs, sub);
    const out: Record<string, unknown> = {};
    for (const s of subs) {
      const value = fieldBody(s, sub[s.key], off.has(s.key));
      if (value !== undefined) out[s.key] = value;
    }
    return out;
  }
  if (f.kind === "checkbox") return excluded ? false : v === true;
  const o: Record<string, unknown> = isPlain(v) ? v : {};
  if (f.kind === "forward-to" || f.orOff) {
    if (excluded || o.on !== true) return f.orOff ? false : undefined;
    if (f.kind === "forward-to") {
      const address = typeof o.address === "string" ? o.address.trim() : "";
      return { address, keepCopy: o.keepCopy !== false };
    }
    return typeof o.value === "string" ? o.value.trim() : "";
  }
  if (f.kind === "date-time") {
    if (o.now === true) return "now";
    return typeof o.at === "string" && o.at !== "" ? o.at : undefined;
  }
  if (f.kind === "list") {
    const items = typeof v === "string" ? listItems(v) : [];
    return items.length ? items : undefined;
  }
  if (f.kind === "custom-fields") {
    if (!isPlain(v)) return undefined;
    const given = Object.entries(v).filter(([, s]) => typeof s === "string" && s.trim() !== "");
    return given.length ? Object.fromEntries(given.map(([k, s]) => [k, String(s).trim()])) : undefined;
  }
  if (excluded) return undefined;
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

/**
 * Where on the page an error of the body belongs: the control that shows that part of the body. A path
 * below it ("extraGroups.2") keeps its rest as words before the message ("item 3: …").
 */
export function placeProblem(
  fields: FieldDescription[],
  problem: FieldProblem,
): { path: string; message: string } | undefined {
  const parts = problem.field.split(".");
  const top = fields.find((f) => f.key === parts[0] && !hiddenKinds.has(f.kind));
  if (!top) return undefined;
  let field = top;
  let depth = 1;
  if (top.kind === "group" && parts[1] !== undefined) {
    const sub = top.fields?.find((s) => s.key === parts[1]);
    if (!sub) return { path: top.key, message: `${parts.slice(1).join(".")} ${problem.message}` };
    field = sub;
    depth = 2;
  }
  const rest = parts.slice(depth);
  const base = parts.slice(0, depth).join(".");
  if (field.kind === "custom-fields" && rest[0] !== undefined)
    return { path: `${base}.${rest[0]}`, message: problem.message };
  if (field.kind === "forward-to" && rest[0] === "address")
    return { path: `${base}.address`, message: problem.message };
  if (field.kind === "list" && rest[0] !== undefined && /^\d+$/.test(rest[0]))
    return { path: base, message: `item ${Number(rest[0]) + 1} ${problem.message}` };
  return { path: base, message: rest.length ? `${rest.join(".")} ${problem.message}` : problem.message };
}

/** "is required" reads as a sentence under its field's label: "Is required". */
export function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
