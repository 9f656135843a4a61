import type { AutotaskAdmin } from "./admin.ts";

/**
 * The demo's Autotask: the MSP's database, with Initech LLC (the third demo client, domains initech.com
 * and initech.local) as a company. Picklist values are this emulator's seed, not vendor facts: 1 "New"
 * and 5 "Complete" follow the widespread convention [unconfirmed]; `publish` 2 "Internal Only" is what
 * a client's config names as its internal value.
 */
export const initech = {
  companyID: 29683510,
  companyName: "Initech LLC",
  domains: ["initech.com", "initech.local"],
  apiUser: {
    userName: "lifecycle-api@msp-demo.example",
    secret: "demo-autotask-secret-not-for-production",
    integrationCode: "LIFECYCLE-DEMO-TRACKING-ID",
  },
  contacts: {
    peter: "peter.gibbons@initech.com",
    michael: "michael.bolton@initech.com",
  },
  queues: { serviceDesk: 29682833, onboarding: 29683481 },
  priorities: { high: 1, medium: 2, low: 3, critical: 4 },
  statuses: { new: 1, inProgress: 8, waitingCustomer: 7, complete: 5 },
  ticketTypes: { serviceRequest: 1, incident: 2 },
  noteTypes: { taskDetail: 1, taskSummary: 2 },
  publish: { allAutotaskUsers: 1, internalOnly: 2 },
  openTicketNumber: "T20240115.0001",
} as const;

export function seedInitech(admin: AutotaskAdmin): void {
  admin.addApiUser({ ...initech.apiUser });
  admin.setPicklist("status", [
    { value: 1, label: "New", isSystem: true },
    { value: 5, label: "Complete", isSystem: true },
    { value: 7, label: "Waiting Customer" },
    { value: 8, label: "In Progress" },
  ]);
  admin.setCompleteStatuses([initech.statuses.complete]);
  admin.setPicklist("priority", [
    { value: 1, label: "High" },
    { value: 2, label: "Medium" },
    { value: 3, label: "Low" },
    { value: 4, label: "Critical" },
  ]);
  admin.setPicklist("queueID", [
    { value: initech.queues.serviceDesk, label: "Service Desk" },
    { value: initech.queues.onboarding, label: "Onboarding & Offboarding" },
  ]);
  admin.setPicklist("ticketType", [
    { value: 1, label: "Service Request" },
    { value: 2, label: "Incident" },
  ]);
  admin.setPicklist("noteType", [
    { value: 1, label: "Task Detail" },
    { value: 2, label: "Task Summary" },
  ]);
  admin.setPicklist("publish", [
    { value: 1, label: "All Autotask Users" },
    { value: 2, label: "Internal Only" },
  ]);
  admin.addCompany({ id: initech.companyID, companyName: initech.companyName });
  admin.addContact({
    companyID: initech.companyID,
    firstName: "Peter",
    lastName: "Gibbons",
    emailAddress: initech.contacts.peter,
    title: "Software Engineer",
  });
  admin.addContact({
    companyID: initech.companyID,
    firstName: "Michael",
    lastName: "Bolton",
    emailAddress: initech.contacts.michael,
    title: "Software Engineer",
  });
  // Opened on 15 January 2024, so its number is the first of that day.
  admin.addTicketAt(Date.UTC(2024, 0, 15, 9), {
    companyID: initech.companyID,
    title: "New starter: please set up accounts for the new TPS report analyst",
    description: "Starts Monday. Needs a mailbox, Teams and the usual groups.",
    status: initech.statuses.new,
    priority: initech.priorities.medium,
    queueID: initech.queues.onboarding,
    ticketType: initech.ticketTypes.serviceRequest,
  });
}
