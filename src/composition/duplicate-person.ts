import type { FieldError } from "../domain/result.ts";
import type { OnboardingRequest } from "../requests/index.ts";
import type { Sql } from "../store/sql.ts";

/** How long after it finished an onboarding still counts as the same person's. */
const withinMs = 24 * 3600_000;

interface Twin {
  id: string;
  status: string;
  created_at: Date;
  first_name: string | null;
  last_name: string | null;
  personal_email: string | null;
  employee_id: string | null;
}

/**
 * Another onboarding of the same person at the client (same name, personal email or employee id), still
 * pending or finished within the last day: a double click, a retried POST, or two people entering the
 * same starter. Refused naming that run unless the request says it knows. Cancelled runs do not count:
 * they made nobody.
 */
export async function duplicateOnboarding(
  sql: Sql,
  request: OnboardingRequest,
  now: Date,
): Promise<FieldError[]> {
  if (request.allowDuplicate) return [];
  const rows = await sql.query<Twin>(
    `select r.id, r.status, r.created_at,
            q.body->>'firstName' as first_name, q.body->>'lastName' as last_name,
            q.body->>'personalEmail' as personal_email, q.body->>'employeeId' as employee_id
       from runs r join requests q on q.id = r.request_id
      where r.client_id = $1 and r.kind = 'onboard' and r.status <> 'cancelled'
        and (r.finished_at is null or r.finished_at > $2)
        and ((lower(q.body->>'firstName') = lower($3) and lower(q.body->>'lastName') = lower($4))
             or ($5::text is not null and lower(q.body->>'personalEmail') = lower($5))
             or ($6::text is not null and q.body->>'employeeId' = $6))
      order by r.created_at desc limit 1`,
    [
      request.clientId,
      new Date(now.getTime() - withinMs),
      request.firstName,
      request.lastName,
      request.personalEmail ?? null,
      request.employeeId ?? null,
    ],
  );
  const twin = rows[0];
  if (!twin) return [];
  const same = (a: string | null | undefined, b: string | undefined) =>
    a != null && b !== undefined && a.toLowerCase() === b.toLowerCase();
  const field = same(twin.employee_id, request.employeeId)
    ? "employeeId"
    : same(twin.personal_email, request.personalEmail)
      ? "personalEmail"
      : "lastName";
  const who = `${twin.first_name ?? ""} ${twin.last_name ?? ""}`.trim();
  return [
    {
      field,
      message: `run ${twin.id} (${twin.status}, submitted ${new Date(twin.created_at).toISOString()}) already onboards ${who}: follow, retry or cancel that run, or set allowDuplicate to onboard a second person`,
    },
  ];
}
