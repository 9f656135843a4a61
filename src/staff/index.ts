export {
  createAccount,
  disableAccount,
  listAccounts,
  setPassword,
  type NewAccount,
  type StaffAccount,
} from "./accounts.ts";
export {
  ensureFirstAdmin,
  signInLinkFor,
  writeCliToken,
  cliTokenFile,
  localOperatorEmail,
  localOperator,
} from "./bootstrap.ts";
export { checkPassword, minPasswordLength } from "./passwords.ts";
export { createSession, endSession, sessionPrincipal, sessionIdleMs, sessionMaxAgeMs } from "./sessions.ts";
export { signIn, freeAttempts, lockFor } from "./sign-in.ts";
export {
  createToken,
  listTokens,
  redeemSignInLink,
  signInLinkAccount,
  revokeToken,
  tokenPrincipal,
  type TokenInfo,
  type TokenRequest,
} from "./tokens.ts";
