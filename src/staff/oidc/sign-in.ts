import * as oidc from "openid-client";
import { appendAudit } from "../../store/audit.ts";
import type { Store } from "../../store/sql.ts";
import { findAccountRow } from "../accounts.ts";
import { createSession, type NewSession } from "../sessions.ts";
import { saveFlow, takeFlow } from "./flows.ts";
import { safeReturnTo } from "./return-to.ts";
import { callbackUrl, type OidcSettings } from "./settings.ts";

/**
 * Why a sign-in through the identity provider did not end in a session. Which of `unknown`, `disabled`,
 * `no-claim` and `unverified` it was is for the audit log: the person is told only that no enabled
 * account matches, so the answer says nothing about which accounts exist.
 */
export type OidcRefusal =
  /** No flow for this browser: never started here, expired, already used, or a state that does not match. */
  | "flow"
  /** The identity provider answered the authorization request with an error (the person cancelled, say). */
  | "idp-error"
  /** The code could not be exchanged, or the ID token did not verify (issuer, audience, signature, nonce, expiry). */
  | "token"
  /** The ID token names another tenant than the one configured. */
  | "tenant"
  /** The ID token lacks the configured claim. */
  | "no-claim"
  /** The matching claim is an email the identity provider says it has not verified. */
  | "unverified"
  | "unknown"
  | "disabled"
  /** The identity provider did not answer, or the server does not know its own address yet. */
  | "unavailable";

export type OidcStart =
  { kind: "redirect"; url: URL; cookie: string; expiresAt: Date } | { kind: "unavailable"; detail: string };

export type OidcFinish =
  | { kind: "signed-in"; session: NewSession; email: string; returnTo: string }
  | {
      kind: "refused";
      why: OidcRefusal;
      /** For the server log: the provider's error code or the check that failed; never a token or a code. */
      detail?: string;
      /** The provider's error code, safe to show (a bare OAuth code such as `access_denied`). */
      idpError?: string;
    };

export interface OidcSignIn {
  readonly settings: OidcSettings;
  /** Whether the callback answers over https, so its cookies can be marked Secure. */
  secure(): boolean;
  start(input: { returnTo?: unknown }): Promise<OidcStart>;
  /** `query` is the callback's query string as the browser sent it; `cookie` the flow cookie, if any. */
  finish(input: { query: string; cookie: string | undefined }): Promise<OidcFinish>;
}

const scope = "openid profile email";
const discoveryTimeoutSeconds = 10;
const oauthCode = /^[a-z_]{1,64}$/;

/**
 * Sign-in with the MSP's own identity provider: authorization code flow with PKCE, state and nonce. The
 * provider proves who the person is; whether they may sign in, and as what, is the staff account's: an
 * identity matching no enabled account is refused, and nothing is ever created from the provider's word.
 */
export function oidcSignIn(
  store: Store,
  settings: OidcSettings,
  now: () => Date = () => new Date(),
): OidcSignIn {
  let discovered: Promise<oidc.Configuration> | undefined;
  // Discovered once and kept (openid-client caches the signing keys and refetches on an unknown key id);
  // a failed discovery is forgotten, so the next sign-in tries again.
  const configuration = () =>
    (discovered ??= discover(settings).catch((err: unknown) => {
      discovered = undefined;
      throw err;
    }));

  const secure = () => callbackUrl(settings)?.protocol === "https:";

  async function start(input: { returnTo?: unknown }): Promise<OidcStart> {
    const redirectUri = callbackUrl(settings);
    if (!redirectUri) return { kind: "unavailable", detail: "the server's public address is not known" };
    let config: oidc.Configuration;
    try {
      config = await configuration();
    } catch (err) {
      return { kind: "unavailable", detail: `discovery failed: ${describe(err)}` };
    }
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const flow = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier,
      returnTo: safeReturnTo(input.returnTo, redirectUri.origin),
    };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri.href,
      response_type: "code",
      scope,
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: "S256",
    });
    const saved = await saveFlow(store, flow, now());
    return { kind: "redirect", url, cookie: saved.cookie, expiresAt: saved.expiresAt };
  }

  async function finish(input: { query: string; cookie: string | undefined }): Promise<OidcFinish> {
    const params = new URLSearchParams(input.query);
    // Taken before anything else is checked, so a flow is used once whatever the callback carried.
    const flow = input.cookie ? await takeFlow(store, input.cookie, now()) : undefined;
    if (!flow)
      return { kind: "refused", why: "flow", detail: input.cookie ? "no such flow" : "no flow cookie" };
    if (params.get("state") !== flow.state) return { kind: "refused", why: "flow", detail: "state mismatch" };
    const idpError = params.get("error");
    if (idpError !== null) return idpRefusal(idpError);

    const redirectUri = callbackUrl(settings);
    if (!redirectUri) return { kind: "refused", why: "unavailable", detail: "public address unknown" };
    const current = new URL(redirectUri);
    current.search = params.toString();
    let claims: oidc.IDToken | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(await configuration(), current, {
        pkceCodeVerifier: flow.codeVerifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (err) {
      if (err instanceof oidc.AuthorizationResponseError) return idpRefusal(err.error);
      return {
        kind: "refused",
        why: unreachable(err) ? "unavailable" : "token",
        detail: describe(err),
      };
    }
    if (!claims) return { kind: "refused", why: "token", detail: "no ID token" };
    return matchAccount(claims, flow.returnTo);
  }

  async function matchAccount(claims: oidc.IDToken, returnTo: string): Promise<OidcFinish> {
    const identity = claims[settings.claim];
    const claimed = typeof identity === "string" ? identity.trim().toLowerCase() : "";
    const who = { issuer: claims.iss, subject: claims.sub, claimed };
    if (settings.tenantId !== undefined) {
      const tid = typeof claims.tid === "string" ? claims.tid : "";
      if (tid.toLowerCase() !== settings.tenantId.toLowerCase())
        return refuse(who, "tenant", `tenant ${tid || "(none)"}`);
    }
    if (!claimed) return refuse(who, "no-claim", `no ${settings.claim} claim`);
    if (settings.claim === "email" && claims.email_verified === false)
      return refuse(who, "unverified", "email_verified is false");
    const row = await findAccountRow(store, claimed);
    if (!row) return refuse(who, "unknown");
    if (row.disabled_at) return refuse(who, "disabled");
    const session = await createSession(store, row.id, now(), {
      method: "oidc",
      issuer: claims.iss,
      subject: claims.sub,
    });
    return { kind: "signed-in", session, email: row.email, returnTo };
  }

  // Refusals after the provider vouched for someone are audited under the name it gave; those before
  // (no flow, a bad token) say nothing about anyone and go to the server log only.
  async function refuse(
    who: { issuer: string; subject: string; claimed: string },
    why: OidcRefusal,
    detail?: string,
  ): Promise<OidcFinish> {
    const name = (who.claimed || `${who.issuer} ${who.subject}`).slice(0, 254);
    await store.tx((sql) =>
      appendAudit(sql, {
        actor: name,
        action: "staff.sign-in-refused",
        subject: name,
        detail: { why, method: "oidc", issuer: who.issuer, subject: who.subject },
      }),
    );
    return { kind: "refused", why, ...(detail ? { detail } : {}) };
  }

  return { settings, secure, start, finish };
}

function idpRefusal(error: string): OidcFinish {
  const code = oauthCode.test(error) ? error : "invalid_error_code";
  return { kind: "refused", why: "idp-error", detail: `the provider answered ${code}`, idpError: code };
}

function discover(settings: OidcSettings): Promise<oidc.Configuration> {
  const execute = [oidc.enableNonRepudiationChecks];
  // Settings allow http only on this machine (a test or local provider).
  if (settings.issuer.protocol === "http:") execute.push(oidc.allowInsecureRequests);
  // The secret is sent in the token request's body (client_secret_post), which Entra accepts.
  return oidc.discovery(settings.issuer, settings.clientId, settings.clientSecret, undefined, {
    execute,
    timeout: discoveryTimeoutSeconds,
  });
}

/** Network failures and timeouts, and a provider answering 5xx: worth trying again later. */
function unreachable(err: unknown): boolean {
  if (err instanceof oidc.ResponseBodyError) return err.status >= 500;
  if (err instanceof oidc.ClientError) return err.code === "OAUTH_TIMEOUT" || err.code === "OAUTH_ABORT";
  return err instanceof TypeError && !("code" in err);
}

/**
 * What a failure says, for the log: the class, its code and message, and the provider's OAuth error code.
 * Never the error object itself: its cause can hold the provider's whole answer.
 */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return "unknown failure";
  const code = "code" in err && typeof err.code === "string" ? ` ${err.code}` : "";
  const oauth = err instanceof oidc.ResponseBodyError ? ` (${err.error}, status ${err.status})` : "";
  return `${err.name}${code}: ${err.message}${oauth}`.slice(0, 500);
}
