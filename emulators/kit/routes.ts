/**
 * Route tables as data: a vendor writes paths the way its documentation does ("/users/{id}"), and the
 * kit turns them into Fastify routes and into matchers that tell a wrong method (405) from a wrong path.
 */

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface TableRoute {
  method: HttpMethod;
  /** The vendor's path under the table's prefix, parameters in braces. */
  path: string;
}

/** "/users/{id}/manager/$ref" → "/users/:id/manager/$ref". */
export function fastifyPath(prefix: string, path: string): string {
  return `${prefix}${path.replace(/\{(\w+)\}/g, ":$1")}`;
}

export class RouteTable<R extends TableRoute> {
  private readonly patterns: RegExp[];

  constructor(
    readonly prefix: string,
    readonly routes: readonly R[],
    /** Paths served outside `routes` (a batch endpoint, say) that still answer 405 to a wrong method. */
    extraPaths: readonly string[] = [],
    caseSensitive = true,
  ) {
    const escapedPrefix = prefix.replace(/[.$]/g, "\\$&");
    this.patterns = [...routes.map((r) => r.path), ...extraPaths].map(
      (path) =>
        new RegExp(
          `^${escapedPrefix}${path.replace(/[.$]/g, "\\$&").replace(/\{\w+\}/g, "[^/]+")}/?$`,
          caseSensitive ? "" : "i",
        ),
    );
  }

  /** Whether some route serves this path under any method. */
  knowsPath(path: string): boolean {
    return this.patterns.some((re) => re.test(path));
  }

  register(add: (method: HttpMethod, url: string, route: R) => void): void {
    for (const route of this.routes) add(route.method, fastifyPath(this.prefix, route.path), route);
  }
}
