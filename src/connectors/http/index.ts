// The shared HTTP layer: what a connector's transport is built from.
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
export { ClientCredentialsTokens, type ClientCredentials, type TokenCacheOptions } from "./oauth2.ts";
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
