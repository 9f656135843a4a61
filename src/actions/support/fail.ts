import { LifecycleError, type ErrorKind } from "../../domain/errors.ts";
import { failureCodes, type FailureCode } from "../../domain/failure-codes.ts";

/**
 * An action's failure, its code from the catalogue. The kind is the catalogue's unless the action says
 * otherwise: some steps have always reported a missing thing as a mistake in the request (invalid).
 */
export function actionError(
  code: FailureCode,
  message: string,
  kind: ErrorKind = failureCodes[code].kind,
): LifecycleError {
  return new LifecycleError({ kind, code, message });
}

/**
 * A port the step declared optional and turns out to need (a distribution list, not a directory group):
 * there, or NOT_CONFIGURED naming it.
 */
export function requirePort<P, K extends keyof P & string>(ports: P, key: K): NonNullable<P[K]> {
  const port = ports[key];
  if (port === undefined || port === null)
    throw actionError("NOT_CONFIGURED", `this client has no ${key} connector configured`);
  return port;
}
