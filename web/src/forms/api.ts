import { api, unwrap } from "../api/client";
import type { paths } from "../api/schema";

type Json<T> = T extends { content: { "application/json": infer J } } ? J : never;

export type PublicForm = Json<paths["/api/public/forms/{token}"]["get"]["responses"][200]>;
export type Preview = Json<paths["/api/public/forms/{token}/preview"]["post"]["responses"][200]>;
export type Submitted = Json<paths["/api/public/forms/{token}/submit"]["post"]["responses"][201]>;
export type Status = Json<paths["/api/public/status/{statusToken}"]["get"]["responses"][200]>;
type Body = paths["/api/public/forms/{token}/preview"]["post"]["requestBody"]["content"]["application/json"];

/** The calls of one form link: its token is in every path, and is the only credential. */
export function linkApi(token: string) {
  const path = { token };
  return {
    form: () => unwrap(api.GET("/api/public/forms/{token}", { params: { path } })),
    people: async (q: string) =>
      (await unwrap(api.GET("/api/public/forms/{token}/people", { params: { path, query: { q } } }))).people,
    // The body is built from the form's own description; the generated type is a union of both kinds.
    preview: (body: Record<string, unknown>) =>
      unwrap(api.POST("/api/public/forms/{token}/preview", { params: { path }, body: body as Body })),
    submit: (body: Record<string, unknown>, key: string) =>
      unwrap(
        api.POST("/api/public/forms/{token}/submit", {
          params: { path, header: { "idempotency-key": key } },
          body: body as Body,
        }),
      ),
  };
}
export type LinkApi = ReturnType<typeof linkApi>;

export const status = (statusToken: string) =>
  unwrap(api.GET("/api/public/status/{statusToken}", { params: { path: { statusToken } } }));

/** The status token is the last segment of the address the submission answered. */
export function statusTokenOf(statusUrl: string): string {
  const last = statusUrl.split("?")[0]?.split("/").pop() ?? "";
  return decodeURIComponent(last);
}
