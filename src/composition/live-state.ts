import type { LiveState } from "../planner/live-state.ts";
import type { Capabilities } from "../ports/index.ts";

/**
 * The planner's live questions, answered by the client's directory, licensing and mailbox administration:
 * a question whose port the client lacks is left out, and the pre-flight says what it could not check.
 */
export function liveStateOf(caps: Capabilities): LiveState {
  const { directory, licensing, mailboxAdmin } = caps;
  return {
    ...(directory && {
      isUsernameTaken: async (upn: string) => (await directory.findUser(upn)) !== undefined,
      async findUser(upn: string) {
        const user = await directory.findUser(upn);
        return user && { id: user.id, onPremisesSyncEnabled: user.onPremisesSyncEnabled };
      },
      findGroup: (nameOrMail: string) => directory.findGroup(nameOrMail),
      async readTemplate(upn: string) {
        const template = await directory.readTemplate(upn);
        return template && { directSkuIds: template.directSkuIds };
      },
      async managerOf(upn: string) {
        const user = await directory.findUser(upn);
        return user && (await directory.getManager(user.id))?.userPrincipalName.toLowerCase();
      },
    }),
    ...(mailboxAdmin && {
      async findMailbox(address: string) {
        const mailbox = await mailboxAdmin.mailbox(address);
        return mailbox && { type: mailbox.type, primarySmtpAddress: mailbox.primarySmtpAddress };
      },
    }),
    ...(licensing && { skus: () => licensing.skus() }),
  };
}
