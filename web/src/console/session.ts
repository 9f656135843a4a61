import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, ApiFailure, unwrap, setCsrfToken } from "../api/client";

export type Me = Awaited<ReturnType<typeof fetchMe>>;

async function fetchMe() {
  try {
    const me = await unwrap(api.GET("/api/auth/me"));
    setCsrfToken(me.csrfToken);
    return me;
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 401) return null;
    throw err;
  }
}

/** Who is signed in (null: nobody); the CSRF token it carries is installed for every later change. */
export const meQuery = queryOptions({ queryKey: ["me"], queryFn: fetchMe, staleTime: 60_000 });

export function useMe() {
  return useQuery(meQuery);
}

const grants: Record<string, string[]> = {
  viewer: ["read"],
  approver: ["read", "approve"],
  technician: ["read", "submit", "operate", "configure"],
  admin: ["read", "submit", "operate", "configure", "approve", "admin"],
};

/** Whether the role may do this: only to hide what would be refused; the server decides. */
export function may(me: Me | undefined, permission: string): boolean {
  return !!me && (grants[me.role] ?? []).includes(permission);
}
