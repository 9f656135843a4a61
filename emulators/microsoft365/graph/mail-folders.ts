import type { PropSpec } from "../directory/properties.ts";
import { GraphError } from "../errors.ts";
import { getCaseless, isObject, type Json } from "../json.ts";
import type { SentMessage } from "../model.ts";
import type { CollectionSpec } from "../odata/query.ts";
import { listResult } from "./list.ts";
import { pathMailbox } from "./mailbox.ts";
import type { GraphCall, GraphRoute } from "./route.ts";
import { pathUser } from "./users.ts";

/**
 * Messages of a mail folder, addressed by well-known name (reference §13). Only Sent Items holds
 * anything here: the copies sendMail saves. $filter understands the one form a sender uses to find
 * its own message again, a single-value extended property matched by id and value.
 */

const prop = (type: PropSpec["type"], byDefault = true): PropSpec => ({
  type,
  write: "never",
  filter: "basic",
  byDefault,
  nullable: true,
});

const messageProperties: Record<string, PropSpec> = {
  id: prop("string"),
  createdDateTime: prop("dateTime"),
  lastModifiedDateTime: prop("dateTime"),
  sentDateTime: prop("dateTime"),
  subject: prop("string"),
  bodyPreview: prop("string"),
  body: prop("object"),
  from: prop("object"),
  sender: prop("object"),
  toRecipients: prop("objectArray"),
  ccRecipients: prop("objectArray"),
  bccRecipients: prop("objectArray"),
  isDraft: prop("boolean"),
  isRead: prop("boolean"),
};

const messages: CollectionSpec = {
  filterTypeName: "microsoft.graph.message",
  selectTypeName: "microsoft.graph.message",
  props: messageProperties,
  directory: false,
  defaultTop: 10,
  maxTop: 1000,
  sortable: ["sentDateTime", "createdDateTime", "subject"],
};

const wellKnownFolders = new Set([
  "archive",
  "clutter",
  "conflicts",
  "conversationhistory",
  "deleteditems",
  "drafts",
  "inbox",
  "junkemail",
  "localfailures",
  "msgfolderroot",
  "outbox",
  "recoverableitemsdeletions",
  "scheduled",
  "searchfolders",
  "sentitems",
  "serverfailures",
  "syncissues",
]);

// Mail.ReadBasic.All withholds extended properties, so it cannot find a message by one.
const mailRead = ["Mail.Read", "Mail.ReadWrite"];

const invalidFilter = () =>
  new GraphError(400, "ErrorInvalidUrlQueryFilter", "The query filter contains one or more invalid nodes.");

const extendedPropertyFilter =
  /^\s*singleValueExtendedProperties\/any\(\s*(\w+)\s*:\s*\1\/id\s+eq\s+'((?:[^']|'')*)'\s+and\s+\1\/value\s+eq\s+'((?:[^']|'')*)'\s*\)\s*$/i;

function messageFilter(raw: string | undefined): (m: SentMessage) => boolean {
  if (raw === undefined) return () => true;
  const match = extendedPropertyFilter.exec(raw);
  if (!match) throw invalidFilter();
  const id = (match[2] ?? "").replace(/''/g, "'").toLowerCase();
  const value = (match[3] ?? "").replace(/''/g, "'");
  return (m) => {
    const props = getCaseless(m.message, "singleValueExtendedProperties");
    return (
      Array.isArray(props) &&
      props.some(
        (p) =>
          isObject(p) &&
          String(getCaseless(p, "id") ?? "").toLowerCase() === id &&
          getCaseless(p, "value") === value,
      )
    );
  };
}

const recipients = (addresses: string[]): Json[] =>
  addresses.map((address) => ({ emailAddress: { name: address, address } }));

function messageView(m: SentMessage): Record<string, Json> {
  const from = { emailAddress: { name: m.from, address: m.from } };
  const text = m.contentType.toLowerCase() === "html" ? m.content.replace(/<[^>]*>/g, " ") : m.content;
  return {
    id: m.id,
    createdDateTime: m.at,
    lastModifiedDateTime: m.at,
    sentDateTime: m.at,
    subject: m.subject,
    bodyPreview: text.replace(/\s+/g, " ").trim().slice(0, 255),
    body: { contentType: m.contentType.toLowerCase(), content: m.content },
    from,
    sender: from,
    toRecipients: recipients(m.toRecipients),
    ccRecipients: recipients(m.ccRecipients),
    bccRecipients: recipients(m.bccRecipients),
    isDraft: false,
    isRead: true,
  };
}

function folderMessages(call: GraphCall): SentMessage[] {
  const folder = (call.params.folderId ?? "").toLowerCase();
  if (!wellKnownFolders.has(folder)) throw new GraphError(400, "ErrorInvalidIdMalformed", "Id is malformed.");
  if (folder !== "sentitems") return [];
  const user = pathUser(call);
  return call.tenant.sentMail.filter((m) => m.fromUserId === user.id && m.saveToSentItems);
}

export const mailFolderRoutes: GraphRoute[] = [
  {
    method: "GET",
    path: "/users/{id}/mailFolders/{folderId}/messages",
    entityType: "microsoft.graph.message",
    via: [
      { type: "microsoft.graph.user", property: "mailFolders" },
      { type: "microsoft.graph.mailFolder", property: "messages" },
    ],
    reads: [...Object.keys(messageProperties), "singleValueExtendedProperties"],
    writes: [],
    latency: "mailboxSettings",
    bucket: "outlook",
    cost: 1,
    permissions: mailRead,
    handle(call) {
      pathMailbox(call);
      const matches = messageFilter(call.query.$filter);
      const rows = folderMessages(call).filter(matches).reverse().map(messageView);
      // $filter is applied above; the shared list planner handles $select, $top, $orderby and paging.
      const rest: GraphCall = { ...call, query: { ...call.query, $filter: undefined } };
      return listResult(
        rest,
        messages,
        () => rows,
        `users('${call.params.id}')/mailFolders('${call.params.folderId}')/messages`,
      );
    },
  },
];
