import type { z } from "zod";

/**
 * What each kind of credential must look like, by kind: a value is checked before it is sealed. The
 * connectors declare their kinds; composition hands the map in, so the store names no vendor.
 */
export type CredentialKinds = ReadonlyMap<string, z.ZodType>;
