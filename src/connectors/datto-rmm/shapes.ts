import { z } from "zod";

/**
 * What the connector reads of Datto's answers, named as the spec-derived types name them (reference §0:
 * `Device`, `DevicesPage`, `PaginationData`, `Udf`, `DeviceAudit`, `Site`). Only the fields used are
 * checked; the rest may be anything, since Datto adds fields between releases. Datto sends null for an
 * empty field as often as it leaves it out, so both read as absent.
 */
const text = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);

export const dattoUdf = z.record(z.string(), z.string().nullish()).nullish();

export const dattoDevice = z.object({
  uid: z.string().min(1),
  hostname: text,
  description: text,
  siteUid: text,
  lastLoggedInUser: text,
  deviceClass: text,
  deleted: z.boolean().nullish(),
  portalUrl: text,
  udf: dattoUdf,
});
export type DattoDevice = z.output<typeof dattoDevice>;

export const paginationData = z.object({
  count: z.number().nullish(),
  totalCount: z.number().nullish(),
  prevPageUrl: text,
  nextPageUrl: text,
});

export const devicesPage = z.object({
  pageDetails: paginationData,
  devices: z.array(dattoDevice),
});

export const deviceAudit = z.object({
  bios: z.object({ serialNumber: text }).nullish(),
});
export type DattoDeviceAudit = z.output<typeof deviceAudit>;

export const dattoSite = z.object({ uid: z.string().min(1), name: text });
