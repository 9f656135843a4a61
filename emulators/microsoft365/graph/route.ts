import type { TableRoute } from "../../kit/routes.ts";
import type { AuthInfo } from "../auth.ts";
import type { EmulatorContext } from "../context.ts";
import type { Json } from "../json.ts";
import type { LatencyClass } from "../latency.ts";
import type { Tenant } from "../model.ts";
import type { BucketKind } from "../throttling.ts";

/**
 * A Graph route as data: what it is (for surface.ts and the contract test), what it costs and how
 * slow it is (for the pipeline), and a handler that knows nothing of Fastify.
 */

export interface GraphCall {
  ctx: EmulatorContext;
  tenant: Tenant;
  auth: AuthInfo;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  body: unknown;
  consistencyLevel: string | undefined;
  /** Scheme and host the client used; links in responses point back here. */
  origin: string;
  /** The path and query as requested, for Intune's error texts. */
  url: string;
  now: number;
  requestId: string;
}

export interface GraphResult {
  status: number;
  body?: Json;
  /** A text/plain body, e.g. the number answered by /$count. */
  text?: string;
  headers?: Record<string, string>;
}

export interface GraphRoute extends TableRoute {
  /** Graph's own path under /v1.0, parameters in braces: "/users/{id}/assignLicense". */
  path: string;
  /** The CSDL type of what the route returns or writes, e.g. "microsoft.graph.user". */
  entityType: string;
  /** Properties of `entityType` the route returns or filters on. */
  reads: readonly string[];
  /** Properties of `entityType` the route accepts in its body. */
  writes: readonly string[];
  /** Navigation or structural properties the path walks, in order: users/{id}/memberOf is user.memberOf. */
  via?: readonly { type: string; property: string }[];
  /** A bound action at the end of the path, with the body parameters the route reads. */
  action?: { name: string; bindingType: string; parameters: readonly string[] };
  latency: LatencyClass;
  bucket: BucketKind;
  /** Identity resource units before the $select/$expand/$top adjustments (reference §0.4). */
  cost: number;
  /** App roles of which the caller needs one. */
  permissions: readonly string[];
  /** Intune answers refusals and misses in its own stringified shape (reference §12). */
  intune?: boolean;
  handle(call: GraphCall): GraphResult | Promise<GraphResult>;
}

export const perm = {
  userRead: ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  userWrite: ["User.ReadWrite.All", "Directory.ReadWrite.All"],
  groupRead: [
    "Group.Read.All",
    "Group.ReadWrite.All",
    "GroupMember.Read.All",
    "GroupMember.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
  ],
  memberWrite: ["GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"],
  skuRead: [
    "Organization.Read.All",
    "Organization.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
    "LicenseAssignment.Read.All",
    "LicenseAssignment.ReadWrite.All",
  ],
  licenseWrite: ["LicenseAssignment.ReadWrite.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
  authRead: ["UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All"],
  authWrite: ["UserAuthenticationMethod.ReadWrite.All"],
  mailboxRead: ["MailboxSettings.Read", "MailboxSettings.ReadWrite"],
  mailboxWrite: ["MailboxSettings.ReadWrite"],
  mailSend: ["Mail.Send"],
  deviceRead: ["DeviceManagementManagedDevices.Read.All", "DeviceManagementManagedDevices.ReadWrite.All"],
  deviceRetire: ["DeviceManagementManagedDevices.PrivilegedOperations.All"],
  deviceWipe: [
    "DeviceManagementManagedDevices.PrivilegedOperations.All",
    "DeviceManagementManagedDevices.ReadWrite.All",
  ],
  autopilotRead: ["DeviceManagementServiceConfig.Read.All", "DeviceManagementServiceConfig.ReadWrite.All"],
  autopilotWrite: ["DeviceManagementServiceConfig.ReadWrite.All"],
} as const;

/** `@odata.context` for an entity set or a single entity, pointing at this emulator's $metadata. */
export function contextUrl(call: GraphCall, fragment: string): string {
  return `${call.origin}/v1.0/$metadata#${fragment}`;
}
