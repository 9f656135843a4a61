/**
 * The name of a person's sign-in entry in the client's documentation vault, from their address (an
 * expression such as "${derived.upn}"): the onboarding stores it under this name and the offboarding
 * archives it by the same one, so the two must agree.
 */
export const vaultEntryName = (address: string) => `Microsoft 365 – ${address}`;
