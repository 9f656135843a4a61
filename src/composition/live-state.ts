import type { LiveState } from "../planner/live-state.ts";
import type { Capabilities } from "../ports/index.ts";

/**
 * The planner's live questions, answered by the client's directory, licensing, mailbox administration and PSA:
 * a question whose port the client lacks is left out, and the pre-flight says what it could not check.
 * One live state serves one submission, which asks about the same user or group more than once (the
 * workflow's derivations, then the pre-flight): each is read once.
 */
export function liveStateOf(caps: Capabilities): LiveState {
  const { directory, licensing, mailboxAdmin, psa, devices, rmm } = caps;
  const findUser = directory && once((upn: string) => directory.findUser(upn));
  return {
    ...(directory &&
      findUser && {
        isUsernameTaken: async (upn: string) => (await findUser(upn)) !== undefined,
        async findUser(upn: string) {
          const user = await findUser(upn);
          return user && { id: user.id, onPremisesSyncEnabled: user.onPremisesSyncEnabled };
        },
        findGroup: once((nameOrMail: string) => directory.findGroup(nameOrMail)),
        async readTemplate(upn: string) {
          const template = await directory.readTemplate(upn);
          return template && { directSkuIds: template.directSkuIds };
        },
        async managerOf(upn: string) {
          const user = await findUser(upn);
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
    ...(devices && {
      async findAutopilotDevice(serial: string) {
        const device = await devices.findAutopilotDevice(serial);
        return device && { serialNumber: device.serialNumber };
      },
    }),
    ...(rmm && {
      async findRmmDevice(serial: string) {
        const device = await rmm.findDeviceBySerial(serial);
        return device && { name: device.name, vendor: rmm.vendor };
      },
    }),
    ...(psa && {
      async findTicket(number: string) {
        const ticket = await psa.findTicket(number);
        return ticket && { number: ticket.number, title: ticket.title, closed: ticket.closed };
      },
    }),
  };
}

function once<T>(read: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const seen = new Map<string, Promise<T>>();
  return (key) => {
    const id = key.toLowerCase();
    const known = seen.get(id);
    if (known) return known;
    const reading = read(key);
    seen.set(id, reading);
    return reading;
  };
}
