import { profileTables, type ProfileName } from "../kit/profiles.ts";

/**
 * How long each kind of call takes. `fast` is for unit tests (0–2 ms); `realistic` is calibrated so
 * that the onboarding steps of the product page, run strictly one after another with the calls listed
 * in `calibration` below, land at the page's sample times. README.md carries the same table.
 */

export const latencyClasses = [
  "token",
  "directoryRead",
  "directoryWrite",
  "groupMemberAdd",
  "licenseRead",
  "licenseAssign",
  "mailboxSettings",
  "sendMail",
  "exoRead",
  "exoWrite",
  "exoMailboxWrite",
  "intuneRead",
  "intuneAction",
] as const;
export type LatencyClass = (typeof latencyClasses)[number];

export { profileNames, type ProfileName } from "../kit/profiles.ts";

export const latencyProfiles = profileTables(latencyClasses, {
  token: { meanMs: 250, jitter: 0.2 },
  directoryRead: { meanMs: 300, jitter: 0.2 },
  directoryWrite: { meanMs: 1150, jitter: 0.2 },
  groupMemberAdd: { meanMs: 1800, jitter: 0.2 },
  licenseRead: { meanMs: 400, jitter: 0.2 },
  licenseAssign: { meanMs: 5900, jitter: 0.2 },
  mailboxSettings: { meanMs: 400, jitter: 0.2 },
  sendMail: { meanMs: 14600, jitter: 0.1 },
  exoRead: { meanMs: 1000, jitter: 0.2 },
  exoWrite: { meanMs: 2500, jitter: 0.2 },
  exoMailboxWrite: { meanMs: 3750, jitter: 0.2 },
  intuneRead: { meanMs: 1500, jitter: 0.2 },
  intuneAction: { meanMs: 3000, jitter: 0.2 },
});

/** The delays that belong to a profile; each can still be set on its own afterwards. */
export const profileDelays: Record<
  ProfileName,
  { mailboxProvisioningDelayMs: number; mailboxConversionDelayMs: number; deviceActionDelayMs: number }
> = {
  fast: { mailboxProvisioningDelayMs: 0, mailboxConversionDelayMs: 0, deviceActionDelayMs: 0 },
  realistic: {
    mailboxProvisioningDelayMs: 27_000,
    mailboxConversionDelayMs: 15_000,
    deviceActionDelayMs: 60_000,
  },
};

export interface CalibrationStep {
  step: string;
  /** Seconds after the run starts at which the product page shows the step done. */
  targetSeconds: number;
  /** The calls assumed for the step (plan read, apply, verify read), in order. */
  calls: LatencyClass[];
  /** Waiting that is not a call: the mailbox provisioning delay after assignLicense. */
  waitMs?: number;
}

export const calibration: CalibrationStep[] = [
  {
    step: "user created in Entra",
    targetSeconds: 2,
    calls: ["token", "directoryRead", "directoryWrite", "directoryRead"],
  },
  {
    step: "added to 3 groups",
    targetSeconds: 8,
    calls: ["directoryRead", "groupMemberAdd", "groupMemberAdd", "groupMemberAdd", "directoryRead"],
  },
  {
    step: "license assigned",
    targetSeconds: 15,
    calls: ["licenseRead", "directoryRead", "licenseAssign", "licenseRead"],
  },
  {
    step: "mailbox provisioned",
    targetSeconds: 42,
    calls: [],
    waitMs: profileDelays.realistic.mailboxProvisioningDelayMs,
  },
  { step: "signature set", targetSeconds: 48, calls: ["token", "exoRead", "exoMailboxWrite", "exoRead"] },
  {
    step: "added to 2 distribution lists",
    targetSeconds: 55,
    calls: ["exoWrite", "exoWrite", "exoRead", "exoRead"],
  },
];

/** The welcome email is timed on its own on the product page (≈ 15 s). */
export const welcomeEmailCalibration: CalibrationStep = {
  step: "welcome email sent",
  targetSeconds: 15,
  calls: ["mailboxSettings", "sendMail"],
};
