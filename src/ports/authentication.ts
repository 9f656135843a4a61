export interface AuthMethod {
  id: string;
  /** Graph's type without its namespace, e.g. "phoneAuthenticationMethod". */
  type: string;
  displayName?: string;
  /** Graph's clock, ISO 8601: tells a pass issued by this attempt from an older one. */
  createdDateTime?: string;
}

export interface TemporaryAccessPass {
  id: string;
  /** The secret itself: handed to a one-time link, never to a log, event or ticket. */
  pass: string;
  startDateTime: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
}

export interface Authentication {
  methods(userId: string): Promise<AuthMethod[]>;
  removeMethod(userId: string, method: AuthMethod): Promise<void>;
  issueTemporaryAccessPass(
    userId: string,
    opts: { startDateTime?: string; lifetimeInMinutes: number; isUsableOnce: boolean },
  ): Promise<TemporaryAccessPass>;
}
