// Codes ICU names but ISO 3166-1 does not assign to a country (or reserves for private use). Entra
// rejects them as a usageLocation.
const notCountries = new Set(["EU", "EZ", "UN", "UK", "QO", "AA", "ZZ"]);
const privateUse = /^(?:Q[M-Z]|X[A-JL-Z])$/;
const regionNames = new Intl.DisplayNames(["en"], { type: "region" });

/** True for an assigned ISO 3166-1 alpha-2 code, uppercase ("DE", "GB"; not "UK" or "EU"). */
export function isRegionCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || notCountries.has(code) || privateUse.test(code)) return false;
  const name = regionNames.of(code);
  return name !== undefined && name !== code && name !== "Unknown Region";
}
