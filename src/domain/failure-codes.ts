import type { ErrorKind } from "./errors.ts";

/**
 * Every code a step may fail with, in one casing, with the kind it usually comes with and what it means.
 * Actions and the engine branch on these, never on message text; the vendor's own code travels apart, in
 * `Failure.vendor`, exactly as sent. A test fails when code uses a code this table does not have.
 */
export const failureCodes = {
  // The engine's own.
  UNKNOWN_ACTION: { kind: "fatal", meaning: "no worker's catalogue has this step's action" },
  INVALID_PARAMS: { kind: "invalid", meaning: "the step's parameters do not match the action's schema" },
  NOT_VERIFIED: { kind: "fatal", meaning: "the re-read after the change did not show it" },
  WAIT_TIMED_OUT: {
    kind: "transient",
    meaning: "what the step waited for did not happen before its deadline",
  },
  APPROVAL_EXPIRED: { kind: "fatal", meaning: "nobody approved before the approval expired" },
  DEPENDENCY_FAILED: { kind: "fatal", meaning: "a call this one depends on (in the same batch) failed" },
  INTERNAL: { kind: "transient", meaning: "an unexpected error (a bug, or a dropped socket)" },
  // Configuration and credentials.
  NOT_CONFIGURED: {
    kind: "invalid",
    meaning: "the client has no connector (or credential) for a port the step needs",
  },
  MASTER_KEY_MISSING: { kind: "invalid", meaning: "no master key to open the credential store" },
  MASTER_KEY_INVALID: { kind: "invalid", meaning: "the master key is not 32 bytes of base64" },
  MASTER_KEY_UNKNOWN: {
    kind: "invalid",
    meaning: "a credential was sealed under a key that is not configured",
  },
  SECRET_TAMPERED: {
    kind: "fatal",
    meaning: "a sealed credential does not open: altered or copied under another name",
  },
  LINK_NOT_FOUND: { kind: "not-found", meaning: "the run or step has no one-time link" },
  LINK_SPENT: {
    kind: "conflict",
    meaning:
      "the one-time link was opened or has expired: its secret is gone, and a new link needs a new pass",
  },
  CLIENT_CONFIG_INVALID: { kind: "invalid", meaning: "the client's stored config does not parse any more" },
  CREDENTIAL_KIND_UNKNOWN: { kind: "invalid", meaning: "a stored credential has a kind no connector knows" },
  TEMPLATE_VARIABLE_UNKNOWN: {
    kind: "invalid",
    meaning: "a template uses a variable the client does not define",
  },
  TEMPLATE_INVALID: { kind: "invalid", meaning: "a template cannot be rendered" },
  // What the client's systems hold (or lack).
  USER_NOT_FOUND: { kind: "not-found", meaning: "the person is not in the directory" },
  MANAGER_NOT_FOUND: { kind: "not-found", meaning: "the named manager is not in the directory" },
  NO_MANAGER: { kind: "not-found", meaning: "the person has no manager to hand over to" },
  COPY_FROM_NOT_FOUND: { kind: "not-found", meaning: "the copy-from template user is not in the directory" },
  GROUP_NOT_FOUND: { kind: "invalid", meaning: "a group or list the client's config names does not exist" },
  TICKET_NOT_FOUND: {
    kind: "not-found",
    meaning: "the PSA ticket a run logs to is not (or no longer) in the PSA",
  },
  CONTACT_NOT_FOUND: { kind: "not-found", meaning: "the PSA contact a step changes is not in the PSA" },
  MAILBOX_NOT_FOUND: { kind: "not-found", meaning: "the person has no mailbox" },
  RECIPIENT_NOT_FOUND: { kind: "not-found", meaning: "the mail system does not know the address (yet)" },
  SKU_NOT_FOUND: { kind: "invalid", meaning: "the licence the config names is not one the tenant has" },
  NO_FREE_SEATS: { kind: "invalid", meaning: "every seat of the licence is in use" },
  NO_USAGE_LOCATION: { kind: "invalid", meaning: "a licence needs a usage location and there is none" },
  GROUP_LICENSE_ERROR: {
    kind: "invalid",
    meaning: "the directory could not assign a licence through a group (its own code is in the message)",
  },
  UPN_TAKEN: { kind: "conflict", meaning: "the sign-in name is taken by someone else" },
  FORWARD_TO_SELF: { kind: "invalid", meaning: "mail cannot be forwarded to the mailbox itself" },
  NO_SENDER: { kind: "invalid", meaning: "the client names no mailbox to send from" },
  AUTOPILOT_DEVICE_NOT_FOUND: { kind: "not-found", meaning: "no Autopilot device has the serial number" },
  AUTOPILOT_DEVICE_ASSIGNED: { kind: "conflict", meaning: "the device is assigned to somebody else" },
  PASSWORD_METHOD: { kind: "invalid", meaning: "the password method cannot be removed" },
  UNKNOWN_METHOD_TYPE: {
    kind: "invalid",
    meaning: "an authentication method of a type that cannot be removed here",
  },
  PSA_STATUS_NOT_FOUND: {
    kind: "invalid",
    meaning: "the ticket status the client's config names is not one of the board's statuses",
  },
  NO_PASS_RETURNED: { kind: "fatal", meaning: "the vendor created a pass but did not return it" },
  // What a vendor answered, mapped once in the connector's table.
  ALREADY_MEMBER: { kind: "conflict", meaning: "already a member" },
  NOT_A_MEMBER: { kind: "not-found", meaning: "not a member" },
  ALREADY_EXISTS: { kind: "conflict", meaning: "the object or permission exists already" },
  VALUE_CONFLICT: { kind: "conflict", meaning: "another object has the same value for a unique property" },
  OBJECT_NOT_FOUND: { kind: "not-found", meaning: "the vendor does not find the object" },
  AMBIGUOUS: { kind: "invalid", meaning: "the identity matches more than one object" },
  THROTTLED: { kind: "throttled", meaning: "the vendor asked us to slow down" },
  TIMEOUT: { kind: "transient", meaning: "the vendor did not answer in time" },
  NETWORK_ERROR: { kind: "transient", meaning: "the connection failed before an answer" },
  ABORTED: { kind: "transient", meaning: "the step gave up the call: its lease was lost or it was stopped" },
  VENDOR_UNAVAILABLE: { kind: "transient", meaning: "the vendor failed on its side (a 5xx): may work later" },
  VENDOR_CONFLICT: {
    kind: "conflict",
    meaning: "the vendor refused the change as conflicting with its state",
  },
  MALFORMED_RESPONSE: { kind: "transient", meaning: "the vendor's answer was not what its API describes" },
  EMPTY_REPLY: { kind: "transient", meaning: "the vendor answered with nothing where an object was due" },
  AUTH_FAILED: { kind: "permission", meaning: "the vendor refused the credential or the token request" },
  FORBIDDEN: { kind: "permission", meaning: "the credential lacks a permission or role for the call" },
  VENDOR_INVALID: { kind: "invalid", meaning: "the vendor refused the request as invalid" },
  PSA_NOTE_TYPE_REQUIRED: {
    kind: "invalid",
    meaning: "the PSA wants a note type (outcome) on a note, and the client's config names none it accepts",
  },
  PSA_SEARCH_REFUSED: {
    kind: "invalid",
    meaning: "the PSA refused to search on the field the client's config names (not searchable there)",
  },
  VENDOR_ERROR: { kind: "fatal", meaning: "another vendor failure: its own code is in the vendor detail" },
  // PSA connectors.
  PSA_ID_INVALID: { kind: "invalid", meaning: "an id handed to the PSA is not one it could have issued" },
  PSA_VALUE_INVALID: {
    kind: "invalid",
    meaning: "a value does not fit the PSA's field (too long, or a character it cannot keep)",
  },
  PSA_CONFIG_VALUE_UNKNOWN: {
    kind: "invalid",
    meaning:
      "a value the client's config names for a PSA field (a status, queue, priority, note type, communication type …) is not one the PSA has for that field",
  },
  AUTOTASK_THRESHOLD_EXCEEDED: {
    kind: "throttled",
    meaning: "Autotask suspended API access: the database's hourly request threshold is used up",
  },
  AUTOTASK_ZONE_UNKNOWN: {
    kind: "invalid",
    meaning: "Autotask's zone discovery knows no zone for the API user (or named an unusable one)",
  },
  // RMM connectors.
  NOT_SUPPORTED: {
    kind: "invalid",
    meaning: "the system has no such thing to change (Datto RMM keeps no end users): the step is skipped",
  },
  // Submissions.
  IDEMPOTENCY_KEY_REUSED: {
    kind: "conflict",
    meaning: "an Idempotency-Key was sent again with a different body: the first request's run stands",
  },
  RUN_STARTED: {
    kind: "conflict",
    meaning: "the run has begun (or ended): what was asked applies only before its start, as a reschedule",
  },
} as const satisfies Record<string, { kind: ErrorKind; meaning: string }>;

export type FailureCode = keyof typeof failureCodes;

export const isFailureCode = (s: string): s is FailureCode => Object.hasOwn(failureCodes, s);
