import type { z } from "zod";
import { clientConfigSchema } from "../domain/client.ts";
import { offboardingActionsSchema } from "../domain/offboarding-actions.ts";
import type { OffboardingRequest, OnboardingRequest } from "../requests/index.ts";
import type { WorkflowKind } from "./definition.ts";

/**
 * The coarse type of what an expression path leads to: enough for validation to say a field does not
 * exist, or that a text is given where a step wants a list.
 */
export type Shape =
  | { type: "any" }
  | { type: "string" | "number" | "boolean" }
  | { type: "list"; of: Shape }
  | { type: "object"; fields: Record<string, Shape>; open?: boolean }
  | { type: "record"; of: Shape };

export const anyShape: Shape = { type: "any" };
const string: Shape = { type: "string" };
const boolean: Shape = { type: "boolean" };
const list = (of: Shape): Shape => ({ type: "list", of });

interface ZodDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  getter?: () => z.ZodType;
  catchall?: z.ZodType;
}

// A strict object's catch-all is `never`: no other key. A loose one's is `unknown`: any key.
const isNever = (schema: z.ZodType) =>
  (schema as unknown as { _zod: { def: ZodDef } })._zod.def.type === "never";

/** What a zod schema's values look like, read from its definition. */
export function shapeOfZod(schema: z.ZodType): Shape {
  const def = (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
      return def.innerType ? shapeOfZod(def.innerType) : anyShape;
    case "pipe": {
      // A transform's output is what the config holds; a pipe into a schema is that schema.
      const out = def.out && shapeOfZod(def.out);
      return out && out.type !== "any" ? out : def.in ? shapeOfZod(def.in) : anyShape;
    }
    case "lazy":
      return def.getter ? shapeOfZod(def.getter()) : anyShape;
    case "object":
      return {
        type: "object",
        fields: Object.fromEntries(Object.entries(def.shape ?? {}).map(([k, v]) => [k, shapeOfZod(v)])),
        // A loose object (a system's section) takes keys its connector knows; any may be there.
        ...(def.catchall && shapeOfZod(def.catchall).type === "any" && !isNever(def.catchall)
          ? { open: true }
          : {}),
      };
    case "array":
      return list(def.element ? shapeOfZod(def.element) : anyShape);
    case "record":
      return { type: "record", of: def.valueType ? shapeOfZod(def.valueType) : anyShape };
    case "string":
    case "enum":
    case "template_literal":
      return string;
    case "number":
    case "int":
    case "bigint":
      return { type: "number" };
    case "boolean":
      return boolean;
    default:
      return anyShape;
  }
}

const startTime = { startAt: string, startLocal: string, startNow: boolean, timeZone: string };

// Typed against the request types, so a field the forms add is a compile error until it is listed here.
const onboardRequest: Record<keyof OnboardingRequest, Shape> = {
  ...startTime,
  kind: string,
  clientId: string,
  firstName: string,
  lastName: string,
  middleName: string,
  displayName: string,
  domain: string,
  username: string,
  manager: string,
  department: string,
  jobTitle: string,
  role: string,
  office: string,
  employeeId: string,
  copyFrom: string,
  extraGroups: list(string),
  extraLicenses: list(string),
  sharedMailboxes: list(string),
  deviceSerial: string,
  personalEmail: string,
  personalPhone: string,
  ticket: string,
  requester: string,
  notes: string,
  customFields: { type: "record", of: string },
  approval: string,
  allowDuplicate: boolean,
};

const offboardRequest: Record<keyof OffboardingRequest, Shape> = {
  ...startTime,
  kind: string,
  clientId: string,
  user: string,
  actions: shapeOfZod(offboardingActionsSchema),
  approval: string,
  ticket: string,
  requester: string,
  reason: string,
  notes: string,
};

export const requestShapes: Record<WorkflowKind, Shape> = {
  onboard: { type: "object", fields: onboardRequest },
  offboard: { type: "object", fields: offboardRequest },
};

export const clientShape: Shape = shapeOfZod(clientConfigSchema);

/** The shape at a dotted path below a shape; undefined when there is no such field. */
export function shapeAt(shape: Shape, parts: readonly string[]): Shape | undefined {
  let at: Shape = shape;
  for (const part of parts) {
    if (at.type === "any") return at;
    if (at.type === "object") {
      if (!Object.hasOwn(at.fields, part)) return at.open ? anyShape : undefined;
      at = at.fields[part] as Shape;
    } else if (at.type === "record") at = at.of;
    else if (at.type === "list" && /^\d+$/.test(part)) at = at.of;
    else return undefined;
  }
  return at;
}

/** A value of the shape, for trying an action's params schema on what an expression will give. */
export function sampleOf(shape: Shape): unknown {
  switch (shape.type) {
    case "string":
      return "x";
    case "number":
      return 1;
    case "boolean":
      return true;
    case "list":
      return [];
    case "object":
    case "record":
      return {};
    default:
      return undefined;
  }
}
