export { flowTtlMs } from "./flows.ts";
export { safeReturnTo } from "./return-to.ts";
export {
  callbackUrl,
  oidcCallbackPath,
  oidcClaims,
  oidcEnvNames,
  oidcSettingsFromEnv,
  type OidcClaim,
  type OidcSettings,
} from "./settings.ts";
export { oidcSignIn, type OidcFinish, type OidcRefusal, type OidcSignIn, type OidcStart } from "./sign-in.ts";
