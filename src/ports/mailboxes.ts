export interface Mailboxes {
  /** The mailbox exists and answers (provisioning after licensing takes a while). */
  isProvisioned(upn: string): Promise<boolean>;
}
