import type { ConnectWiseAdmin } from "./admin.ts";

/**
 * The demo's ConnectWise site: the MSP signs in as "lifecyclemsp", and its client Globex GmbH (globex.de)
 * has two contacts, the Service Board (New, Waiting Customer, Completed) and one open ticket. The keys are
 * the demo's own, printed by the launcher; nothing real.
 */
export const globex = {
  loginCompany: "lifecyclemsp",
  codebase: "v2025_1/",
  publicKey: "demoPublicKey0001",
  privateKey: "demoPrivateKey0001",
  clientId: "5f0c2b8e-3d1a-4e6f-9b7c-1a2d3e4f5a6b",
  member: "lifecycle-api",
  domain: "globex.de",
  company: { id: 250, identifier: "GlobexGmbH", name: "Globex GmbH", siteId: 1 },
  board: { id: 1, name: "Service Board", statuses: { new: 1, waitingCustomer: 2, completed: 3 } },
  emailCommunicationTypeId: 1,
  contacts: ["anna.schmidt@globex.de", "lukas.becker@globex.de"],
  openTicket: 48291,
} as const;

/** The seeded API member's key as the connector's credential (kind connectwise-api-key) takes it. */
export const globexApiKey = {
  companyId: globex.loginCompany,
  publicKey: globex.publicKey,
  privateKey: globex.privateKey,
  clientId: globex.clientId,
};

export function seedGlobex(admin: ConnectWiseAdmin): void {
  const g = globex;
  admin.addInstance({
    companyId: g.loginCompany,
    companyName: "Lifecycle Demo MSP",
    codebase: g.codebase,
    apiKeys: [{ publicKey: g.publicKey, privateKey: g.privateKey, member: g.member }],
    clientIds: [g.clientId],
  });
  admin.addCompany(g.loginCompany, {
    id: g.company.id,
    identifier: g.company.identifier,
    name: g.company.name,
    sites: [{ id: g.company.siteId, name: "Hauptsitz Berlin" }],
  });
  admin.addBoard(g.loginCompany, {
    id: g.board.id,
    name: g.board.name,
    statuses: [
      { id: g.board.statuses.new, name: "New", defaultFlag: true },
      { id: g.board.statuses.waitingCustomer, name: "Waiting Customer" },
      { id: g.board.statuses.completed, name: "Completed", closedStatus: true },
    ],
  });
  const anna = admin.addContact(g.loginCompany, {
    companyId: g.company.id,
    firstName: "Anna",
    lastName: "Schmidt",
    email: g.contacts[0],
  });
  admin.addContact(g.loginCompany, {
    companyId: g.company.id,
    firstName: "Lukas",
    lastName: "Becker",
    email: g.contacts[1],
  });
  admin.addTicket(g.loginCompany, {
    id: g.openTicket,
    companyId: g.company.id,
    boardId: g.board.id,
    summary: "New starter: laptop and accounts for the Munich office",
    contactId: anna.id,
  });
}
