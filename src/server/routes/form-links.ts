import { z } from "zod";
import type { PortsResolver } from "../../composition/client-ports.ts";
import { peopleSearch, searchClientPeople } from "../../composition/public-forms.ts";
import {
  issueFormLink,
  listFormLinks,
  revokeFormLink,
  type FormLinkRecord,
} from "../../credentials/form-links.ts";
import { linkBase } from "../../credentials/one-time-links.ts";
import { appendAudit } from "../../store/audit.ts";
import { getClient } from "../../store/clients-repo.ts";
import type { Store } from "../../store/sql.ts";
import { ApiError, bodyErrors, errorResponses } from "../errors.ts";
import { clientFromParams, principalOf } from "../principal.ts";
import { formLinkPath, people, peopleQuery } from "../public-form-schemas.ts";
import type { RoutePlugin } from "./plugin.ts";

const clientParams = z.strictObject({ id: z.string().min(1).max(100) });
const linkParams = clientParams.extend({
  linkId: z.guid({ error: "must be a form link id (a UUID)" }).describe("The form link's id."),
});

const newLink = z.strictObject({
  kind: z.enum(["onboard", "offboard"]).describe("The form the link opens."),
  label: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[^\p{Cc}]*$/u, { error: "must be one line of text" })
    .optional()
    .describe('Who or what the link is for, as the list shows it ("HR, Jane Roe").'),
  days: z.int().min(1).max(365).default(30).describe("How many days the link works."),
});

const linkView = z.object({
  id: z.string(),
  kind: z.enum(["onboard", "offboard"]),
  label: z.string().nullable(),
  expiresAt: z.date(),
  createdAt: z.date(),
  createdBy: z.string(),
  revokedAt: z.date().nullable(),
  state: z.enum(["active", "expired", "revoked"]),
});

const issued = z
  .object({
    id: z.string(),
    kind: z.enum(["onboard", "offboard"]),
    label: z.string().nullable(),
    expiresAt: z.date(),
    url: z.string().describe("The link to hand to the client: shown in this answer only, never again."),
  })
  .describe("The link was made; its token is in `url` and is kept nowhere but as a hash.");

const viewOf = ({ clientId: _c, ...link }: FormLinkRecord) => link;

export interface FormLinkDeps {
  store: Store;
  now: () => Date;
  publicUrl: () => string | undefined;
  ports?: PortsResolver | undefined;
}

/** Staff make, list and revoke a client's form links, and search its directory as the form does. */
export const formLinkRoutes: RoutePlugin<FormLinkDeps> = async (app, { store, now, publicUrl, ports }) => {
  app.post(
    "/clients/:id/form-links",
    {
      config: { access: { permission: "configure", client: clientFromParams() } },
      schema: {
        summary: "Make a form link for a client's HR person or manager",
        description:
          "Multi-use until it expires or is revoked. The answer is the only one that holds the link's token.",
        tags: ["form links"],
        params: clientParams,
        body: newLink,
        response: { 201: issued, ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND", ...bodyErrors) },
      },
    },
    async (request, reply) => {
      const clientId = request.params.id;
      if (!(await getClient(store, clientId)))
        throw new ApiError("LC_ERR_NOT_FOUND", `no client "${clientId}"`);
      // Before anything is stored: a link no one can open is not made.
      const base = linkBase(publicUrl, "form links");
      const { kind, label, days } = request.body;
      const at = now();
      const actor = principalOf(request).email;
      const made = await store.tx(async (sql) => {
        const out = await issueFormLink(
          sql,
          { clientId, kind, label, expiresAt: new Date(at.getTime() + days * 86_400_000), createdBy: actor },
          at,
        );
        await appendAudit(sql, {
          actor,
          action: "form-link.issue",
          subject: out.link.id,
          detail: {
            client: clientId,
            kind,
            label: label ?? null,
            expiresAt: out.link.expiresAt.toISOString(),
          },
        });
        return out;
      });
      const { id, expiresAt } = made.link;
      return reply
        .code(201)
        .header("cache-control", "no-store")
        .send({ id, kind, label: label ?? null, expiresAt, url: `${base}${formLinkPath(made.token)}` });
    },
  );

  app.get(
    "/clients/:id/form-links",
    {
      config: { access: { permission: "configure", client: clientFromParams() } },
      schema: {
        summary: "A client's form links, newest first, without their tokens",
        tags: ["form links"],
        params: clientParams,
        response: { 200: z.array(linkView), ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND") },
      },
    },
    async (request) => {
      const clientId = request.params.id;
      if (!(await getClient(store, clientId)))
        throw new ApiError("LC_ERR_NOT_FOUND", `no client "${clientId}"`);
      return (await listFormLinks(store, clientId, now())).map(viewOf);
    },
  );

  app.delete(
    "/clients/:id/form-links/:linkId",
    {
      config: { access: { permission: "configure", client: clientFromParams() } },
      schema: {
        summary: "Revoke a form link: it opens nothing from now on",
        description: "Revoking a revoked link changes nothing and answers it as it is.",
        tags: ["form links"],
        params: linkParams,
        response: { 200: linkView, ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND") },
      },
    },
    async (request) => {
      const { id: clientId, linkId } = request.params;
      const actor = principalOf(request).email;
      const result = await store.tx(async (sql) => {
        const out = await revokeFormLink(sql, clientId, linkId, actor, now());
        if (out?.revoked)
          await appendAudit(sql, {
            actor,
            action: "form-link.revoke",
            subject: linkId,
            detail: { client: clientId, kind: out.link.kind },
          });
        return out;
      });
      if (!result) throw new ApiError("LC_ERR_NOT_FOUND", `client "${clientId}" has no form link ${linkId}`);
      return viewOf(result.link);
    },
  );

  app.get(
    "/clients/:id/people",
    {
      config: { access: { permission: "read", client: clientFromParams() } },
      schema: {
        summary: "People of the client's directory whose name or address starts with q",
        description: `At most ${peopleSearch.limit}; none when the client has no directory.`,
        tags: ["clients"],
        params: clientParams,
        querystring: peopleQuery,
        response: { 200: people, ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND") },
      },
    },
    async (request) => {
      const client = await getClient(store, request.params.id);
      if (!client) throw new ApiError("LC_ERR_NOT_FOUND", `no client "${request.params.id}"`);
      return { people: await searchClientPeople(ports, client, request.query.q) };
    },
  );
};
