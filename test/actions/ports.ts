import type { Capabilities, Ports } from "../../src/ports/index.ts";

/** The ports Acme's Microsoft 365 serves: every one the Microsoft steps may declare. */
export type MicrosoftPorts = Omit<
  Ports,
  "psa" | "rmm" | "docs" | "runRecord" | "approvalLinks" | "initialPasswords"
>;

/**
 * Every Microsoft port, or the test stops here: a step's plan / apply / verify is called directly with
 * all of them, as the engine would after checking the step's declared ports.
 */
export function allPorts(caps: Capabilities): MicrosoftPorts {
  const { directory, licensing, mailboxes, authentication, devices, mailSender, mailboxAdmin, oneTimeLinks } =
    caps;
  if (
    !directory ||
    !licensing ||
    !mailboxes ||
    !authentication ||
    !devices ||
    !mailSender ||
    !mailboxAdmin ||
    !oneTimeLinks
  )
    throw new Error(`a port is missing: ${Object.keys(caps).join(", ")}`);
  return { directory, licensing, mailboxes, authentication, devices, mailSender, mailboxAdmin, oneTimeLinks };
}
