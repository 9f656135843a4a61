export interface OutgoingMail {
  to: string[];
  subject: string;
  html: string;
  /** Stamped on the message, so a retry finds the copy in Sent Items instead of sending again. */
  idempotencyKey: string;
}

export interface MailSender {
  send(fromMailbox: string, mail: OutgoingMail): Promise<void>;
  /** The sender's Sent Items copy of the message stamped with this key, if it was sent. */
  findSent(
    fromMailbox: string,
    idempotencyKey: string,
  ): Promise<{ messageId: string; sentAt?: string } | undefined>;
}
