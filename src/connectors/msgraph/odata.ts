/** A string literal inside $filter: single quotes doubled, as OData requires. */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A key segment (id or UPN) in a path. */
export function key(value: string): string {
  return encodeURIComponent(value);
}
