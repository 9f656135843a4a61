import { graphErrors } from "../errors.ts";
import type { Json } from "../json.ts";
import { selectable, type PropSpec } from "../directory/properties.ts";
import { evaluateFilter, filterUses, parseFilter, type FilterExpr } from "./filter.ts";

/**
 * List queries ($filter, $search, $select, $orderby, $top, $count, $skiptoken) under the directory's
 * rules (reference §0.2): advanced operators need `ConsistencyLevel: eventual` and `$count=true`,
 * `$count=true` alone is silently ignored, and the count comes only on the first page.
 */

export interface CollectionSpec {
  /** As the directory names it in filter errors, e.g. "Microsoft.DirectoryServices.User". */
  filterTypeName: string;
  /** As OData names it in $select errors, e.g. "microsoft.graph.user". */
  selectTypeName: string;
  props: Record<string, PropSpec>;
  /** Directory collections enforce ConsistencyLevel; Intune ones do not and allow contains(). */
  directory: boolean;
  defaultTop: number;
  maxTop: number;
  sortable: string[];
  /** Mixed collections (members, memberOf) pick each row's default properties by its type. */
  defaultsFor?: (row: Record<string, Json>) => Record<string, PropSpec>;
  /** Relationship collections (memberOf) filter only as advanced queries. */
  filterNeedsAdvanced?: boolean;
}

export interface ListPlan {
  filter: FilterExpr | undefined;
  search: { property: string; term: string }[] | undefined;
  select: string[] | undefined;
  orderBy: { property: string; desc: boolean } | undefined;
  top: number;
  skip: number;
  /** Advanced query: served from the (lagging) search index, may return @odata.count. */
  advanced: boolean;
  includeCount: boolean;
}

const skipTokenPrefix = "RFNwdAIAAQAAA";

export function encodeSkipToken(skip: number, advanced: boolean): string {
  return (
    skipTokenPrefix + Buffer.from(JSON.stringify({ s: skip, a: advanced ? 1 : 0 })).toString("base64url")
  );
}

function decodeSkipToken(token: string): { skip: number; advanced: boolean } {
  if (!token.startsWith(skipTokenPrefix)) throw graphErrors.badRequest("Invalid paging token.");
  try {
    const parsed: unknown = JSON.parse(
      Buffer.from(token.slice(skipTokenPrefix.length), "base64url").toString("utf8"),
    );
    if (typeof parsed === "object" && parsed !== null && "s" in parsed && typeof parsed.s === "number") {
      return { skip: parsed.s, advanced: "a" in parsed && parsed.a === 1 };
    }
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  throw graphErrors.badRequest("Invalid paging token.");
}

export function planList(
  spec: CollectionSpec,
  query: Record<string, string | undefined>,
  consistencyLevel: string | undefined,
): ListPlan {
  const eventual = consistencyLevel?.toLowerCase() === "eventual";
  const countAsked = query.$count?.toLowerCase() === "true";
  const token = query.$skiptoken ? decodeSkipToken(query.$skiptoken) : undefined;
  const advanced = spec.directory ? eventual && countAsked : false;
  const lenient = !spec.directory || advanced;
  // Headers do not travel in @odata.nextLink (reference §0.2): a page of an advanced query asked for
  // without them is an ordinary query again, and meets the ordinary query's refusals below.
  const staleAdvancedPage = token?.advanced === true && !advanced;

  const filter = query.$filter ? parseFilter(query.$filter) : undefined;
  if (filter) checkFilter(spec, filter, lenient);

  let search: ListPlan["search"];
  if (query.$search !== undefined) {
    if (spec.directory && !eventual) throw graphErrors.searchNeedsHeader();
    search = parseSearch(spec, query.$search);
  }

  const select = query.$select
    ? query.$select.split(",").map((raw) => {
        const name = selectable(spec.props, raw.trim());
        if (!name) throw graphErrors.unknownSelect(raw.trim(), spec.selectTypeName);
        return name;
      })
    : undefined;

  let orderBy: ListPlan["orderBy"];
  if (query.$orderby) {
    const [rawProp, dir] = query.$orderby.trim().split(/\s+/);
    const property = selectable(spec.props, rawProp ?? "");
    if (!property || !spec.sortable.includes(property)) throw graphErrors.sortingNotSupported();
    if (spec.directory && (filter || search) && !lenient) throw graphErrors.sortingNotSupported();
    orderBy = { property, desc: dir?.toLowerCase() === "desc" };
  }

  let top = spec.defaultTop;
  if (query.$top !== undefined) {
    top = Number(query.$top);
    if (!/^\d+$/.test(query.$top) || top < 1 || top > spec.maxTop) throw graphErrors.pageSize(query.$top);
  }

  // Unconfirmed text: nothing above refused, but the token belongs to the advanced index.
  if (staleAdvancedPage) throw graphErrors.badRequest("Invalid paging token.");
  return {
    filter,
    search,
    select,
    orderBy,
    top,
    skip: token?.skip ?? 0,
    advanced,
    includeCount: spec.directory && eventual && countAsked && !token,
  };
}

function checkFilter(spec: CollectionSpec, filter: FilterExpr, lenient: boolean): void {
  for (const use of filterUses(filter)) {
    const name = selectable(spec.props, use.path);
    if (!name) throw graphErrors.filterProperty(use.path, spec.filterTypeName);
    const rule = (spec.props[name] as PropSpec).filter;
    if (rule === "none") throw graphErrors.notIndexed();
    if (lenient) continue;
    if (use.how === "contains" || spec.filterNeedsAdvanced) throw graphErrors.unsupportedQuery();
    const needsAdvanced =
      rule === "advanced" || use.how === "ne" || use.how === "not" || use.how === "endswith";
    if (needsAdvanced) throw graphErrors.unsupportedQuery();
  }
}

/** `"displayName:mike" OR "mail:mike"`: each term matches the start of any word of the property. */
function parseSearch(spec: CollectionSpec, raw: string): { property: string; term: string }[] {
  const clauses = [...raw.matchAll(/"([^":]+):([^"]*)"/g)];
  if (!clauses.length)
    throw graphErrors.badRequest("Syntax error: character '\"' is not valid at position 0 in '$search'.");
  return clauses.map((m) => {
    const property = selectable(spec.props, m[1] ?? "");
    if (!property) throw graphErrors.filterProperty(m[1] ?? "", spec.filterTypeName);
    return { property, term: normalizeSearch(m[2] ?? "") };
  });
}

/**
 * Search compares letters of any script (Zoë, Müller, José) without regard to case or to composed
 * versus decomposed accents, and an apostrophe inside a name (O'Brien, O’Brien) is part of the word;
 * its parts are words too, so "brien" finds O'Brien.
 */
function normalizeSearch(text: string): string {
  return text
    .normalize("NFC")
    .toLocaleLowerCase("en-US")
    .replace(/\u2019/g, "'");
}

function searchWords(value: string): string[] {
  const words = normalizeSearch(value)
    .split(/[^\p{L}\p{N}']+/u)
    .filter(Boolean);
  return [...words, ...words.filter((w) => w.includes("'")).flatMap((w) => w.split("'"))];
}

export interface ListResult {
  page: Record<string, Json>[];
  total: number;
  nextSkip: number | undefined;
}

export function runList(spec: CollectionSpec, views: Record<string, Json>[], plan: ListPlan): ListResult {
  let rows = views;
  if (plan.filter) {
    const filter = plan.filter;
    rows = rows.filter((row) => evaluateFilter(filter, (path) => row[selectable(spec.props, path) ?? path]));
  }
  if (plan.search) {
    const search = plan.search;
    rows = rows.filter((row) =>
      search.some(({ property, term }) =>
        searchWords(String(row[property] ?? "")).some((w) => w.startsWith(term)),
      ),
    );
  }
  if (plan.orderBy) {
    const { property, desc } = plan.orderBy;
    rows = [...rows].sort(
      (a, b) => String(a[property] ?? "").localeCompare(String(b[property] ?? "")) * (desc ? -1 : 1),
    );
  }
  const page = rows
    .slice(plan.skip, plan.skip + plan.top)
    .map((row) => project(row, plan.select, spec.defaultsFor?.(row) ?? spec.props));
  const nextSkip = plan.skip + plan.top < rows.length ? plan.skip + plan.top : undefined;
  return { page, total: rows.length, nextSkip };
}

/** With no $select, the collection's default properties; selected properties missing from the row are null. */
export function project(
  row: Record<string, Json>,
  select: string[] | undefined,
  defaults: Record<string, PropSpec> | undefined,
): Record<string, Json> {
  const names =
    select ?? (defaults ? Object.keys(defaults).filter((k) => defaults[k]?.byDefault) : Object.keys(row));
  const out: Record<string, Json> = {};
  const type = row["@odata.type"];
  if (type !== undefined) out["@odata.type"] = type;
  for (const name of names) out[name] = row[name] ?? null;
  return out;
}
