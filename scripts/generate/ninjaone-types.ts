// Generates src/connectors/ninjaone/generated/ninjaone-api.ts from NinjaOne's own OpenAPI description:
//
//   node --import tsx scripts/generate/ninjaone-types.ts
//
// The spec is read from ../shared/specs/ninjaone/public-api-v2.yaml beside the project
// (LIFECYCLE_NINJAONE_SPEC overrides it), pruned to the operations, parameters and schema properties the
// connector uses (the whole file is 534 KB and 250 paths), and handed to openapi-typescript.
// test/connectors/ninjaone/generated.test.ts regenerates and compares byte for byte.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import * as prettier from "prettier";
import { parse } from "yaml";

const root = new URL("../../", import.meta.url);

export const defaultSpecPath = fileURLToPath(new URL("../shared/specs/ninjaone/public-api-v2.yaml", root));
export const generatedPath = fileURLToPath(
  new URL("src/connectors/ninjaone/generated/ninjaone-api.ts", root),
);

export const specPath = (): string => process.env.LIFECYCLE_NINJAONE_SPEC || defaultSpecPath;

/** The spec as parsed YAML (for the contract tests, which read the whole of it). */
export function loadSpec(path = specPath()): Record<string, unknown> {
  return parse(readFileSync(path, "utf8")) as Record<string, unknown>;
}

/** What the connector sends and reads: operations with their parameters, and schema properties. */
export const used = {
  operations: {
    "/v2/organization/{id}": { get: ["id"] },
    "/v2/organization/{id}/end-users": { get: ["id"] },
    "/v2/user/end-users": { post: ["sendInvitation"] },
    "/v2/user/end-user/{id}": { get: ["id"], delete: ["id"] },
    "/v2/device/{id}": { get: ["id"] },
    "/v2/devices-detailed": { get: ["df", "pageSize", "after"] },
    "/v2/device/{id}/owner/{ownerUid}": { post: ["id", "ownerUid"] },
    "/v2/device/{id}/owner": { delete: ["id"] },
  },
  schemas: {
    OrganizationDetailed: ["id", "name"],
    User: ["id", "uid", "firstName", "lastName", "email", "enabled", "userType", "organizationId"],
    EndUser: ["id", "uid", "firstName", "lastName", "email", "enabled", "organizationId"],
    CreateEndUserRequest: ["firstName", "lastName", "email", "phone", "organizationId", "fullPortalAccess"],
    Device: [
      "id",
      "uid",
      "assignedOwnerUid",
      "organizationId",
      "displayName",
      "systemName",
      "dnsName",
      "deviceType",
    ],
    // devices-detailed items are Devices whose `deviceType` picks a subtype; an agent's carries these.
    AgentDevice: ["system", "lastLoggedInUser"],
    ComputerSystem: ["serialNumber", "biosSerialNumber"],
  },
} as const;

type Json = Record<string, unknown>;

interface Operation {
  tags?: string[];
  summary?: string;
  operationId?: string;
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, unknown> };
  responses?: unknown;
}

/** A schema's own properties: beside `properties`, or in the inline member of an `allOf`. */
function ownProperties(schema: Json): Json | undefined {
  if (schema.properties) return schema.properties as Json;
  const inline = (schema.allOf as Json[] | undefined)?.find((s) => s.properties);
  return inline?.properties as Json | undefined;
}

function withProperties(schema: Json, properties: Json): Json {
  if (schema.properties) {
    // A discriminator names a property kept above; the subtypes are not generated (no mapping).
    const { discriminator: _d, ...rest } = schema;
    return { ...rest, properties };
  }
  return {
    ...schema,
    allOf: (schema.allOf as Json[]).map((s) => (s.properties ? { ...s, properties } : s)),
  };
}

/** The spec cut down to `used`. */
export function prune(spec: Json): Json {
  const paths: Json = {};
  const specPaths = spec.paths as Record<string, Record<string, Operation>>;
  for (const [path, methods] of Object.entries(used.operations)) {
    const item: Json = {};
    for (const [method, params] of Object.entries(methods)) {
      const op = specPaths[path]?.[method];
      if (!op) throw new Error(`the NinjaOne spec has no ${method.toUpperCase()} ${path}`);
      const wanted = new Set<string>(params);
      const parameters = (op.parameters ?? []).filter((p) => wanted.has(p.name));
      for (const name of wanted)
        if (!parameters.some((p) => p.name === name))
          throw new Error(`${method.toUpperCase()} ${path} has no parameter ${name}`);
      const json = op.requestBody?.content["application/json"];
      item[method] = {
        ...(op.tags ? { tags: op.tags } : {}),
        ...(op.summary ? { summary: op.summary } : {}),
        ...(op.operationId ? { operationId: op.operationId } : {}),
        ...(parameters.length ? { parameters } : {}),
        ...(json ? { requestBody: { content: { "application/json": json } } } : {}),
        responses: op.responses,
      };
    }
    paths[path] = item;
  }
  const specSchemas = (spec.components as { schemas: Record<string, Json> }).schemas;
  const schemas: Json = {};
  for (const [name, props] of Object.entries(used.schemas)) {
    const schema = specSchemas[name];
    if (!schema) throw new Error(`the NinjaOne spec has no schema ${name}`);
    const own = ownProperties(schema);
    if (!own) throw new Error(`schema ${name} has no properties`);
    const properties: Json = {};
    for (const p of props) {
      if (!Object.hasOwn(own, p)) throw new Error(`schema ${name} has no property ${p}`);
      properties[p] = own[p];
    }
    schemas[name] = withProperties(schema, properties);
  }
  return {
    openapi: spec.openapi,
    info: spec.info,
    paths,
    components: { schemas, securitySchemes: (spec.components as Json).securitySchemes },
    security: spec.security,
  };
}

const banner = `// Generated by scripts/generate/ninjaone-types.ts from NinjaOne's OpenAPI description (shared/specs/ninjaone/
// public-api-v2.yaml), pruned to what the connector uses. Do not edit: run the script.
`;

export async function generate(path = specPath()): Promise<string> {
  // openapi-typescript's types want its own document type; the pruned spec is one by construction.
  const ast = await openapiTS(prune(loadSpec(path)) as unknown as Parameters<typeof openapiTS>[0], {
    alphabetize: true,
    silent: true,
  });
  const code = `${banner}\n${astToString(ast)}`;
  const options = (await prettier.resolveConfig(generatedPath)) ?? {};
  return prettier.format(code, { ...options, filepath: generatedPath });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(generatedPath, await generate());
  process.stdout.write(`wrote ${generatedPath}\n`);
}
