import type { MailSender } from "../../ports/index.ts";
import { key, literal } from "./odata.ts";
import type { GraphTransport } from "./transport.ts";

/**
 * A named MAPI property of our own: set on the message at sendMail, it stays on the Sent Items copy and
 * Outlook can filter on it, which internet headers cannot offer.
 */
export const idempotencyKeyProperty =
  "String {8f31e1ca-7ae8-45af-ad63-e56a4e321476} Name LifecycleIdempotencyKey";

interface GraphSentMessage {
  id: string;
  sentDateTime?: string | null;
  createdDateTime?: string | null;
}

export function graphMailSender(graph: GraphTransport): MailSender {
  return {
    async send(fromMailbox, mail) {
      await graph.request("POST", `/users/${key(fromMailbox)}/sendMail`, {
        body: {
          message: {
            subject: mail.subject,
            body: { contentType: "HTML", content: mail.html },
            toRecipients: mail.to.map((address) => ({ emailAddress: { address } })),
            singleValueExtendedProperties: [{ id: idempotencyKeyProperty, value: mail.idempotencyKey }],
          },
          // The Sent Items copy is what a retry looks for.
          saveToSentItems: true,
        },
        once: true,
      });
    },
    async findSent(fromMailbox, idempotencyKey) {
      const filter =
        `singleValueExtendedProperties/any(ep: ep/id eq ${literal(idempotencyKeyProperty)}` +
        ` and ep/value eq ${literal(idempotencyKey)})`;
      const res = await graph.request<{ value: GraphSentMessage[] }>(
        "GET",
        `/users/${key(fromMailbox)}/mailFolders/SentItems/messages?$filter=${encodeURIComponent(filter)}&$select=id,sentDateTime,createdDateTime&$top=1`,
      );
      const found = res.body.value[0];
      if (!found) return undefined;
      const sentAt = found.sentDateTime ?? found.createdDateTime;
      return { messageId: found.id, ...(sentAt ? { sentAt } : {}) };
    },
  };
}
