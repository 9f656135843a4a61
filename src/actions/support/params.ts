import { z } from "zod";
import { isEmailAddress } from "../../domain/fields.ts";
import { MANAGER } from "../../domain/offboarding-actions.ts";

// Params are checked, never rewritten: a step sees exactly what the planner stored (no trim, no case change).

/** A user principal name or mail address, as the request edge accepts it (in any case). */
export const upn = z.string().refine((s) => isEmailAddress(s.toLowerCase()), {
  error: "must be an address such as jane.doe@contoso.com",
});

/** An address, or "manager": resolved from the directory by the step. */
export const addressOrManager = z.string().refine(
  (s) => {
    const t = s.trim().toLowerCase();
    return t === MANAGER || isEmailAddress(t);
  },
  { error: 'must be an email address or "manager"' },
);

export const text = z.string().min(1);
