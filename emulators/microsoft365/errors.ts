import { OAuthError } from "../kit/oauth2.ts";
import type { Json, JsonObject } from "./json.ts";

/**
 * Every error the emulator sends is one of three vendor shapes: Graph's OData error, the identity
 * platform's AADSTS error and the Exchange admin API's cmdlet error. Handlers throw these; the HTTP
 * layer renders them with the request's ids. Texts come from reference/microsoft365-api.md; the ones
 * marked "unconfirmed" there are marked here too, so nobody mistakes them for captures.
 */

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { details?: Json[]; headers?: Record<string, string>; throttled?: boolean } = {},
  ) {
    super(message);
  }
}

const resourceMissing = (what: string): string =>
  `Resource '${what}' does not exist or one of its queried reference-property objects are not present.`;

export const graphErrors = {
  notFound: (what: string) => new GraphError(404, "Request_ResourceNotFound", resourceMissing(what)),
  noManager: () => new GraphError(404, "Request_ResourceNotFound", resourceMissing("manager")),
  duplicate: (property: string) =>
    new GraphError(
      400,
      "Request_BadRequest",
      `Another object with the same value for property ${property} already exists.`,
      {
        details: [{ target: property, code: "ObjectConflict" }],
      },
    ),
  alreadyMember: () =>
    new GraphError(
      400,
      "Request_BadRequest",
      "One or more added object references already exist for the following modified properties: 'members'.",
    ),
  notMember: () =>
    new GraphError(
      400,
      "Request_BadRequest",
      "One or more removed object references do not exist for the following modified properties: 'members'.",
    ),
  mailEnabledGroup: () =>
    new GraphError(
      400,
      "Request_BadRequest",
      "Cannot Update a mail-enabled security groups and or distribution list.",
    ),
  externallyMastered: () =>
    new GraphError(
      400,
      "Request_BadRequest",
      "Unable to update the specified properties for objects that have originated within an external service.",
    ),
  // Unconfirmed: the text Graph sends for a member add on a dynamic group.
  dynamicGroup: () =>
    new GraphError(
      400,
      "Request_BadRequest",
      "Insufficient privileges to complete the operation. Dynamic membership groups do not accept member changes.",
    ),
  invalidUsageLocation: () =>
    new GraphError(
      400,
      "Request_BadRequest",
      "License assignment cannot be done for user with invalid usage location.",
    ),
  // Unconfirmed: corroborated only by third-party mocks (reference §7).
  noSeats: (skuId: string) =>
    new GraphError(
      400,
      "Request_BadRequest",
      `Subscription with SKU ${skuId} does not have any available licenses.`,
    ),
  unknownSku: (skuId: string) =>
    new GraphError(
      400,
      "Request_BadRequest",
      `License ${skuId} does not correspond to a valid company License.`,
    ),
  // Unconfirmed (reference §20): removing a license the user does not have.
  licenseNotAssigned: () =>
    new GraphError(400, "Request_BadRequest", "User does not have a corresponding license."),
  inheritedLicense: () =>
    new GraphError(
      400,
      "Request_BadRequest",
      "User license is inherited from a group membership and it cannot be removed directly from the user.",
    ),
  badRequest: (message: string) => new GraphError(400, "Request_BadRequest", message),
  invalidValue: (property: string, resource: string) =>
    new GraphError(
      400,
      "Request_BadRequest",
      `Invalid value specified for property '${property}' of resource '${resource}'.`,
    ),
  unknownProperty: (property: string) =>
    new GraphError(
      400,
      "Request_BadRequest",
      `Property '${property}' does not exist as a declared property or extension property.`,
    ),
  readOnlyProperty: (property: string) =>
    new GraphError(400, "Request_BadRequest", `Property '${property}' is read-only and cannot be set.`),
  unsupportedQuery: (message = "Unsupported Query.") =>
    new GraphError(400, "Request_UnsupportedQuery", message),
  notIndexed: () =>
    new GraphError(400, "Request_UnsupportedQuery", "The request uses a filter property that is not indexed"),
  searchNeedsHeader: () =>
    new GraphError(
      400,
      "Request_UnsupportedQuery",
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    ),
  countNotSupported: () => new GraphError(400, "Request_BadRequest", "$count is not currently supported."),
  pageSize: (raw: string) =>
    new GraphError(
      400,
      "Request_BadRequest",
      `Invalid page size specified: '${raw}'. Must be between 1 and 999 inclusive.`,
    ),
  unknownSelect: (property: string, type: string) =>
    new GraphError(
      400,
      "BadRequest",
      `Parsing OData Select and Expand failed: Could not find a property named '${property}' on type '${type}'.`,
    ),
  expandStructural: (property: string, type: string) =>
    new GraphError(
      400,
      "BadRequest",
      `Parsing OData Select and Expand failed: Property '${property}' on type '${type}' is not a navigation property or complex property. Only navigation properties can be expanded.`,
    ),
  // Graph's text for an expansion it cannot parse; here it also answers expansions Graph would serve,
  // because the emulator implements none (README, "What is not modelled").
  expandUnsupported: () => new GraphError(400, "BadRequest", "Parsing Select and Expand failed."),
  filterProperty: (property: string, type: string) =>
    new GraphError(
      400,
      "Request_BadRequest",
      `Could not find a property named '${property}' on type '${type}'.`,
    ),
  invalidFilter: () => new GraphError(400, "Request_BadRequest", "Invalid filter clause"),
  sortingNotSupported: () =>
    new GraphError(400, "Request_UnsupportedQuery", "Sorting not supported for current query."),
  unreadableJson: () =>
    new GraphError(
      400,
      "BadRequest",
      "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
    ),
  segment: (segment: string) =>
    new GraphError(400, "BadRequest", `Resource not found for the segment '${segment}'.`),
  methodNotAllowed: () =>
    new GraphError(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target."),
  throttled: (headers: Record<string, string>) =>
    new GraphError(429, "TooManyRequests", "Please retry again later.", { headers, throttled: true }),
  forbidden: () =>
    new GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."),
  tokenEmpty: () => unauthenticated("Access token is empty."),
  tokenMalformed: () => unauthenticated("CompactToken parsing failed with error code: 80049217"),
  tokenExpired: () => unauthenticated("Access token has expired."),
  tokenInvalid: () => unauthenticated("Access token validation failure."),
  tokenAudience: () => unauthenticated("Access token validation failure. Invalid audience."),
  mailboxNotEnabled: () =>
    new GraphError(
      404,
      "MailboxNotEnabledForRESTAPI",
      "The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
    ),
  invalidRecipients: () =>
    new GraphError(
      400,
      "ErrorInvalidRecipients",
      "At least one recipient is not valid., A message can't be sent because it contains no recipients.",
    ),
  mailboxSettingsBody: (message: string) => new GraphError(400, "RequestBodyRead", message),
  // Unconfirmed: v1.0 documents userPurpose as read-only; the text of the refusal is not captured.
  userPurposeReadOnly: () =>
    new GraphError(
      400,
      "ErrorInvalidRequest",
      "The property 'userPurpose' is read-only and can't be changed.",
    ),
};

function unauthenticated(message: string): GraphError {
  return new GraphError(401, "InvalidAuthenticationToken", message, {
    headers: {
      "WWW-Authenticate":
        'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
    },
  });
}

/**
 * Intune wraps its own error document, stringified, inside Graph's `message` (reference §12).
 * The activity id ties the inner text to the outer request id as the real service does.
 */
export function intuneError(
  status: number,
  code: string,
  text: string,
  activityId: string,
  url: string,
): GraphError {
  const inner: JsonObject = {
    _version: 3,
    Message: `${text} - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - Activity ID: ${activityId} - Url: ${url}`,
    CustomApiErrorPhrase: "",
    RetryAfter: null,
    ErrorSourceService: "",
    HttpHeaders: "{}",
  };
  return new GraphError(status, code, JSON.stringify(inner));
}

/** An identity platform (login.microsoftonline.com) error: `error` is the OAuth code, `aadsts` the number. */
export class AadError extends OAuthError {
  constructor(
    status: number,
    error: string,
    readonly aadsts: number,
    readonly text: string,
  ) {
    super(status, error, `AADSTS${aadsts}: ${text}`);
  }
}

export const aadErrors = {
  tenantNotFound: (tenant: string) =>
    new AadError(
      400,
      "invalid_request",
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    ),
  tenantIdentifier: (tenant: string) =>
    new AadError(
      400,
      "invalid_request",
      900023,
      `Specified tenant identifier '${tenant}' is neither a valid DNS name, nor a valid external domain.`,
    ),
  missingParameter: (name: string) =>
    new AadError(
      400,
      "invalid_request",
      900144,
      `The request body must contain the following parameter: '${name}'.`,
    ),
  missingCredential: () =>
    new AadError(
      401,
      "invalid_client",
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  badSecret: (clientId: string) =>
    new AadError(
      401,
      "invalid_client",
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    ),
  appNotFound: (clientId: string, tenantName: string) =>
    new AadError(
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  noConsent: (clientId: string, appName: string) =>
    new AadError(
      400,
      "invalid_grant",
      65001,
      `The user or administrator has not consented to use the application with ID '${clientId}' named '${appName}'. Send an interactive authorization request for this user and resource.`,
    ),
  scopeMissing: () =>
    new AadError(
      400,
      "invalid_request",
      70011,
      "The provided request must include a 'scope' input parameter.",
    ),
  scopeInvalid: (scope: string) =>
    new AadError(
      400,
      "invalid_scope",
      70011,
      `The provided value for the input parameter 'scope' is not valid. The scope '${scope}' does not exist.`,
    ),
  scopeNotDefault: (scope: string) =>
    new AadError(
      400,
      "invalid_scope",
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    ),
  resourceNotFound: (resource: string, tenantName: string) =>
    new AadError(
      400,
      "invalid_resource",
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    ),
  unsupportedGrant: (grant: string) =>
    new AadError(
      400,
      "unsupported_grant_type",
      70003,
      `The app requested an unsupported grant type '${grant}'.`,
    ),
  refreshExpired: (issued: string) =>
    new AadError(
      400,
      "invalid_grant",
      700082,
      `The refresh token has expired due to inactivity. The token was issued on ${issued} and was inactive for 90.00:00:00.`,
    ),
  malformedGrant: () =>
    new AadError(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid."),
  // Unconfirmed: the codes below are the ones MSAL users report for assertion problems.
  assertionMalformed: () => new AadError(401, "invalid_client", 50027, "JWT token is invalid or malformed."),
  assertionClientMismatch: () =>
    new AadError(
      401,
      "invalid_client",
      700021,
      "Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://docs.microsoft.com/en-us/azure/active-directory/develop/active-directory-certificate-credentials .",
    ),
  assertionAudience: (aud: string) =>
    new AadError(
      401,
      "invalid_client",
      50027,
      `JWT token is invalid or malformed. The audience '${aud}' is not the token endpoint of this tenant.`,
    ),
  assertionExpired: () =>
    new AadError(401, "invalid_client", 700024, "Client assertion is not within its valid time range."),
  assertionCertificate: () =>
    new AadError(401, "invalid_client", 700027, "Client assertion failed signature validation."),
};

/**
 * An Exchange admin API cmdlet failure. `exCode` and `exceptionType` end up joined into the
 * `details[].message` string ("Ex6F9304|Type|text") that clients split on "|".
 */
export class ExoError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly exCode: string,
    readonly exceptionType: string,
    readonly text: string,
  ) {
    super(text);
  }
}

const notFoundType = "Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException";

export const exoErrors = {
  objectNotFound: (identity: string, server: string) =>
    new ExoError(
      404,
      "NotFound",
      "Ex6F9304",
      notFoundType,
      `The operation couldn't be performed because object '${identity}' couldn't be found on '${server}'.`,
    ),
  recipientNotFound: (identity: string) =>
    new ExoError(
      404,
      "NotFound",
      "Ex94914C",
      notFoundType,
      `Couldn't find object "${identity}". Please make sure that it was spelled correctly or specify a different object.`,
    ),
  // Unconfirmed: the ExNNNNNN prefixes and the HTTP status of non-NotFound cmdlet errors (reference §20).
  memberExists: (member: string, group: string) =>
    new ExoError(
      400,
      "BadRequest",
      "ExB7D2A1",
      "Microsoft.Exchange.Management.Tasks.MemberAlreadyExistsException",
      `The recipient "${member}" is already a member of the group "${group}".`,
    ),
  memberMissing: (member: string, group: string) =>
    new ExoError(
      400,
      "BadRequest",
      "Ex6DE8F1",
      "Microsoft.Exchange.Management.Tasks.MemberNotFoundException",
      `The recipient "${member}" isn't a member of the group "${group}".`,
    ),
  parameterMissing: (name: string, cmdlet: string) =>
    new ExoError(
      400,
      "BadRequest",
      "Ex2A1C70",
      "System.Management.Automation.ParameterBindingException",
      `Cannot process command because of one or more missing mandatory parameters: ${name}. (${cmdlet})`,
    ),
  parameterUnknown: (name: string) =>
    new ExoError(
      400,
      "BadRequest",
      "Ex2A1C71",
      "System.Management.Automation.ParameterBindingException",
      `A parameter cannot be found that matches parameter name '${name}'.`,
    ),
  parameterInvalid: (name: string, detail: string) =>
    new ExoError(
      400,
      "BadRequest",
      "Ex2A1C72",
      "System.Management.Automation.ParameterBindingException",
      `Cannot bind parameter '${name}'. ${detail}`,
    ),
  unknownCmdlet: (name: string) =>
    new ExoError(
      400,
      "BadRequest",
      "Ex9C4D02",
      "System.Management.Automation.CommandNotFoundException",
      `The term '${name}' is not recognized as a name of a cmdlet, function, script file, or executable program.`,
    ),
  invalidOperation: (text: string) =>
    new ExoError(
      400,
      "BadRequest",
      "Ex0B7A10",
      "Microsoft.Exchange.Configuration.Tasks.TaskInvalidOperationException",
      text,
    ),
};
