// Contract checks against Microsoft's own Graph v1.0 schema (OData CSDL), so an emulator or client cannot
// drift into paths, properties or action parameters that the real service does not have.
//
// The CSDL is parsed with a small tag scanner instead of a general XML parser: the file is machine-written
// (no DTD, no CDATA, no mixed content we care about), only attributes are read, and a 3.5 MB file scans in
// well under a second without adding a dependency to the shared package.json.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Where the schema lives unless LIFECYCLE_GRAPH_CSDL points elsewhere (a clone outside /work, say). */
export const DEFAULT_CSDL_PATH = fileURLToPath(
  new URL("../../../shared/specs/msgraph/v1.0-metadata.xml", import.meta.url),
);

export type GraphPathKind = "entity" | "collection" | "action" | "function" | "ref" | "count" | "value";

export interface ResolvedOperation {
  name: string;
  /** Fully qualified binding type as declared (may be a base type of the path's type). */
  bindingType: string;
  bindingIsCollection: boolean;
  /** Parameter names without the binding parameter, in declaration order. */
  parameters: string[];
}

export type GraphPathResult =
  | {
      ok: true;
      /** Fully qualified type of what the path addresses; for operations the return type ("" when none). */
      finalType: string;
      kind: GraphPathKind;
      /** True when finalType is the element type of a collection (also for collection-valued operations). */
      isCollection: boolean;
      /** Set when the last segment is a bound action or function. */
      operation?: ResolvedOperation;
    }
  | { ok: false; reason: string };

export interface SurfaceEntry {
  method: string;
  path: string;
  /** Properties of the path's final type (response fields, or writable fields for PATCH/POST). */
  properties?: readonly string[];
  /** Action parameters when the path is an action; otherwise properties of the final type sent in the body. */
  bodyProperties?: readonly string[];
}

export interface PropertyDef {
  name: string;
  type: string;
  isCollection: boolean;
}

export interface NavigationDef extends PropertyDef {
  containsTarget: boolean;
}

export interface StructuredType {
  kind: "entity" | "complex";
  fullName: string;
  baseType: string | undefined;
  hasStream: boolean;
  properties: Map<string, PropertyDef>;
  navigation: Map<string, NavigationDef>;
}

export interface OperationDef {
  kind: "action" | "function";
  name: string;
  bindingType: string;
  bindingIsCollection: boolean;
  parameters: string[];
  returnType: string;
  returnsCollection: boolean;
  isComposable: boolean;
}

export interface GraphSchema {
  types: Map<string, StructuredType>;
  enums: Map<string, string[]>;
  /** Bound operations by unqualified name; overloads differ by binding type or parameters. */
  operations: Map<string, OperationDef[]>;
  entitySets: Map<string, string>;
  singletons: Map<string, string>;
  /** Direct subtypes by base type, for casts and for polymorphic responses. */
  derived: Map<string, string[]>;
}

// --- loading -------------------------------------------------------------------------------------------

const XML_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeXml(value: string): string {
  if (!value.includes("&")) return value;
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith("#x")) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return XML_ENTITIES[ref] ?? whole;
  });
}

function readAttributes(source: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of source.matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    attributes[match[1] ?? ""] = decodeXml(match[2] ?? match[3] ?? "");
  }
  return attributes;
}

interface TagEvent {
  name: string;
  closing: boolean;
  selfClosing: boolean;
  attributes: string;
}

/** Yields start and end tags; comments, processing instructions, CDATA and DOCTYPE are skipped. */
function* scanTags(xml: string): Generator<TagEvent> {
  // Attribute values may legally contain ">", so quoted strings are consumed whole.
  const tag =
    /<(\/?)([A-Za-z_][\w.:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<![^>]*>/g;
  for (const match of xml.matchAll(tag)) {
    const name = match[2];
    if (name === undefined) continue;
    yield { name, closing: match[1] === "/", selfClosing: match[4] === "/", attributes: match[3] ?? "" };
  }
}

function splitCollection(typeRef: string): { inner: string; isCollection: boolean } {
  const match = /^Collection\((.*)\)$/.exec(typeRef);
  return match?.[1] !== undefined
    ? { inner: match[1], isCollection: true }
    : { inner: typeRef, isCollection: false };
}

/** Parses CSDL text into an index. Exposed for tests of the parser itself; most callers want graphSchema(). */
export function parseCsdl(xml: string): GraphSchema {
  const schema: GraphSchema = {
    types: new Map(),
    enums: new Map(),
    operations: new Map(),
    entitySets: new Map(),
    singletons: new Map(),
    derived: new Map(),
  };
  // Type references use schema aliases ("graph.user", and "self.alert" inside microsoft.graph.security)
  // and may name a schema declared further down, so every alias is collected before the main pass.
  const aliases = new Map<string, string>();
  for (const match of xml.matchAll(/<Schema\b((?:[^>"']|"[^"]*"|'[^']*')*)>/g)) {
    const attributes = readAttributes(match[1] ?? "");
    if (attributes.Alias !== undefined && attributes.Namespace !== undefined) {
      aliases.set(attributes.Alias, attributes.Namespace);
    }
  }
  let namespace = "";
  let currentType: StructuredType | undefined;
  let currentEnum: string[] | undefined;
  let currentOperation: OperationDef | undefined;
  let parameterIndex = 0;
  let inContainer = false;

  const qualify = (raw: string): string => {
    const dot = raw.lastIndexOf(".");
    if (dot < 0) return raw;
    const namespaceOfAlias = aliases.get(raw.slice(0, dot));
    return namespaceOfAlias === undefined ? raw : `${namespaceOfAlias}${raw.slice(dot)}`;
  };

  for (const tag of scanTags(xml)) {
    if (tag.closing) {
      if (tag.name === "EntityType" || tag.name === "ComplexType") currentType = undefined;
      else if (tag.name === "EnumType") currentEnum = undefined;
      else if (tag.name === "Action" || tag.name === "Function") currentOperation = undefined;
      else if (tag.name === "EntityContainer") inContainer = false;
      continue;
    }
    switch (tag.name) {
      case "Schema": {
        namespace = readAttributes(tag.attributes).Namespace ?? "";
        break;
      }
      case "EntityType":
      case "ComplexType": {
        const attributes = readAttributes(tag.attributes);
        const type: StructuredType = {
          kind: tag.name === "EntityType" ? "entity" : "complex",
          fullName: `${namespace}.${attributes.Name ?? ""}`,
          baseType: attributes.BaseType === undefined ? undefined : qualify(attributes.BaseType),
          hasStream: attributes.HasStream === "true",
          properties: new Map(),
          navigation: new Map(),
        };
        schema.types.set(type.fullName, type);
        currentType = tag.selfClosing ? undefined : type;
        break;
      }
      case "Property":
      case "NavigationProperty": {
        if (currentType === undefined) break;
        const attributes = readAttributes(tag.attributes);
        const { inner, isCollection } = splitCollection(attributes.Type ?? "");
        const definition: NavigationDef = {
          name: attributes.Name ?? "",
          type: qualify(inner),
          isCollection,
          containsTarget: attributes.ContainsTarget === "true",
        };
        if (tag.name === "Property") currentType.properties.set(definition.name, definition);
        else currentType.navigation.set(definition.name, definition);
        break;
      }
      case "EnumType": {
        const members: string[] = [];
        schema.enums.set(`${namespace}.${readAttributes(tag.attributes).Name ?? ""}`, members);
        currentEnum = tag.selfClosing ? undefined : members;
        break;
      }
      case "Member":
        currentEnum?.push(readAttributes(tag.attributes).Name ?? "");
        break;
      case "Action":
      case "Function": {
        const attributes = readAttributes(tag.attributes);
        if (attributes.IsBound !== "true" || tag.selfClosing) break;
        const operation: OperationDef = {
          kind: tag.name === "Action" ? "action" : "function",
          name: attributes.Name ?? "",
          bindingType: "",
          bindingIsCollection: false,
          parameters: [],
          returnType: "",
          returnsCollection: false,
          isComposable: attributes.IsComposable === "true",
        };
        currentOperation = operation;
        parameterIndex = 0;
        const overloads = schema.operations.get(operation.name) ?? [];
        overloads.push(operation);
        schema.operations.set(operation.name, overloads);
        break;
      }
      case "Parameter": {
        if (currentOperation === undefined) break;
        const attributes = readAttributes(tag.attributes);
        // The binding parameter is the first one by definition; its name varies ("bindingParameter",
        // "bindparameter" on the workbook functions), so position is the only reliable marker.
        if (parameterIndex++ === 0) {
          const { inner, isCollection } = splitCollection(attributes.Type ?? "");
          currentOperation.bindingType = qualify(inner);
          currentOperation.bindingIsCollection = isCollection;
        } else {
          currentOperation.parameters.push(attributes.Name ?? "");
        }
        break;
      }
      case "ReturnType": {
        if (currentOperation === undefined) break;
        const { inner, isCollection } = splitCollection(readAttributes(tag.attributes).Type ?? "");
        currentOperation.returnType = qualify(inner);
        currentOperation.returnsCollection = isCollection;
        break;
      }
      case "EntityContainer":
        inContainer = !tag.selfClosing;
        break;
      case "EntitySet":
      case "Singleton": {
        if (!inContainer) break;
        const attributes = readAttributes(tag.attributes);
        const target = tag.name === "EntitySet" ? schema.entitySets : schema.singletons;
        const raw = (tag.name === "EntitySet" ? attributes.EntityType : attributes.Type) ?? "";
        target.set(attributes.Name ?? "", qualify(raw));
        break;
      }
    }
  }

  for (const type of schema.types.values()) {
    if (type.baseType === undefined) continue;
    const siblings = schema.derived.get(type.baseType) ?? [];
    siblings.push(type.fullName);
    schema.derived.set(type.baseType, siblings);
  }
  return schema;
}

let cached: { path: string; schema: GraphSchema } | undefined;

/** The parsed schema, read and indexed once per process. */
export function graphSchema(): GraphSchema {
  const path = process.env.LIFECYCLE_GRAPH_CSDL ?? DEFAULT_CSDL_PATH;
  if (cached?.path === path) return cached.schema;
  let xml: string;
  try {
    xml = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(
      `Microsoft Graph CSDL not readable at ${path} (set LIFECYCLE_GRAPH_CSDL to its location): ${String(error)}`,
      { cause: error },
    );
  }
  cached = { path, schema: parseCsdl(xml) };
  return cached.schema;
}

// --- type helpers --------------------------------------------------------------------------------------

const DEFAULT_NAMESPACE = "microsoft.graph";

/** Accepts "user", "graph.user", "microsoft.graph.user" and "security.alert" style names. */
function findType(schema: GraphSchema, name: string): StructuredType | undefined {
  const direct = schema.types.get(name);
  if (direct !== undefined) return direct;
  if (name.startsWith("graph.")) return schema.types.get(`${DEFAULT_NAMESPACE}${name.slice("graph".length)}`);
  return schema.types.get(`${DEFAULT_NAMESPACE}.${name}`);
}

function* typeChain(schema: GraphSchema, type: StructuredType): Generator<StructuredType> {
  const seen = new Set<string>();
  for (let current: StructuredType | undefined = type; current;) {
    if (seen.has(current.fullName)) return;
    seen.add(current.fullName);
    yield current;
    current = current.baseType === undefined ? undefined : schema.types.get(current.baseType);
  }
}

function isSameOrSubtype(schema: GraphSchema, typeName: string, ancestor: string): boolean {
  const type = schema.types.get(typeName);
  if (type === undefined) return typeName === ancestor;
  for (const link of typeChain(schema, type)) if (link.fullName === ancestor) return true;
  return false;
}

function findStructural(schema: GraphSchema, type: StructuredType, name: string): PropertyDef | undefined {
  for (const link of typeChain(schema, type)) {
    const found = link.properties.get(name);
    if (found) return found;
  }
  return undefined;
}

function findNavigation(schema: GraphSchema, type: StructuredType, name: string): NavigationDef | undefined {
  for (const link of typeChain(schema, type)) {
    const found = link.navigation.get(name);
    if (found) return found;
  }
  return undefined;
}

function allDerived(schema: GraphSchema, typeName: string): string[] {
  const result: string[] = [];
  const queue = [typeName];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of schema.derived.get(next) ?? []) {
      result.push(child);
      queue.push(child);
    }
  }
  return result;
}

/**
 * Overloads of `name` bindable to a value of `typeName` (collection or single), nearest binding type first,
 * so an override on a derived type wins over the base type's declaration.
 */
function bindableOperations(
  schema: GraphSchema,
  typeName: string,
  isCollection: boolean,
  name: string,
): OperationDef[] {
  const type = schema.types.get(typeName);
  const chain = type ? [...typeChain(schema, type)].map((link) => link.fullName) : [typeName];
  const candidates = (schema.operations.get(name) ?? []).filter(
    (operation) => operation.bindingIsCollection === isCollection && chain.includes(operation.bindingType),
  );
  return candidates.sort((a, b) => chain.indexOf(a.bindingType) - chain.indexOf(b.bindingType));
}

function memberNames(schema: GraphSchema, typeName: string, isCollection: boolean): string[] {
  const names = new Set<string>();
  const type = schema.types.get(typeName);
  if (type && !isCollection) {
    for (const link of typeChain(schema, type)) {
      for (const name of link.properties.keys()) names.add(name);
      for (const name of link.navigation.keys()) names.add(name);
    }
  }
  const chain = type ? [...typeChain(schema, type)].map((link) => link.fullName) : [typeName];
  for (const [name, overloads] of schema.operations) {
    if (overloads.some((o) => o.bindingIsCollection === isCollection && chain.includes(o.bindingType))) {
      names.add(name);
    }
  }
  return [...names];
}

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0] ?? 0;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j] ?? 0;
      const cost = a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1;
      previous[j] = Math.min(above + 1, (previous[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length] ?? 0;
}

function commonPrefixLength(a: string, b: string): number {
  let length = 0;
  while (length < a.length && a[length]?.toLowerCase() === b[length]?.toLowerCase()) length++;
  return length;
}

/**
 * A "did you mean" tail for near misses, because the usual failure is a typo (assignLicence) or a
 * remembered-wrong name that keeps the right start (revokeSessions for revokeSignInSessions).
 */
function suggest(name: string, candidates: Iterable<string>): string {
  const limit = Math.max(2, Math.floor(name.length / 3));
  const sharedStart = Math.max(5, Math.ceil(name.length / 2));
  const close = [...candidates]
    .map((candidate) => ({ candidate, distance: editDistance(name, candidate) }))
    .filter(
      ({ candidate, distance }) => distance <= limit || commonPrefixLength(name, candidate) >= sharedStart,
    )
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, 3)
    .map(({ candidate }) => candidate);
  return close.length === 0 ? "" : ` (did you mean ${close.join(", ")}?)`;
}

// --- path resolution -----------------------------------------------------------------------------------

/** What the walk has reached so far; `source` decides which HTTP methods make sense on it. */
interface Cursor {
  type: string;
  isCollection: boolean;
  isEntity: boolean;
  source: "entitySet" | "singleton" | "containment" | "navigation" | "property";
  /** The navigation property most recently traversed (with any key after it), which $ref refers to. */
  refTarget: { name: string; isCollection: boolean; keyed: boolean; contained: boolean } | undefined;
}

function describe(cursor: Cursor): string {
  return `${cursor.isCollection ? "a collection of " : ""}${cursor.type}`;
}

/**
 * Graph creates through collections it owns (entity sets, containment) and only links through other
 * navigation properties, which is why non-containment targets are read-only here and change via $ref.
 */
function allowedMethods(cursor: Cursor): { methods: readonly string[]; what: string } {
  switch (cursor.source) {
    case "entitySet":
    case "containment":
      return cursor.isCollection
        ? { methods: ["GET", "POST"], what: describe(cursor) }
        : { methods: ["GET", "PATCH", "PUT", "DELETE"], what: `entity ${cursor.type}` };
    case "singleton":
      return { methods: ["GET", "PATCH"], what: `singleton of type ${cursor.type}` };
    case "navigation":
      return {
        methods: ["GET"],
        what: `non-containment navigation to ${describe(cursor)} (links change through $ref)`,
      };
    case "property":
      return { methods: ["GET", "PATCH", "PUT"], what: `property of type ${describe(cursor)}` };
  }
}

const KEY_PLACEHOLDER = /^(\{[^{}]+\}|:[A-Za-z_][\w-]*)$/;

function methodProblem(method: string, allowed: readonly string[], what: string): string | undefined {
  return allowed.includes(method)
    ? undefined
    : `${method} is not valid on ${what}; use ${allowed.join(" or ")}`;
}

/**
 * Walks a Graph v1.0 path template (keys as `{id}` or `:id`, an optional `/v1.0` prefix and query string
 * are ignored) through the schema and checks that the HTTP method fits what the path addresses.
 */
export function resolveGraphPath(method: string, path: string): GraphPathResult {
  const schema = graphSchema();
  const verb = method.toUpperCase();
  const fail = (reason: string): GraphPathResult => ({ ok: false, reason: `${verb} ${path}: ${reason}` });

  const withoutQuery = path.split("?")[0] ?? "";
  let segments = withoutQuery.split("/").filter((segment) => segment !== "");
  if (segments[0] === "v1.0") segments = segments.slice(1);
  else if (segments[0] === "beta") return fail("beta endpoints are not described by the v1.0 schema");
  if (segments.length === 0) return fail("empty path");

  if (segments.length === 1 && segments[0] === "$batch") {
    const problem = methodProblem(verb, ["POST"], "$batch");
    return problem ? fail(problem) : { ok: true, finalType: "$batch", kind: "action", isCollection: false };
  }

  // Parenthesised keys ("users('x')", "users({id})") mean the same as a separate key segment.
  segments = segments.flatMap((segment) => {
    const keyed = /^([A-Za-z_][\w.]*)\(([^()]+)\)$/.exec(segment);
    if (keyed?.[1] && keyed[2] && !keyed[2].includes("=")) return [keyed[1], "{key}"];
    return [segment];
  });

  const [first = "", ...rest] = segments;
  let cursor: Cursor;
  const setType = schema.entitySets.get(first);
  const singletonType = schema.singletons.get(first);
  if (setType !== undefined) {
    cursor = { type: setType, isCollection: true, isEntity: true, source: "entitySet", refTarget: undefined };
  } else if (singletonType !== undefined) {
    cursor = {
      type: singletonType,
      isCollection: false,
      isEntity: true,
      source: "singleton",
      refTarget: undefined,
    };
  } else {
    const roots = [...schema.entitySets.keys(), ...schema.singletons.keys()];
    return fail(`"${first}" is not an entity set or singleton of the v1.0 container${suggest(first, roots)}`);
  }

  for (let index = 0; index < rest.length; index++) {
    const segment = rest[index] ?? "";
    const isLast = index === rest.length - 1;
    const here = describe(cursor);

    if (KEY_PLACEHOLDER.test(segment)) {
      if (!cursor.isCollection || !cursor.isEntity) {
        return fail(`key segment ${segment} needs an entity collection, not ${here}`);
      }
      cursor = {
        ...cursor,
        isCollection: false,
        refTarget: cursor.refTarget ? { ...cursor.refTarget, keyed: true } : undefined,
      };
      continue;
    }

    if (segment === "$ref") {
      if (!isLast) return fail("$ref must be the last segment");
      const target = cursor.refTarget;
      if (target === undefined) {
        return fail(`$ref needs a navigation property (or a key after one) right before it, not ${here}`);
      }
      if (target.contained) {
        return fail(
          `$ref on ${target.name}: contained entities live inside their parent and cannot be linked`,
        );
      }
      const allowed = target.keyed
        ? ["DELETE"]
        : target.isCollection
          ? ["GET", "POST", "DELETE"]
          : ["GET", "PUT", "DELETE"];
      const problem = methodProblem(
        verb,
        allowed,
        `$ref of ${target.keyed ? "one member of " : ""}${target.name}`,
      );
      if (problem) return fail(problem);
      return { ok: true, finalType: cursor.type, kind: "ref", isCollection: cursor.isCollection };
    }

    if (segment === "$count") {
      if (!isLast) return fail("$count must be the last segment");
      if (!cursor.isCollection) return fail(`$count needs a collection, not ${here}`);
      const problem = methodProblem(verb, ["GET"], "$count");
      return problem
        ? fail(problem)
        : { ok: true, finalType: "Edm.Int32", kind: "count", isCollection: false };
    }

    if (segment === "$value") {
      if (!isLast) return fail("$value must be the last segment");
      const type = schema.types.get(cursor.type);
      const isMedia = cursor.isEntity && !cursor.isCollection && (type?.hasStream ?? false);
      const isPrimitive = !cursor.isCollection && type === undefined;
      if (!isMedia && !isPrimitive)
        return fail(`$value needs a media entity or a primitive property, not ${here}`);
      const problem = methodProblem(verb, ["GET", "PUT"], "$value");
      return problem
        ? fail(problem)
        : { ok: true, finalType: cursor.type, kind: "value", isCollection: false };
    }

    if (segment.startsWith("$")) return fail(`unsupported path segment ${segment}`);

    const call = /^([^()]+)(\(.*\))?$/.exec(segment);
    const name = call?.[1] ?? segment;
    const hasParentheses = call?.[2] !== undefined;
    const currentType = schema.types.get(cursor.type);

    // A property wins over a same-named bound operation, as OData's name resolution rules say.
    if (currentType && !cursor.isCollection && !hasParentheses) {
      const navigation = cursor.isEntity ? findNavigation(schema, currentType, name) : undefined;
      if (navigation) {
        cursor = {
          type: navigation.type,
          isCollection: navigation.isCollection,
          isEntity: schema.types.get(navigation.type)?.kind !== "complex",
          source: navigation.containsTarget ? "containment" : "navigation",
          refTarget: {
            name: navigation.name,
            isCollection: navigation.isCollection,
            keyed: false,
            contained: navigation.containsTarget,
          },
        };
        continue;
      }
      const property = findStructural(schema, currentType, name);
      if (property) {
        cursor = {
          type: property.type,
          isCollection: property.isCollection,
          isEntity: false,
          source: "property",
          refTarget: undefined,
        };
        continue;
      }
    }

    // Casts are namespace-qualified type names; a qualified operation name ("microsoft.graph.assignLicense")
    // is also legal, so a dotted segment that is not a type falls through to the operation lookup.
    const castType = name.includes(".") && !hasParentheses ? findType(schema, name) : undefined;
    if (castType) {
      if (!isSameOrSubtype(schema, castType.fullName, cursor.type)) {
        return fail(`cannot cast ${here} to ${castType.fullName}: it does not derive from ${cursor.type}`);
      }
      // A cast narrows the type only: what the previous segment allowed (methods, $ref) still applies.
      cursor = { ...cursor, type: castType.fullName };
      continue;
    }

    const operationName = name.startsWith(`${DEFAULT_NAMESPACE}.`)
      ? name.slice(DEFAULT_NAMESPACE.length + 1)
      : name;
    const overloads = bindableOperations(schema, cursor.type, cursor.isCollection, operationName);
    const operation = overloads[0];
    if (operation) {
      const resolved: ResolvedOperation = {
        name: operation.name,
        bindingType: operation.bindingType,
        bindingIsCollection: operation.bindingIsCollection,
        parameters: parametersOf(overloads),
      };
      if (operation.kind === "action") {
        if (!isLast) return fail(`action ${operation.name} must be the last segment`);
        const problem = methodProblem(verb, ["POST"], `action ${operation.name}`);
        if (problem) return fail(problem);
        const result = { finalType: operation.returnType, isCollection: operation.returnsCollection };
        return { ok: true, kind: "action", ...result, operation: resolved };
      }
      if (isLast) {
        const problem = methodProblem(verb, ["GET"], `function ${operation.name}`);
        if (problem) return fail(problem);
        const result = { finalType: operation.returnType, isCollection: operation.returnsCollection };
        return { ok: true, kind: "function", ...result, operation: resolved };
      }
      if (!operation.isComposable) {
        return fail(`function ${operation.name} is not composable; it must be the last segment`);
      }
      cursor = {
        type: operation.returnType,
        isCollection: operation.returnsCollection,
        isEntity: schema.types.get(operation.returnType)?.kind === "entity",
        source: "navigation",
        refTarget: undefined,
      };
      continue;
    }

    if (cursor.isCollection && cursor.isEntity && currentType && !name.includes(".")) {
      if (findNavigation(schema, currentType, name) ?? findStructural(schema, currentType, name)) {
        return fail(
          `"${name}" is a property of each ${cursor.type}; a key segment like {id} must come first`,
        );
      }
      return fail(
        `no bound operation "${name}" on ${here}, and literal keys are not accepted in templates (use {id})` +
          suggest(name, memberNames(schema, cursor.type, true)),
      );
    }
    if (currentType === undefined) return fail(`cannot navigate into ${here} with "${name}"`);
    const kinds = cursor.isCollection
      ? "bound operation or cast"
      : cursor.isEntity
        ? "property, navigation property, bound operation or cast"
        : "property, bound operation or cast";
    const hint = suggest(name, memberNames(schema, cursor.type, cursor.isCollection));
    return fail(`no ${kinds} named "${name}" on ${here}${hint}`);
  }

  const { methods, what } = allowedMethods(cursor);
  const problem = methodProblem(verb, methods, what);
  if (problem) return fail(problem);
  const kind = cursor.isCollection ? "collection" : "entity";
  return { ok: true, finalType: cursor.type, kind, isCollection: cursor.isCollection };
}

/** Overloads bound to the same type (functions overload on parameters) share one parameter list. */
function parametersOf(overloads: readonly OperationDef[]): string[] {
  const nearest = overloads[0];
  if (nearest === undefined) return [];
  return [
    ...new Set(overloads.filter((o) => o.bindingType === nearest.bindingType).flatMap((o) => o.parameters)),
  ];
}

// --- properties and parameters -------------------------------------------------------------------------

const isAnnotation = (name: string): boolean => name.includes("@");

/**
 * True when `type` (or a base type) declares `property` as a structural or navigation property. Nested
 * paths through complex types ("passwordProfile/password", "mailboxSettings.timeZone") are followed.
 */
export function hasProperty(type: string, property: string): boolean {
  return lookupProperty(graphSchema(), type, property) !== undefined;
}

function lookupProperty(schema: GraphSchema, typeName: string, property: string): PropertyDef | undefined {
  let type = findType(schema, typeName);
  let found: PropertyDef | undefined;
  for (const part of property.split(/[./]/)) {
    if (type === undefined) return undefined;
    found = findStructural(schema, type, part) ?? findNavigation(schema, type, part);
    if (found === undefined) return undefined;
    type = schema.types.get(found.type);
  }
  return found;
}

/**
 * Parameter names (binding parameter excluded) of the action or function `action` bound to `bindingType`
 * or one of its base types; undefined when no such operation exists. Collection-bound operations are found
 * with bindingType "Collection(type)".
 */
export function actionParameters(bindingType: string, action: string): string[] | undefined {
  const schema = graphSchema();
  const { inner, isCollection } = splitCollection(bindingType);
  const type = findType(schema, inner);
  const overloads = bindableOperations(schema, type?.fullName ?? inner, isCollection, action);
  return overloads.length === 0 ? undefined : parametersOf(overloads);
}

/**
 * Checks every entry's path, method, properties and body names against the schema and returns one
 * human-readable problem per mistake; an empty list means the whole surface exists in Graph v1.0.
 */
export function checkSurface(entries: readonly SurfaceEntry[]): string[] {
  const schema = graphSchema();
  const problems: string[] = [];
  for (const entry of entries) {
    const label = `${entry.method.toUpperCase()} ${entry.path}`;
    const resolved = resolveGraphPath(entry.method, entry.path);
    if (!resolved.ok) {
      problems.push(resolved.reason);
      continue;
    }
    const finalType = findType(schema, resolved.finalType);
    for (const property of entry.properties ?? []) {
      if (isAnnotation(property)) continue;
      if (finalType === undefined) {
        problems.push(
          `${label}: "${property}" listed, but the path yields ${resolved.finalType || "no value"}`,
        );
        continue;
      }
      if (lookupProperty(schema, finalType.fullName, property)) continue;
      // Polymorphic responses (memberOf is a collection of directoryObject) legitimately carry subtype
      // fields; a write through the base type does not, so derived-only names pass only for GET.
      const owners = allDerived(schema, finalType.fullName).filter((derived) =>
        lookupProperty(schema, derived, property),
      );
      if (owners.length > 0 && entry.method.toUpperCase() === "GET") continue;
      const hint =
        owners.length > 0
          ? ` (declared only on derived types such as ${owners.slice(0, 3).join(", ")}; cast the path)`
          : suggest(property.split(/[./]/)[0] ?? property, memberNames(schema, finalType.fullName, false));
      problems.push(`${label}: ${finalType.fullName} has no property "${property}"${hint}`);
    }
    // Action parameters match without regard to case: the CSDL declares sendMail's "Message" and
    // "SaveToSentItems" while Microsoft's documentation and SDKs send "message" and "saveToSentItems", and
    // Graph accepts both, so an emulator following the documentation must not be flagged.
    for (const field of entry.bodyProperties ?? []) {
      if (isAnnotation(field)) continue;
      if (resolved.kind === "function") {
        problems.push(
          `${label}: function ${resolved.operation?.name ?? ""} takes no request body ("${field}")`,
        );
      } else if (resolved.kind === "action") {
        const parameters = resolved.operation?.parameters;
        if (parameters === undefined) {
          problems.push(`${label}: "${field}" listed, but this request has no declared parameters`);
        } else if (!parameters.some((parameter) => parameter.toLowerCase() === field.toLowerCase())) {
          const expected = parameters.length === 0 ? "none" : parameters.join(", ");
          problems.push(
            `${label}: action ${resolved.operation?.name ?? ""} has no parameter "${field}" (parameters: ${expected})`,
          );
        }
      } else if (finalType === undefined || !lookupProperty(schema, finalType.fullName, field)) {
        const hint = finalType ? suggest(field, memberNames(schema, finalType.fullName, false)) : "";
        problems.push(`${label}: body field "${field}" is not a property of ${resolved.finalType}${hint}`);
      }
    }
  }
  return problems;
}
