/**
 * Hands a secret (a Temporary Access Pass) to a person through a link that shows it once and expires.
 * The same key replaces the earlier secret, so a retried step never leaves two live links.
 */
export interface OneTimeLinks {
  share(key: string, secret: string, opts: { label: string; expiresAt: Date }): Promise<{ url: string }>;
}
