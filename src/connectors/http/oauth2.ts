import type { VendorCall } from "../../domain/outcome.ts";
import { outsideStepScope, stepSignal } from "../../observability/step-scope.ts";
import { HttpClient, type Classified, type VendorAnswer } from "./client.ts";
import { abandonable } from "./signal.ts";
import { VendorError } from "./vendor-error.ts";

export interface OAuth2Credentials {
  /** Which API the token serves: names the token calls in the step's record and in failures. */
  api: VendorCall["api"];
  /** HaloPSA: https://{tenant}.halopsa.com/auth/token?tenant={tenant}; NinjaOne: https://{instance}/ws/oauth/token. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated, as the vendor names them ("all" for HaloPSA, "monitoring management" for NinjaOne). */
  scope?: string;
  /** RFC 6749 wants a form; some vendors take JSON. */
  encoding?: "form" | "json";
  /** Client id and secret in the body (what HaloPSA and NinjaOne take) or as HTTP Basic (RFC 6749 §2.3.1). */
  clientAuth?: "body" | "basic";
  /**
   * The resource owner's password grant (RFC 6749 §4.3) instead of client credentials: Datto RMM's API
   * key and secret go as username and password, under a fixed public client.
   */
  resourceOwner?: { username: string; password: string };
  /** Other parameters the vendor's token endpoint wants, sent beside the standard ones. */
  extra?: Record<string, string>;
}

export interface TokenCacheOptions {
  /** A token is renewed this long before it expires, so no call sets off with one about to lapse. */
  refreshBeforeMs?: number;
  /** When the reply names no lifetime (expires_in is optional in RFC 6749). */
  defaultLifetimeMs?: number;
  requestTimeoutMs?: number;
  now?: () => number;
}

interface TokenReply {
  access_token?: unknown;
  token_type?: unknown;
  expires_in?: unknown;
}

/** RFC 6749 §5.2 error codes: which say the credential is wrong, the rest are the endpoint's trouble. */
function classifyTokenAnswer(a: VendorAnswer): Classified {
  const body = a.body as { error?: unknown; error_description?: unknown } | undefined;
  const vendorCode = typeof body?.error === "string" ? body.error : undefined;
  const description = typeof body?.error_description === "string" ? body.error_description : undefined;
  const message = `token request refused: ${description ?? vendorCode ?? `HTTP ${a.status}`}`;
  const code = vendorCode !== undefined ? { vendorCode } : {};
  if (a.status === 429) return { kind: "throttled", code: "THROTTLED", message, ...code };
  if (a.status >= 500) return { kind: "transient", code: "VENDOR_UNAVAILABLE", message, ...code };
  return { kind: "permission", code: "AUTH_FAILED", message, ...code };
}

/**
 * OAuth2 tokens for one credential (the client-credentials grant, or the password grant): fetched on first use, kept until shortly before
 * they expire, and fetched once for all concurrent callers (a burst of parallel steps asks one request).
 * The token request goes through the shared retry loop (429 and 5xx), outside any one step's scope.
 */
export class OAuth2Tokens {
  private cached: { token: string; refreshAt: number } | undefined;
  private pending: Promise<string> | undefined;
  private readonly http: HttpClient;
  private readonly o: Required<TokenCacheOptions>;

  constructor(
    private readonly credentials: OAuth2Credentials,
    opts: TokenCacheOptions = {},
  ) {
    this.o = {
      refreshBeforeMs: 60_000,
      defaultLifetimeMs: 3_600_000,
      requestTimeoutMs: 30_000,
      now: Date.now,
      ...opts,
    };
    this.http = new HttpClient({
      api: credentials.api,
      classify: classifyTokenAnswer,
      requestTimeoutMs: this.o.requestTimeoutMs,
    });
  }

  /** A valid access token; the caller's step may stop waiting for it, the shared request goes on. */
  async token(): Promise<string> {
    const c = this.cached;
    if (c && this.o.now() < c.refreshAt) return c.token;
    // Started outside the asking step: its signal must not end, nor its record claim, a request all share.
    this.pending ??= outsideStepScope(() => this.fetch()).finally(() => (this.pending = undefined));
    return abandonable(this.pending, stepSignal());
  }

  /** Bearer headers for HttpClient's `authenticate`. */
  async headers(): Promise<Record<string, string>> {
    return { authorization: `Bearer ${await this.token()}` };
  }

  /** Forget the token (a 401 said it was revoked); the next call fetches a new one. */
  invalidate(): void {
    this.cached = undefined;
  }

  private async fetch(): Promise<string> {
    const {
      clientId,
      clientSecret,
      scope,
      resourceOwner,
      extra,
      encoding = "form",
      clientAuth = "body",
    } = this.credentials;
    const params: Record<string, string> = {
      ...(resourceOwner
        ? { grant_type: "password", username: resourceOwner.username, password: resourceOwner.password }
        : { grant_type: "client_credentials" }),
      ...(clientAuth === "body" ? { client_id: clientId, client_secret: clientSecret } : {}),
      ...(scope ? { scope } : {}),
      ...extra,
    };
    const basic: Record<string, string> =
      clientAuth === "basic"
        ? {
            authorization: `Basic ${Buffer.from(
              `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`,
            ).toString("base64")}`,
          }
        : {};
    const asked = this.o.now();
    const res = await this.http.request<TokenReply>({
      method: "POST",
      url: this.credentials.tokenUrl,
      call: `POST ${new URL(this.credentials.tokenUrl).pathname}`,
      headers: { accept: "application/json", ...basic },
      ...(encoding === "form" ? { form: params } : { body: params }),
    });
    const token = res.body?.access_token;
    if (typeof token !== "string" || !token)
      throw new VendorError({
        api: this.credentials.api,
        kind: "transient",
        code: "MALFORMED_RESPONSE",
        message: "the token reply has no access_token",
        status: res.status,
        requestId: res.requestId,
        body: res.body,
      });
    const seconds = Number(res.body.expires_in);
    const lifetime = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : this.o.defaultLifetimeMs;
    // A short-lived token is renewed at half its life rather than never being fresh enough to use.
    const margin = Math.min(this.o.refreshBeforeMs, lifetime / 2);
    this.cached = { token, refreshAt: asked + lifetime - margin };
    return token;
  }
}
