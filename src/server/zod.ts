import type { FastifySchema, FastifySchemaCompiler, FastifyTypeProvider } from "fastify";
import { z } from "zod";
import { fromZod } from "../domain/result.ts";
import { RequestValidationError } from "./errors.ts";

/**
 * Route schemas are zod: handlers get typed, parsed input, field errors read like the form validators'
 * ("is required", "is not a known field"), and the OpenAPI document is derived from the same schemas.
 */
export interface ZodTypeProvider extends FastifyTypeProvider {
  validator: this["schema"] extends z.ZodType ? z.output<this["schema"]> : unknown;
  serializer: this["schema"] extends z.ZodType ? z.input<this["schema"]> : unknown;
}

/**
 * A zod schema is enforced. A plain JSON Schema only documents a part that something else validates
 * (the request forms, whose rules depend on the client's configuration), so it lets everything through.
 */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  if (!(schema instanceof z.ZodType)) return (data: unknown) => ({ value: data });
  const root = httpPart ?? "input";
  return (data: unknown) => {
    const parsed = schema.safeParse(data, { reportInput: true });
    return parsed.success
      ? { value: parsed.data }
      : { error: new RequestValidationError(fromZod(parsed.error, root)) };
  };
};

/**
 * Response schemas are documentation: replies are plain JSON.stringify, so a field the schema forgot is
 * still sent (the tests compare replies with the schemas instead of letting the serializer drop data).
 */
export const serializerCompiler = () => (data: unknown) => JSON.stringify(data);

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) for one zod schema, dates written as the strings JSON carries. */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    io,
    unrepresentable: "any",
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === "date") {
        ctx.jsonSchema.type = "string";
        ctx.jsonSchema.format = "date-time";
      }
    },
  });
  return json;
}

const requestParts = ["body", "querystring", "params", "headers"] as const;

/** Turns a route's zod schemas into JSON Schema for @fastify/swagger; plain JSON Schema passes through. */
export function toOpenApiSchema(schema: FastifySchema): Record<string, unknown> {
  const out: Record<string, unknown> = { ...schema };
  for (const part of requestParts) {
    const s = schema[part];
    if (s instanceof z.ZodType) out[part] = jsonSchemaOf(s, "input");
  }
  if (isRecord(schema.response)) {
    out.response = Object.fromEntries(
      Object.entries(schema.response).map(([code, s]) => [
        code,
        s instanceof z.ZodType ? describedOutput(s) : s,
      ]),
    );
  }
  return out;
}

// swagger takes a response's description from its schema; without one every reply reads "Default Response".
function describedOutput(s: z.ZodType): Record<string, unknown> {
  const json = jsonSchemaOf(s, "output");
  return { description: s.description ?? "OK", ...json };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}
