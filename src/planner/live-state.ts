import type { DirectoryGroup } from "../ports/index.ts";

/**
 * Read-only questions the planner asks a client's systems. Each is optional: a client whose identity
 * connector is not set up yet is planned from the request and configuration alone, and says so.
 */
export interface LiveState {
  /** Whether a sign-in name is already used in the client's directory. */
  isUsernameTaken?(upn: string): Promise<boolean>;
  /**
   * The directory's facts about an existing user, read at submission: an offboarding of nobody is refused
   * then, and the lock-out steps start with their write instead of a read.
   */
  findUser?(upn: string): Promise<{ id: string; onPremisesSyncEnabled: boolean } | undefined>;
  /** A group by name or address, as the directory has it: whether it exists and assigns licences. */
  findGroup?(nameOrMail: string): Promise<DirectoryGroup | undefined>;
}
