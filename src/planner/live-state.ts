/**
 * Read-only questions the planner asks a client's systems. Each is optional: a client whose identity
 * connector is not set up yet is planned from the request and configuration alone, and says so.
 */
export interface LiveState {
  /** Whether a sign-in name is already used in the client's directory. */
  isUsernameTaken?(upn: string): Promise<boolean>;
}
