/**
 * The shared HTTP layer: what every connector's transport is built from. A vendor's transport is its
 * table plus a client, e.g. for a PSA with OAuth2 client credentials and page-number paging:
 *
 *   const tokens = new OAuth2Tokens({ api: "halopsa", tokenUrl, clientId, clientSecret, scope: "all" });
 *   const http = new HttpClient({
 *     api: "halopsa",
 *     classify: classifyHaloAnswer, // status and body → kind, catalogued code, the vendor's own code
 *     authenticate: () => tokens.headers(),
 *     reauthenticate: () => tokens.invalidate(),
 *   });
 *   const users = numberedPages("halopsa", async (page, size) => {
 *     const res = await http.request<{ users: HaloUser[]; record_count: number }>({
 *       method: "GET",
 *       url: `${base}/api/Users?pageinate=true&page_size=${size}&page_no=${page}`,
 *       call: "GET /api/Users",
 *     });
 *     return { items: res.body.users, total: res.body.record_count };
 *   }, { pageSize: 100 });
 *
 * Writes that must not be repeated pass `once: true`. The step's abort signal and call record come from
 * the step scope (observability/step-scope.ts), never through the ports.
 */
export {
  HttpClient,
  type Classified,
  type HttpCall,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
  type VendorAnswer,
} from "./client.ts";
export {
  BatchCoalescer,
  itemResponse,
  odataJsonBatch,
  runBatch,
  type BatchEnvelope,
  type BatchItem,
  type BatchItemReply,
  type BatchResult,
} from "./batch.ts";
export { OAuth2Tokens, type OAuth2Credentials, type TokenCacheOptions } from "./oauth2.ts";
export {
  collect,
  followLinks,
  nextFromLinkHeader,
  numberedPages,
  type LinkedPage,
  type NumberedPage,
} from "./paging.ts";
export { bodyForRecord, redactText } from "./redact.ts";
export { backoffMs, retryAfterMs } from "./retry-after.ts";
export { abandonable, sleep, withTimeout } from "./signal.ts";
export { networkFailure, VendorError, type VendorFailure } from "./vendor-error.ts";
