/**
 * A few well-known SKUs with the service plans that matter to lifecycle work (Exchange decides
 * whether a mailbox gets provisioned). Ids follow Microsoft's "product names and service plan
 * identifiers for licensing" list; seeds may pass their own plans instead.
 */

export interface CatalogPlan {
  servicePlanId: string;
  servicePlanName: string;
}

const plan = (servicePlanName: string, servicePlanId: string): CatalogPlan => ({
  servicePlanId,
  servicePlanName,
});

const exchangeStandard = plan("EXCHANGE_S_STANDARD", "9aaf7827-d63c-4b61-89c3-182f06f82e5c");
const exchangeEnterprise = plan("EXCHANGE_S_ENTERPRISE", "efb87545-963c-4e0d-99df-69c6916d9eb0");
const exchangeDeskless = plan("EXCHANGE_S_DESKLESS", "4a82b400-a79f-41a4-b4e2-e94f5787b113");
const sharePointStandard = plan("SHAREPOINTSTANDARD", "c7699d2e-19aa-44de-8edf-1736da088ca1");
const sharePointEnterprise = plan("SHAREPOINTENTERPRISE", "5dbe027f-2339-4123-9542-606e4d348a72");
const sharePointDeskless = plan("SHAREPOINTDESKLESS", "902b47e5-dcb2-4fdc-858b-c63a90a2bdb9");
const teams = plan("TEAMS1", "57ff2da0-773e-42df-b2af-ffb7a2317929");
const intune = plan("INTUNE_A", "c1ec4a95-1f05-45b3-a911-aa3fa01094f5");
const aadPremium = plan("AAD_PREMIUM", "41781fb2-bc02-4b7c-bd55-b576c07bb09d");
const mfaPremium = plan("MFA_PREMIUM", "8a256a2b-b617-496d-b51b-e76466e88db0");
const officeBusiness = plan("OFFICE_BUSINESS", "094e7854-93fc-4d55-b2c0-3ab5369ebdc1");
const officeSubscription = plan("OFFICESUBSCRIPTION", "43de0ff5-c92c-492b-9116-175376d08c38");

export const skuCatalog: Record<string, { skuId: string; displayName: string; servicePlans: CatalogPlan[] }> =
  {
    SPB: {
      skuId: "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46",
      displayName: "Microsoft 365 Business Premium",
      servicePlans: [
        exchangeStandard,
        sharePointStandard,
        teams,
        officeBusiness,
        intune,
        aadPremium,
        mfaPremium,
      ],
    },
    O365_BUSINESS_PREMIUM: {
      skuId: "f245ecc8-75af-4f8e-b61f-27d8114de5f3",
      displayName: "Microsoft 365 Business Standard",
      servicePlans: [exchangeStandard, sharePointStandard, teams, officeBusiness],
    },
    O365_BUSINESS_ESSENTIALS: {
      skuId: "3b555118-da6a-4418-894f-7df1e2096870",
      displayName: "Microsoft 365 Business Basic",
      servicePlans: [exchangeStandard, sharePointStandard, teams],
    },
    ENTERPRISEPACK: {
      skuId: "6fd2c87f-b296-42f0-b197-1e91e994b900",
      displayName: "Office 365 E3",
      servicePlans: [exchangeEnterprise, sharePointEnterprise, teams, officeSubscription],
    },
    SPE_E3: {
      skuId: "05e9a617-0261-4cee-bb44-138d3ef5d965",
      displayName: "Microsoft 365 E3",
      servicePlans: [
        exchangeEnterprise,
        sharePointEnterprise,
        teams,
        officeSubscription,
        intune,
        aadPremium,
        mfaPremium,
      ],
    },
    SPE_F1: {
      skuId: "66b55226-6b4f-492c-910c-a3b7a3c9d993",
      displayName: "Microsoft 365 F3",
      servicePlans: [exchangeDeskless, sharePointDeskless, teams, intune],
    },
    EXCHANGESTANDARD: {
      skuId: "4b9405b0-7788-4568-add1-99614e613b69",
      displayName: "Exchange Online (Plan 1)",
      servicePlans: [exchangeStandard],
    },
  };

export function isExchangePlan(servicePlanName: string): boolean {
  return servicePlanName.startsWith("EXCHANGE_S_");
}
