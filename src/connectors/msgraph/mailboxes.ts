import type { Mailboxes } from "../../ports/index.ts";
import { VendorError } from "../http/index.ts";
import { key } from "./odata.ts";
import type { GraphTransport } from "./transport.ts";

export function graphMailboxes(graph: GraphTransport): Mailboxes {
  return {
    async isProvisioned(upn) {
      try {
        await graph.request("GET", `/users/${key(upn)}/mailboxSettings`);
        return true;
      } catch (err) {
        // MailboxNotEnabledForRESTAPI (404) until Exchange has created the mailbox.
        if (err instanceof VendorError && err.failure.kind === "not-found") return false;
        throw err;
      }
    },
  };
}
