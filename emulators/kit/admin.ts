import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { CallQuery, CallRecord } from "./calls.ts";
import { faultInputFor, type FaultRule, type FaultSeed } from "./faults.ts";
import { adminPrefix, sendPlainJson, type KitState } from "./pipeline.ts";

/**
 * The generic half of every emulator's control panel: faults, clock, call log, settings and reset,
 * in-process (KitAdmin, which a vendor's admin extends) and over HTTP at /_admin (adminRoutes, to
 * which the vendor adds its own). Inputs are validated with zod; a bad one is an AdminError (400/404).
 */

export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const detail = result.error.issues
      .map((i) => `${i.path.join(".") || "(input)"}: ${i.message}`)
      .join("; ");
    throw new AdminError(400, detail);
  }
  return result.data;
}

/** A numeric id in an admin path or query; anything else is the caller's mistake (400). */
export function adminId(v: string | undefined): number {
  if (!v || !/^\d+$/.test(v)) throw new AdminError(400, `not an id: ${v}`);
  return Number(v);
}

export interface KitAdminOptions {
  /** Status faults this vendor renders verbatim (see faults.ts). */
  faultStatuses: readonly number[];
  /** A tenant reference (id, domain …) to the id requests carry; throws AdminError(404) if unknown. */
  tenantId(ref: string): string;
}

export abstract class KitAdmin<Api extends string, Extra extends object, Settings> {
  private readonly faultSchema: ReturnType<typeof faultInputFor>;

  constructor(
    protected readonly kit: KitState<Api, Extra>,
    private readonly kitOptions: KitAdminOptions,
  ) {
    this.faultSchema = faultInputFor(kitOptions.faultStatuses);
  }

  abstract settings(): Settings;
  abstract configure(input: unknown): Settings;
  /** Back to an empty emulator on the same port and profile. */
  abstract reset(): void;

  injectFault(input: FaultSeed): FaultRule {
    const seed = parseInput(this.faultSchema, input);
    const tenantId = seed.tenant ? this.kitOptions.tenantId(seed.tenant) : undefined;
    if (seed.pathPattern !== undefined) {
      try {
        new RegExp(seed.pathPattern);
      } catch (error) {
        throw new AdminError(
          400,
          `pathPattern is not a regular expression: ${error instanceof Error ? error.message : ""}`,
        );
      }
    }
    return this.kit.faults.add(seed, tenantId);
  }

  faults(): FaultRule[] {
    return this.kit.faults.list();
  }

  removeFault(id: string): boolean {
    return this.kit.faults.remove(id);
  }

  clearFaults(): void {
    this.kit.faults.clear();
  }

  /** Moves emulator time forward: every delay, expiry and refill sees it. */
  advanceClock(ms: number): string {
    this.kit.clock.advance(parseInput(z.number().min(0), ms));
    return new Date(this.kit.clock.now()).toISOString();
  }

  calls(query: CallQuery<Api> = {}): (CallRecord<Api> & Extra)[] {
    return this.kit.calls.list(query);
  }

  callCounts(): Record<string, number> {
    return this.kit.calls.countsByEndpoint();
  }

  clearCalls(): void {
    this.kit.calls.clear();
  }

  /** What every reset forgets besides the vendor's own state. */
  protected resetKit(): void {
    this.kit.faults.clear();
    this.kit.calls.clear();
    this.kit.clock.reset();
  }
}

export type AdminHandler = (req: FastifyRequest, params: Record<string, string>) => unknown;

export type AdminRoute = (
  method: "GET" | "POST" | "PUT" | "DELETE",
  url: string,
  what: string,
  handler: AdminHandler,
  status?: number,
) => void;

export function adminBody(req: FastifyRequest): Record<string, unknown> {
  const body = req.body;
  return typeof body === "object" && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}

/**
 * /_admin over HTTP: JSON in and out, no authentication. `GET /_admin` lists every route; the kit's
 * routes come first, then whatever `vendorRoutes` adds through the same `route`.
 */
export function registerAdminRoutes<Api extends string, Extra extends object, Settings>(
  app: FastifyInstance,
  admin: KitAdmin<Api, Extra, Settings>,
  opts: { apis: readonly string[]; vendorRoutes(route: AdminRoute): void },
): void {
  const routeList: { method: string; url: string; what: string }[] = [];
  const route: AdminRoute = (method, url, what, handler, status = 200) => {
    if (!routeList.some((r) => r.method === method && r.url === url)) routeList.push({ method, url, what });
    app.route({
      method,
      url,
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        try {
          const result = await handler(req, req.params as Record<string, string>);
          if (result === undefined) return reply.code(204).send();
          return sendPlainJson(reply, status, result);
        } catch (error) {
          if (!(error instanceof AdminError)) throw error;
          return sendPlainJson(reply, error.status, {
            error: { code: error.status === 404 ? "NotFound" : "BadRequest", message: error.message },
          });
        }
      },
    });
  };
  const a = adminPrefix;

  route("GET", a, "this list", () => ({ routes: routeList }));
  route("POST", `${a}/reset`, "forget every tenant, fault, storm and call", () => admin.reset());
  route("GET", `${a}/settings`, "profile, latencies and delays", () => admin.settings());
  route("PUT", `${a}/settings`, "change profile, latencies, delays", (req) =>
    admin.configure(adminBody(req)),
  );
  route("POST", `${a}/clock/advance`, "{ ms }: move emulator time forward", (req) => ({
    now: admin.advanceClock(Number(adminBody(req).ms)),
  }));
  route("GET", `${a}/faults`, "pending faults", () => admin.faults());
  route(
    "POST",
    `${a}/faults`,
    "inject a fault",
    (req) => admin.injectFault(adminBody(req) as FaultSeed),
    201,
  );
  route("DELETE", `${a}/faults`, "clear faults", () => admin.clearFaults());
  route("DELETE", `${a}/faults/:id`, "remove one fault", (_req, p) => {
    if (!admin.removeFault(p.id ?? "")) throw new AdminError(404, `no fault ${p.id}`);
  });
  route("GET", `${a}/calls`, "call log (?tenant=&api=&limit=)", (req) =>
    admin.calls(callQuery(req, opts.apis)),
  );
  route("GET", `${a}/calls/counts`, "calls per endpoint", () => admin.callCounts());
  route("DELETE", `${a}/calls`, "clear the call log", () => admin.clearCalls());
  opts.vendorRoutes(route);
}

function callQuery<Api extends string>(req: FastifyRequest, apis: readonly string[]): CallQuery<Api> {
  const q = adminQuery(req);
  const out: CallQuery<Api> = {};
  if (typeof q.tenant === "string") out.tenantId = q.tenant;
  if (typeof q.api === "string" && (apis.includes(q.api) || q.api === "other"))
    out.api = q.api as Api | "other";
  if (typeof q.limit === "string" && /^\d+$/.test(q.limit)) out.limit = Number(q.limit);
  return out;
}

function adminQuery(req: FastifyRequest): Record<string, unknown> {
  const q = req.query;
  return typeof q === "object" && q !== null ? (q as Record<string, unknown>) : {};
}
