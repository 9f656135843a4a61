import { graphErrors } from "../errors.ts";
import { getCaseless, isObject, type Json, type JsonObject } from "../json.ts";
import type { Tenant } from "../model.ts";
import { userView } from "../directory/users.ts";
import { groupView } from "../directory/groups.ts";
import { groupProperties, userProperties, type PropSpec } from "../directory/properties.ts";

/** `{"@odata.id": ".../directoryObjects/{id}"}` bodies and directoryObject answers. */

export function refTarget(body: unknown): string {
  const raw = isObject(body) ? getCaseless(body, "@odata.id") : undefined;
  if (typeof raw !== "string" || !raw.trim()) {
    throw graphErrors.badRequest("Invalid request body: the '@odata.id' property is missing or empty.");
  }
  const match = /(?:directoryObjects|users|groups)\/([^/?]+)\s*$/i.exec(raw.trim());
  if (!match) throw graphErrors.badRequest(`Invalid object identifier '${raw}'.`);
  return decodeURIComponent(match[1] as string);
}

/** A user or group as member and memberOf collections hold it: every property, typed. */
export function directoryObjectView(tenant: Tenant, id: string, now: number): JsonObject | undefined {
  const user = tenant.users.get(id);
  if (user) return { "@odata.type": "#microsoft.graph.user", ...userView(tenant, user, now) };
  const group = tenant.groups.get(id);
  if (group) return { "@odata.type": "#microsoft.graph.group", ...groupView(tenant, group) };
  return undefined;
}

export function defaultsByType(row: Record<string, Json>): Record<string, PropSpec> {
  return row["@odata.type"] === "#microsoft.graph.group" ? groupProperties : userProperties;
}
