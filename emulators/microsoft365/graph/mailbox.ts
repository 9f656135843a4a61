import { randomUUID } from "node:crypto";
import { readyMailbox, primarySmtp, userPurpose } from "../directory/mailboxes.ts";
import { GraphError, graphErrors } from "../errors.ts";
import { getCaseless, isObject, type Json, type JsonObject } from "../json.ts";
import type { AutoReply, MailboxRecord } from "../model.ts";
import { contextUrl, perm, type GraphCall, type GraphRoute } from "./route.ts";
import { pathUser } from "./users.ts";

/**
 * mailboxSettings and sendMail (reference §13). Both need a provisioned mailbox and answer
 * MailboxNotEnabledForRESTAPI (404) before it exists. Automatic replies share state with the
 * Exchange cmdlets, so either route sees what the other set.
 */

const statusToGraph = { Enabled: "alwaysEnabled", Disabled: "disabled", Scheduled: "scheduled" } as const;
const audienceToGraph = { None: "none", Known: "contactsOnly", All: "all" } as const;

export function pathMailbox(call: GraphCall): MailboxRecord {
  const user = pathUser(call);
  const mailbox = readyMailbox(call.tenant, user.id, call.now);
  if (!mailbox) throw graphErrors.mailboxNotEnabled();
  return mailbox;
}

function dateTimeTimeZone(ms: number): JsonObject {
  return { dateTime: `${new Date(ms).toISOString().slice(0, 19)}.0000000`, timeZone: "UTC" };
}

function automaticReplies(reply: AutoReply): JsonObject {
  return {
    status: statusToGraph[reply.state],
    externalAudience: audienceToGraph[reply.externalAudience],
    internalReplyMessage: reply.internalMessage,
    externalReplyMessage: reply.externalMessage,
    scheduledStartDateTime: dateTimeTimeZone(reply.startTime),
    scheduledEndDateTime: dateTimeTimeZone(reply.endTime),
  };
}

function settingsView(mailbox: MailboxRecord): JsonObject {
  return {
    archiveFolder: mailbox.settings.archiveFolder ?? null,
    timeZone: mailbox.settings.timeZone ?? "UTC",
    automaticRepliesSetting: automaticReplies(mailbox.autoReply),
    language: mailbox.settings.language ?? null,
    workingHours: mailbox.settings.workingHours ?? null,
    userPurpose: userPurpose(mailbox.type),
    dateFormat: mailbox.settings.dateFormat ?? null,
    timeFormat: mailbox.settings.timeFormat ?? null,
    delegateMeetingMessageDeliveryOptions: mailbox.settings.delegateMeetingMessageDeliveryOptions ?? null,
  };
}

const unknownProperty = (name: string, type: string): GraphError =>
  graphErrors.mailboxSettingsBody(
    `The property '${name}' does not exist on type '${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
  );

const badLiteral = (value: unknown, type: string): GraphError =>
  graphErrors.mailboxSettingsBody(
    `Cannot convert the literal '${String(value)}' to the expected type '${type}'.`,
  );

function parseDateTimeTimeZone(value: unknown, name: string): number {
  const raw = isObject(value) ? getCaseless(value, "dateTime") : undefined;
  const ms = typeof raw === "string" ? Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(raw) ? raw : `${raw}Z`) : NaN;
  if (Number.isNaN(ms)) throw badLiteral(JSON.stringify(value), `microsoft.graph.dateTimeTimeZone (${name})`);
  return ms;
}

function patchAutomaticReplies(reply: AutoReply, value: unknown): void {
  if (!isObject(value)) throw badLiteral(value, "microsoft.graph.automaticRepliesSetting");
  for (const [key, v] of Object.entries(value)) {
    const name = key.toLowerCase();
    if (name === "status") {
      const state = Object.entries(statusToGraph).find(
        ([, g]) => g.toLowerCase() === String(v).toLowerCase(),
      )?.[0];
      if (!state) throw badLiteral(v, "microsoft.graph.automaticRepliesStatus");
      reply.state = state as AutoReply["state"];
    } else if (name === "externalaudience") {
      const audience = Object.entries(audienceToGraph).find(
        ([, g]) => g.toLowerCase() === String(v).toLowerCase(),
      )?.[0];
      if (!audience) throw badLiteral(v, "microsoft.graph.externalAudienceScope");
      reply.externalAudience = audience as AutoReply["externalAudience"];
    } else if (name === "internalreplymessage" || name === "externalreplymessage") {
      if (typeof v !== "string") throw badLiteral(v, "Edm.String");
      if (name === "internalreplymessage") reply.internalMessage = v;
      else reply.externalMessage = v;
    } else if (name === "scheduledstartdatetime") {
      reply.startTime = parseDateTimeTimeZone(v, key);
    } else if (name === "scheduledenddatetime") {
      reply.endTime = parseDateTimeTimeZone(v, key);
    } else if (!key.startsWith("@odata.")) {
      throw unknownProperty(key, "microsoft.graph.automaticRepliesSetting");
    }
  }
}

const plainSettings = [
  "timeZone",
  "language",
  "dateFormat",
  "timeFormat",
  "workingHours",
  "delegateMeetingMessageDeliveryOptions",
];

function patchSettings(mailbox: MailboxRecord, body: unknown): JsonObject {
  if (!isObject(body)) throw graphErrors.unreadableJson();
  const changed: JsonObject = {};
  for (const [key, value] of Object.entries(body)) {
    if (key.startsWith("@odata.")) continue;
    if (key.toLowerCase() === "userpurpose") throw graphErrors.userPurposeReadOnly();
    if (key.toLowerCase() === "automaticrepliessetting") {
      patchAutomaticReplies(mailbox.autoReply, value);
      changed.automaticRepliesSetting = automaticReplies(mailbox.autoReply);
      continue;
    }
    const name = plainSettings.find((p) => p.toLowerCase() === key.toLowerCase());
    if (!name) throw unknownProperty(key, "microsoft.graph.mailboxSettings");
    mailbox.settings[name] = value as Json;
    changed[name] = value as Json;
  }
  return changed;
}

function addresses(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((r) => {
    const email = isObject(r) ? getCaseless(r, "emailAddress") : undefined;
    const address = isObject(email) ? getCaseless(email, "address") : undefined;
    return typeof address === "string" ? [address] : [];
  });
}

export const mailboxRoutes: GraphRoute[] = [
  {
    method: "GET",
    path: "/users/{id}/mailboxSettings",
    entityType: "microsoft.graph.mailboxSettings",
    reads: [
      "archiveFolder",
      "automaticRepliesSetting",
      "dateFormat",
      "delegateMeetingMessageDeliveryOptions",
      "language",
      "timeFormat",
      "timeZone",
      "userPurpose",
      "workingHours",
    ],
    writes: [],
    via: [{ type: "microsoft.graph.user", property: "mailboxSettings" }],
    latency: "mailboxSettings",
    bucket: "outlook",
    cost: 1,
    permissions: perm.mailboxRead,
    handle(call) {
      const context = contextUrl(call, `users('${call.params.id}')/mailboxSettings`);
      return { status: 200, body: { "@odata.context": context, ...settingsView(pathMailbox(call)) } };
    },
  },
  {
    method: "PATCH",
    path: "/users/{id}/mailboxSettings",
    entityType: "microsoft.graph.mailboxSettings",
    reads: ["automaticRepliesSetting"],
    writes: [
      "automaticRepliesSetting",
      "timeZone",
      "language",
      "dateFormat",
      "timeFormat",
      "workingHours",
      "delegateMeetingMessageDeliveryOptions",
    ],
    via: [{ type: "microsoft.graph.user", property: "mailboxSettings" }],
    latency: "mailboxSettings",
    bucket: "outlook",
    cost: 1,
    permissions: perm.mailboxWrite,
    handle(call) {
      const changed = patchSettings(pathMailbox(call), call.body);
      const context = contextUrl(call, `users('${call.params.id}')/mailboxSettings`);
      return { status: 200, body: { "@odata.context": context, ...changed } };
    },
  },
  {
    method: "POST",
    path: "/users/{id}/sendMail",
    entityType: "microsoft.graph.user",
    reads: [],
    writes: [],
    action: {
      name: "sendMail",
      bindingType: "microsoft.graph.user",
      parameters: ["Message", "SaveToSentItems"],
    },
    latency: "sendMail",
    bucket: "outlook",
    cost: 1,
    permissions: perm.mailSend,
    handle(call) {
      const user = pathUser(call);
      pathMailbox(call);
      const body = isObject(call.body) ? call.body : {};
      const message = getCaseless(body, "message");
      if (!isObject(message)) {
        throw new GraphError(
          400,
          "ErrorInvalidRequest",
          "The message parameter is missing or is not a message.",
        );
      }
      const to = addresses(getCaseless(message, "toRecipients"));
      const cc = addresses(getCaseless(message, "ccRecipients"));
      const bcc = addresses(getCaseless(message, "bccRecipients"));
      if (to.length + cc.length + bcc.length === 0) throw graphErrors.invalidRecipients();
      const content = getCaseless(message, "body");
      call.tenant.sentMail.push({
        id: randomUUID(),
        at: new Date(call.now).toISOString(),
        fromUserId: user.id,
        from: primarySmtp(user),
        toRecipients: to,
        ccRecipients: cc,
        bccRecipients: bcc,
        subject: String(getCaseless(message, "subject") ?? ""),
        contentType: String((isObject(content) && getCaseless(content, "contentType")) || "Text"),
        content: String((isObject(content) && getCaseless(content, "content")) || ""),
        saveToSentItems: getCaseless(body, "saveToSentItems") !== false,
        message: JSON.parse(JSON.stringify(message)) as JsonObject,
      });
      return { status: 202 };
    },
  },
];
