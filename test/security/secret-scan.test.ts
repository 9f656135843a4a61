import assert from "node:assert/strict";
import { eventually } from "../support/eventually.ts";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { liveStateOf, parseClient, portsFor, productWorker } from "../../src/composition/index.ts";
import { derivedPassword } from "../../src/credentials/initial-passwords.ts";
import { keyring, type KeySource } from "../../src/credentials/keys.ts";
import { getRun } from "../../src/engine/read.ts";
import { buildServer } from "../../src/server/app.ts";
import { ensureFirstAdmin, writeCliToken } from "../../src/staff/index.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { demoClients } from "../../emulators/demo/clients.ts";
import { itglueDemo, startItglueEmulator } from "../../emulators/itglue/index.ts";
import { acme } from "../../emulators/microsoft365/index.ts";
import { pdfText } from "../evidence/pdf-text.ts";
import { waitForStatus } from "../support/engine-helpers.ts";
import { startAcmeTenant } from "../support/microsoft.ts";

type SecretKind =
  | "staff password"
  | "mistyped staff password"
  | "personal token"
  | "CLI token"
  | "session cookie"
  | "CSRF token"
  | "CSRF secret"
  | "sign-in link token"
  | "one-time link token"
  | "approval link token"
  | "form link token"
  | "form status token"
  | "Temporary Access Pass"
  | "generated password"
  | "reset password"
  | "client secret"
  | "vendor access token"
  | "vendor API key"
  | "master key";

/**
 * The answers whose purpose is to hand a secret over, once, and the part of them that does. A secret
 * anywhere else (any other answer, another part of these, another kind of secret in these) is a leak.
 * `own`: only the token in the answer's own address (a link's page posts its form back to itself).
 */
const carriers: readonly Carrier[] = [
  {
    route: "POST /api/auth/tokens",
    part: "body",
    kinds: ["personal token"],
    why: "a new token is shown once",
  },
  {
    route: "POST /api/auth/sign-in",
    part: "set-cookie",
    kinds: ["session cookie", "CSRF secret"],
    why: "signing in sets the session cookie, and the CSRF plugin's secret beside it",
  },
  {
    route: "POST /api/auth/sign-in",
    part: "body",
    kinds: ["CSRF token"],
    why: "the console sends this token back with every change",
  },
  {
    route: "GET /api/auth/me",
    part: "body",
    kinds: ["CSRF token"],
    why: "a reloaded console asks for its session's CSRF token again",
  },
  {
    route: "POST /api/staff",
    part: "body",
    kinds: ["sign-in link token"],
    why: "adding an account answers its holder's one-time sign-in link",
  },
  {
    route: "POST /api/staff/:email/sign-in-link",
    part: "body",
    kinds: ["sign-in link token"],
    why: "a forgotten password: a new one-time sign-in link for the holder",
  },
  {
    route: "GET /sign-in/:token",
    part: "body",
    kinds: ["sign-in link token"],
    own: true,
    why: "the link's page posts its form back to its own address",
  },
  {
    route: "POST /sign-in/:token",
    part: "set-cookie",
    kinds: ["session cookie"],
    why: "choosing a password with the link signs its holder in",
  },
  {
    route: "GET /credentials/:token",
    part: "body",
    kinds: ["one-time link token"],
    own: true,
    why: "the link's page posts its Show button back to its own address",
  },
  {
    route: "GET /approvals/:token",
    part: "body",
    kinds: ["approval link token"],
    own: true,
    why: "the approval page posts its decision back to its own address",
  },
  {
    route: "POST /api/clients/:id/form-links",
    part: "body",
    kinds: ["form link token"],
    why: "a new form link is shown once, to be handed to the client",
  },
  {
    route: "POST /api/public/forms/:token/submit",
    part: "body",
    kinds: ["form status token"],
    why: "a submission answers the address its submitter follows it at (a replay the same one)",
  },
  {
    route: "POST /credentials/:token/reveal",
    part: "body",
    kinds: ["Temporary Access Pass"],
    why: "the one time the pass is shown",
  },
];

interface Carrier {
  route: string;
  part: "body" | "set-cookie";
  kinds: readonly SecretKind[];
  own?: boolean;
  why: string;
}

/**
 * What the vendors may receive: the requests whose purpose is to hand a secret to that vendor, and the
 * part of them that does (a header, or one field of the JSON body: the rest of that body is scanned like
 * anything else). A secret in any other request, header or field is a leak: in particular the generated
 * password reaches only the directory's create and the documentation vault's password field.
 */
const vendorCarriers: readonly VendorCarrier[] = [
  {
    vendor: "Microsoft 365",
    route: "POST /:tenant/oauth2/v2.0/token",
    part: "body",
    kinds: ["client secret"],
    why: "the app asks for its token with its secret",
  },
  {
    vendor: "Microsoft 365",
    route: "* *",
    part: "authorization",
    kinds: ["vendor access token"],
    why: "every Graph and Exchange call carries the app's token",
  },
  {
    vendor: "Microsoft 365",
    route: "POST /v1.0/users",
    part: "body",
    field: "passwordProfile.password",
    kinds: ["generated password"],
    why: "the directory must be given the new account's password to set it",
  },
  {
    vendor: "Microsoft 365",
    route: "PATCH /v1.0/users/:id",
    part: "body",
    field: "passwordProfile.password",
    kinds: ["reset password"],
    why: "the leaver's password is reset to one nobody knows",
  },
  {
    vendor: "Microsoft 365",
    route: "POST /v1.0/users/:id/sendMail",
    part: "body",
    kinds: ["one-time link token", "approval link token"],
    why: "the welcome email carries the pass's link, the approval request the approver's",
  },
  {
    vendor: "IT Glue",
    route: "* *",
    part: "x-api-key",
    kinds: ["vendor API key"],
    why: "IT Glue's key on every call",
  },
  {
    vendor: "IT Glue",
    route: "POST /organizations/:id/relationships/passwords",
    part: "body",
    field: "data.attributes.password",
    kinds: ["generated password"],
    why: "the vault write: the one place the password leaves for another system",
  },
];

interface VendorCarrier {
  vendor: string;
  /** "METHOD /path/:param"; "* *" for every request to the vendor. */
  route: string;
  part: "body" | string;
  field?: string;
  kinds: readonly SecretKind[];
  why: string;
}

/** A request the product sent to a vendor's emulator, as it left: method, address, headers, raw body. */
interface Sent {
  n: number;
  vendor: string;
  method: string;
  path: string;
  headers: [string, string][];
  body: string;
}

function vendorRouteMatches(route: string, sent: Sent): boolean {
  const [method, pattern] = route.split(" ") as [string, string];
  if (method === "*") return true;
  if (method !== sent.method) return false;
  const path = pattern.replace(/:(\w+)/g, "[^/?]+");
  return new RegExp(`^${path}(?:\\?.*)?$`).test(sent.path);
}

/** The value at a dotted path of a JSON body, and the body without it (what is left to scan). */
function splitField(body: string, field: string): { value: string; rest: string } | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parts = field.split(".");
  let at = doc as Record<string, unknown> | undefined;
  for (const part of parts.slice(0, -1))
    at = at && typeof at[part] === "object" ? (at[part] as Record<string, unknown>) : undefined;
  const last = parts.at(-1)!;
  if (!at || typeof at[last] !== "string") return undefined;
  const value = at[last];
  delete at[last];
  return { value, rest: JSON.stringify(doc) };
}

/**
 * Each secret found where a vendor was sent it outside the carriers above, named by kind and request;
 * `used` the carriers that did carry one.
 */
function scanSent(sent: readonly Sent[], secrets: readonly Secret[]) {
  const found: string[] = [];
  const used = new Set<VendorCarrier>();
  const has = (text: string, secret: Secret) => secret.forms.some((f) => text.includes(f));
  for (const req of sent) {
    const where = `the request ${req.n} to ${req.vendor} (${req.method} ${req.path.split("?")[0]})`;
    const parts: [string, string][] = [["address", req.path], ...req.headers, ["body", req.body]];
    for (const secret of secrets)
      for (const [part, text] of parts) {
        if (!has(text, secret)) continue;
        const carrier = vendorCarriers.find(
          (c) =>
            c.vendor === req.vendor &&
            c.part === part &&
            c.kinds.includes(secret.kind) &&
            vendorRouteMatches(c.route, req),
        );
        if (!carrier) {
          found.push(`a ${secret.kind} in ${where}, ${part}`);
          continue;
        }
        const split = carrier.field ? splitField(text, carrier.field) : undefined;
        if (carrier.field && !split) {
          found.push(`a ${secret.kind} in ${where}, ${part}, which has no ${carrier.field}`);
          continue;
        }
        if (split && has(split.rest, secret))
          found.push(`a ${secret.kind} in ${where}, ${part}, outside ${carrier.field}`);
        if (!split || has(split.value, secret)) used.add(carrier);
      }
  }
  return { found, used };
}

/** One secret, and every way it is written where it could end up. */
interface Secret {
  kind: SecretKind;
  forms: string[];
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** As is, inside JSON, in a URL, in a page. */
const writtenForms = (value: string) => [
  value,
  JSON.stringify(value).slice(1, -1),
  encodeURIComponent(value),
  escapeHtml(value),
];

/** What was captured, to be scanned: an API answer (status, headers, body as text). */
interface Answer {
  n: number;
  method: string;
  path: string;
  status: number;
  headers: [string, string][];
  body: string;
}

/** A text to scan, and how to name where it is without quoting it. */
interface Place {
  where: string;
  text: string;
  answer?: Answer;
  part?: string;
}

/** Who calls: a browser (its cookies, and the CSRF token it was given) or a script with a bearer token. */
interface Caller {
  cookies: Map<string, string>;
  csrf?: string;
  token?: string;
}
const browser = (): Caller => ({ cookies: new Map() });
const withToken = (token: string): Caller => ({ cookies: new Map(), token });

/**
 * Calls over real HTTP as its callers would, keeping every answer whole; every cookie an answer sets is
 * told to `sawCookie`, so none is missed as a secret.
 */
class Recorder {
  readonly answers: Answer[] = [];
  base = "";

  constructor(private readonly sawCookie: (name: string, value: string) => void) {}

  async call(
    caller: Caller,
    method: string,
    path: string,
    opts: { json?: unknown; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...opts.headers };
    if (caller.token) headers.authorization = `Bearer ${caller.token}`;
    if (caller.cookies.size) headers.cookie = [...caller.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (caller.csrf && method !== "GET") headers["x-csrf-token"] = caller.csrf;
    let body: string | undefined;
    if (opts.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(opts.json);
    } else if (opts.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(opts.form).toString();
    }
    const res = await fetch(`${this.base}${path}`, { method, headers, body, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value && !/max-age=0|expires=thu, 01 jan 1970/i.test(line)) {
        caller.cookies.set(name, value);
        this.sawCookie(name, value);
      } else caller.cookies.delete(name);
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    // A PDF's text is in compressed streams: it is scanned as the words it shows.
    const pdf = (res.headers.get("content-type") ?? "").includes("pdf");
    return this.keep(method, path, res, pdf ? pdfText(bytes) : bytes.toString("utf8"));
  }

  /** A run's live stream, read as a browser would until it has sent every event the run has so far. */
  async stream(caller: Caller, runId: string, lastEventId: number | undefined): Promise<Answer> {
    const abort = new AbortController();
    const path = `/api/runs/${runId}/stream`;
    const res = await fetch(`${this.base}${path}`, {
      signal: abort.signal,
      headers: { authorization: `Bearer ${caller.token}` },
    });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes(`id: ${lastEventId}\n`)) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
    abort.abort();
    return this.keep("GET", path, res, text);
  }

  private keep(method: string, path: string, res: Response, body: string): Answer {
    const answer = {
      n: this.answers.length + 1,
      method,
      path,
      status: res.status,
      headers: [...res.headers],
      body,
    };
    this.answers.push(answer);
    return answer;
  }
}

function json<T>(a: Answer, status = 200): T {
  assert.equal(a.status, status, `${a.method} ${a.path}: ${a.body.slice(0, 500)}`);
  return JSON.parse(a.body) as T;
}

/** Every row of every table of the database, one place per column; `label` names the dump. */
async function dumpTables(
  store: Store,
  label: string,
): Promise<{ tables: string[]; rows: number; places: Place[] }> {
  const listed = await store.query<{ table_schema: string; table_name: string }>(
    `select table_schema, table_name from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
      order by 1, 2`,
  );
  const places: Place[] = [];
  let rows = 0;
  const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
  for (const { table_schema: schema, table_name: table } of listed) {
    const all = await store.query<{ row: string }>(
      `select row_to_json(t)::text as row from ${quoted(schema)}.${quoted(table)} t`,
    );
    all.forEach(({ row }, i) => {
      for (const [column, value] of Object.entries(JSON.parse(row) as Record<string, unknown>))
        places.push({ where: `${table}.${column} (${label}, row ${i + 1})`, text: JSON.stringify(value) });
    });
    rows += all.length;
  }
  return { tables: listed.map((t) => `${t.table_schema}.${t.table_name}`), rows, places };
}

function routeMatch(carrier: Carrier, a: Answer): { own?: string } | undefined {
  const [method, pattern] = carrier.route.split(" ") as [string, string];
  if (method !== a.method) return undefined;
  const names: string[] = [];
  const path = pattern.replace(/:(\w+)/g, (_m, name: string) => (names.push(name), "([^/?]+)"));
  const m = new RegExp(`^${path}(?:\\?.*)?$`).exec(a.path);
  if (!m) return undefined;
  const at = names.indexOf("token");
  return at >= 0 ? { own: decodeURIComponent(m[at + 1]!) } : {};
}

/** The carrier that hands this secret over in this part of this answer, if one does. */
function carrierOf(place: Place, secret: Secret, form: string): Carrier | undefined {
  const { answer, part } = place;
  if (!answer) return undefined;
  return carriers.find((c) => {
    if (c.part !== part || !c.kinds.includes(secret.kind)) return false;
    const m = routeMatch(c, answer);
    return m !== undefined && (!c.own || (m.own?.includes(form) ?? false));
  });
}

/**
 * Each secret found outside its carriers, named by kind and place. Places can quote a secret (an
 * answer's path is a link's address), so every secret in a description is replaced by its kind.
 */
function scan(places: readonly Place[], secrets: readonly Secret[]) {
  const mask = (text: string) =>
    secrets.reduce((t, s) => s.forms.reduce((u, f) => u.split(f).join(`<${s.kind}>`), t), text);
  const found: string[] = [];
  const carrying = new Set<number>();
  const used = new Set<Carrier>();
  for (const place of places)
    for (const secret of secrets) {
      const form = secret.forms.find((f) => place.text.includes(f));
      if (form === undefined) continue;
      const carrier = carrierOf(place, secret, form);
      if (!carrier) found.push(mask(`a ${secret.kind} in ${place.where}`));
      else {
        carrying.add(place.answer!.n);
        used.add(carrier);
      }
    }
  return { found, carrying, used };
}

/**
 * The secrets of a day's work through the HTTP API, looked for everywhere the product keeps or shows
 * things: every table of the database (twice: while the pass is still sealed in its link, and at the
 * end), the whole server log at its most verbose level, every run's events, and every API answer,
 * headers and body.
 */
test("secret scan: no password, pass, token, cookie, link or key of a day's work is in a table, the log, an event or an answer", async (t) => {
  const cleanups: (() => Promise<void>)[] = [];
  t.after(async () => {
    for (const c of cleanups.reverse()) await c();
  });
  const secrets: Secret[] = [];
  const keep = (kind: SecretKind, value: string | undefined, ...alsoAs: string[]): string => {
    assert.ok(value && value.length >= 8, `a ${kind} arose`);
    if (!secrets.some((s) => s.forms[0] === value))
      secrets.push({ kind, forms: [...new Set([value, ...alsoAs].flatMap(writtenForms))] });
    return value;
  };
  /** A product token (`lct_<id>.<secret>`, `lcs_…`): the whole value, or its secret part alone. */
  const keepToken = (kind: SecretKind, value: string | undefined): string =>
    keep(kind, value, value?.slice(value.lastIndexOf(".") + 1) ?? "");

  const masterKey = randomBytes(32);
  keep(
    "master key",
    masterKey.toString("base64"),
    masterKey.toString("hex"),
    masterKey.toString("base64url"),
  );
  const ring = keyring(masterKey);
  const keys: KeySource = () => ring;
  const store = await openStore({ keys });
  cleanups.push(() => store.close());
  const m365 = await startAcmeTenant();
  cleanups.push(() => m365.close());
  // Acme's documentation: IT Glue, with a key only this test knows.
  const itglue = await startItglueEmulator({ profile: "fast", seed: "demo" });
  cleanups.push(() => itglue.close());
  const itglueKey = keep("vendor API key", `ITG.${randomBytes(20).toString("hex")}`);
  itglue.admin.addApiKey({ key: itglueKey, name: "Lifecycle (scan)", passwordAccess: true });
  const dataDir = mkdtempSync(join(tmpdir(), "lifecycle-scan-"));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));

  // Acme's app registration, with a secret only this test knows.
  const appId = randomUUID();
  const clientSecret = keep("client secret", `${randomBytes(24).toString("base64url")}~Q8`);
  m365.admin.addApp(acme.tenantId, {
    clientId: appId,
    clientSecret,
    displayName: "Lifecycle (scan)",
    directoryRoles: ["User Administrator"],
  });
  // The app-only tokens the connectors get from the emulated Entra ID, each the tenant's admin power for
  // an hour: read off the token endpoint's answers as the product's own fetch receives them.
  // Every request to a vendor (anything but Lifecycle's own address) is kept as it leaves the process,
  // raw body and all: what the vendor received, before an emulator's own log redacts anything.
  const vendors = new Map([
    [new URL(m365.url).origin, "Microsoft 365"],
    [new URL(itglue.url).origin, "IT Glue"],
  ]);
  const sent: Sent[] = [];
  let productOrigin = "";
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const target = new URL(input instanceof Request ? input.url : String(input));
    if (target.origin !== productOrigin) {
      const request = input instanceof Request ? input.clone() : undefined;
      sent.push({
        n: sent.length + 1,
        vendor: vendors.get(target.origin) ?? target.origin,
        method: (init?.method ?? request?.method ?? "GET").toUpperCase(),
        path: target.pathname + target.search,
        headers: [...new Headers(init?.headers ?? request?.headers)],
        body: request ? await request.text() : await new Response(init?.body ?? "").text(),
      });
    }
    const res = await realFetch(input, init);
    if (target.pathname.endsWith("/oauth2/v2.0/token") && res.ok) {
      const token = ((await res.clone().json()) as { access_token?: string }).access_token;
      if (token) keep("vendor access token", token);
    }
    return res;
  };
  cleanups.push(async () => {
    globalThis.fetch = realFetch;
  });

  // Acme's Microsoft side as an MSP configures it: its systems name a credential reference, not a secret.
  const demo = demoClients.find((c) => c.id === "acme")!;
  const credential = "acme/microsoft-app";
  const parsed = parseClient({
    ...demo,
    systems: {
      entra: {
        connector: "msgraph",
        tenantId: acme.tenantId,
        credential,
        endpoints: { authority: m365.url, graph: m365.url },
      },
      exchange: {
        connector: "exchange-online",
        tenantId: acme.tenantId,
        credential,
        endpoints: { authority: m365.url, exchange: m365.url },
      },
      itglue: {
        connector: "itglue",
        baseUrl: itglue.url,
        credential: "acme/itglue",
        organizationId: itglueDemo.acme.organizationId,
        contactTypeId: itglueDemo.contactTypes.employee,
        offboard: { contactTypeId: itglueDemo.contactTypes.formerEmployee },
      },
    },
    // The new account's password goes to the vault: one more secret, which only the vault may receive.
    identity: { ...demo.identity, initialPassword: "vault" },
  });
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.errors));
  await upsertClient(store, parsed.value);

  // The server and a worker as `lifecycle start` builds them, the log captured at its most verbose level.
  const logLines: string[] = [];
  let partial = "";
  const logStream = {
    write(chunk: string) {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop()!;
      logLines.push(...lines);
    },
  };
  const http = new Recorder((name, value) =>
    name === "lc_session" ? keepToken("session cookie", value) : keep("CSRF secret", value),
  );
  const publicUrl = () => http.base;
  const resolve = portsFor({ sql: store, keys, publicUrl });
  const app = await buildServer({
    store,
    keys,
    publicUrl,
    live: async (client) => liveStateOf(await resolve(client)),
    ports: resolve,
    logger: { level: "trace", stream: logStream },
  });
  cleanups.push(() => app.close());
  http.base = await app.listen({ host: "127.0.0.1", port: 0 });
  productOrigin = new URL(http.base).origin;
  const worker = productWorker(store, {
    ports: resolve,
    tuning: { idleMs: 20, pollMs: 50, backoffBaseMs: 50, backoffCapMs: 500 },
  });
  await worker.start();
  cleanups.push(() => worker.stop());
  const session = (c: Caller) => c.cookies.get("lc_session");
  const keepCsrf = (c: Caller, answer: Answer) => {
    c.csrf = keep("CSRF token", json<{ csrfToken: string }>(answer).csrfToken);
  };

  // The first start: an admin with a one-time sign-in link, and the CLI's token in the data folder.
  const first = await ensureFirstAdmin(store, "admin@msp.example");
  const firstLink = keepToken("sign-in link token", first?.signInToken);
  const cliToken = readFileSync(await writeCliToken(store, dataDir), "utf8").trim();
  const cli = withToken(keepToken("CLI token", cliToken));

  // The admin opens the link and chooses a password, mistypes it at the next sign-in, then signs in.
  const adminPassword = keep(
    "staff password",
    `horse "battery" <staple> & 100% \\ ${randomBytes(9).toString("base64url")}`,
  );
  assert.equal((await http.call(browser(), "GET", `/sign-in/${firstLink}`)).status, 200);
  const form = { password: adminPassword, confirm: adminPassword };
  assert.equal((await http.call(browser(), "POST", `/sign-in/${firstLink}`, { form })).status, 200);
  const admin = browser();
  const typo = keep("mistyped staff password", `horse battery ${randomBytes(9).toString("base64url")}`);
  const wrong = await http.call(admin, "POST", "/api/auth/sign-in", {
    json: { email: "admin@msp.example", password: typo },
  });
  assert.equal(wrong.status, 401);
  const signedIn = await http.call(admin, "POST", "/api/auth/sign-in", {
    json: { email: "admin@msp.example", password: adminPassword },
  });
  keepCsrf(admin, signedIn);
  keep("CSRF token", json<{ csrfToken: string }>(await http.call(admin, "GET", "/api/auth/me")).csrfToken);

  // The admin stores Acme's app credential (two attempts refused first: the secret pasted alone, and one
  // beside a field the kind does not have), then adds a technician limited to Acme.
  const pasted = keep("client secret", `${randomBytes(24).toString("base64url")}~P1`);
  const extra = keep("client secret", `${randomBytes(24).toString("base64url")}~X2`);
  for (const value of [pasted, { clientId: appId, clientSecret: extra, tenant: acme.tenantId }]) {
    const refused = await http.call(admin, "PUT", "/api/credentials/acme%2Fspare", {
      json: { kind: "microsoft-app", value },
    });
    assert.equal(refused.status, 400, refused.body);
  }
  const stored = await http.call(admin, "PUT", `/api/credentials/${encodeURIComponent(credential)}`, {
    json: { kind: "microsoft-app", value: { clientId: appId, clientSecret } },
  });
  json(stored);
  const itglueStored = await http.call(admin, "PUT", "/api/credentials/acme%2Fitglue", {
    json: { kind: "itglue-api-key", value: { apiKey: itglueKey } },
  });
  json(itglueStored);
  json(await http.call(admin, "GET", "/api/credentials"));
  const added = await http.call(admin, "POST", "/api/staff", {
    json: { email: "tech@msp.example", role: "technician", clients: ["acme"] },
  });
  const techLink = keepToken(
    "sign-in link token",
    json<{ signInLink: string }>(added, 201).signInLink.split("/sign-in/")[1],
  );

  // The technician chooses a password with the link, signs in, and makes a token for the HR system's script.
  const techPassword = keep("staff password", `correct-${randomBytes(12).toString("base64url")}-staple`);
  assert.equal((await http.call(browser(), "GET", `/sign-in/${techLink}`)).status, 200);
  const chosen = { form: { password: techPassword, confirm: techPassword } };
  assert.equal((await http.call(browser(), "POST", `/sign-in/${techLink}`, chosen)).status, 200);
  const tech = browser();
  const techIn = await http.call(tech, "POST", "/api/auth/sign-in", {
    json: { email: "tech@msp.example", password: techPassword },
  });
  keepCsrf(tech, techIn);
  const made = await http.call(tech, "POST", "/api/auth/tokens", { json: { name: "HR sync" } });
  const script = withToken(keepToken("personal token", json<{ token: string }>(made, 201).token));

  // The script submits an onboarding: the hire's pass goes behind a one-time link in a welcome email.
  const upn = "sarah.johnson@acmecorp.com";
  json(await http.call(script, "GET", "/api/requests/onboard/form?client=acme"));
  const submitted = await http.call(script, "POST", "/api/requests/onboard", {
    headers: { "idempotency-key": randomUUID() },
    json: {
      client: "acme",
      requester: "hr@acmecorp.com",
      firstName: "Sarah",
      lastName: "Johnson",
      department: "Marketing",
      manager: "mike.chen@acmecorp.com",
      personalEmail: "sarah@example.org",
      start: "now",
    },
  });
  const onboard = json<{ runId: string }>(submitted, 201).runId;
  const ended = ["completed", "completed-with-warnings", "failed"] as const;
  await waitForStatus(store, onboard, [...ended], 60_000);
  const onboarded = json<{ status: string }>(await http.call(script, "GET", `/api/runs/${onboard}`));
  assert.equal(onboarded.status, "completed", JSON.stringify(onboarded));
  const generated = keep("generated password", m365.admin.user(acme.tenantId, upn).password);
  // The one the step derived for the vault, which the vault holds beside her sign-in name, and only there.
  assert.equal(generated, derivedPassword(masterKey, { runId: onboard, actionKey: "create-user" }));
  const entryName = `Microsoft 365 – ${upn}`;
  const entry = itglue.admin.passwords().find((p) => p.attributes.name === entryName);
  assert.ok(entry, `IT Glue has "${entryName}"`);
  assert.equal(itglue.admin.secretOf(Number(entry.id)), generated);
  assert.equal(entry.attributes.username, upn);
  assert.ok(!String(entry.attributes.notes).includes(generated), "the entry's notes hold no secret");
  const mailedToken = () => {
    const mail = m365.admin
      .sentMail(acme.tenantId)
      .filter((m) => m.content.includes("/credentials/"))
      .at(-1);
    return keep("one-time link token", /\/credentials\/([\w-]+)/.exec(mail?.content ?? "")?.[1]);
  };
  const firstToken = mailedToken();
  // While the pass is still sealed behind its link.
  const before = await dumpTables(store, "dump 1");

  // The technician re-issues the link (the first email went astray); the hire opens the new one, once.
  json(await http.call(script, "GET", `/api/runs/${onboard}/links`));
  json(await http.call(tech, "POST", `/api/runs/${onboard}/links/reissue`, { json: {} }));
  const secondToken = mailedToken();
  assert.notEqual(secondToken, firstToken);
  assert.equal((await http.call(browser(), "GET", `/credentials/${firstToken}`)).status, 404);
  assert.equal((await http.call(browser(), "GET", `/credentials/${secondToken}`)).status, 200);
  const revealed = await http.call(browser(), "POST", `/credentials/${secondToken}/reveal`);
  keep("Temporary Access Pass", json<{ secret: string }>(revealed).secret);
  assert.equal((await http.call(browser(), "POST", `/credentials/${secondToken}/reveal`)).status, 410);
  assert.equal((await http.call(browser(), "POST", `/credentials/${firstToken}/reveal`)).status, 404);
  json(await http.call(script, "GET", `/api/runs/${onboard}/links`));
  assert.equal(
    (await http.call(tech, "POST", `/api/runs/${onboard}/links/reissue`, { json: {} })).status,
    409,
  );

  // Her offboarding, approved by her manager through the link mailed to him: her password is reset to one
  // nobody knows.
  const leaving = await http.call(script, "POST", "/api/requests/offboard", {
    headers: { "idempotency-key": randomUUID() },
    json: { client: "acme", requester: "hr@acmecorp.com", user: upn, lastDay: "now" },
  });
  const { runId: offboard, planHash } = json<{ runId: string; planHash: string }>(leaving, 201);
  await waitForStatus(store, offboard, ["awaiting-approval"], 60_000);
  // The admin may not: Acme's policy names the manager.
  assert.equal(
    (await http.call(admin, "POST", `/api/runs/${offboard}/approve`, { json: { planHash } })).status,
    403,
  );
  const request = await eventually(
    () =>
      m365.admin
        .sentMail(acme.tenantId)
        .find((m) => m.toRecipients.includes("mike.chen@acmecorp.com") && m.content.includes("/approvals/")),
    "the approval request to Mike",
    30_000,
  );
  const approvalToken = keep("approval link token", /\/approvals\/([\w-]+)/.exec(request.content)?.[1]);
  assert.equal((await http.call(browser(), "GET", `/approvals/${approvalToken}`)).status, 200);
  const decided = await http.call(browser(), "POST", `/approvals/${approvalToken}`, {
    form: { decision: "approve", planHash, note: "" },
  });
  assert.equal(decided.status, 200, decided.body);
  await waitForStatus(store, offboard, [...ended], 60_000);
  const offboarded = json<{ status: string }>(await http.call(script, "GET", `/api/runs/${offboard}`));
  assert.equal(offboarded.status, "completed", JSON.stringify(offboarded));
  const reset = keep("reset password", m365.admin.user(acme.tenantId, upn).password);
  assert.equal(itglue.admin.password(Number(entry.id)).attributes.archived, true, "the entry is archived");
  assert.ok(reset !== generated, "the password was reset");

  // The technician makes Acme's onboarding form link for its HR person, who opens the form, looks up the
  // manager, previews and submits a starter (twice: a double click), and follows the run; then the link
  // is revoked.
  const issued = await http.call(tech, "POST", "/api/clients/acme/form-links", {
    json: { kind: "onboard", label: "Acme HR" },
  });
  const formLink = json<{ id: string; url: string }>(issued, 201);
  const formToken = keep("form link token", formLink.url.split("/forms/")[1]);
  json(await http.call(tech, "GET", "/api/clients/acme/form-links"));
  assert.equal((await http.call(browser(), "GET", `/forms/${formToken}`)).status, 200);
  json(await http.call(browser(), "GET", `/api/public/forms/${formToken}`));
  const looked = json<{ people: { userPrincipalName: string }[] }>(
    await http.call(browser(), "GET", `/api/public/forms/${formToken}/people?q=mike`),
  );
  assert.ok(
    looked.people.some((p) => p.userPrincipalName === "mike.chen@acmecorp.com"),
    JSON.stringify(looked),
  );
  json(await http.call(tech, "GET", "/api/clients/acme/people?q=mike"));
  // Starting in years: the worker leaves it scheduled, so no pass is made for it.
  const starter = {
    requester: "hr@acmecorp.com",
    firstName: "Lena",
    lastName: "Park",
    department: "Marketing",
    manager: "mike.chen@acmecorp.com",
    start: "2030-01-07T09:00",
  };
  json(await http.call(browser(), "POST", `/api/public/forms/${formToken}/preview`, { json: starter }));
  const formKey = randomUUID();
  let statusUrl = "";
  for (let i = 0; i < 2; i++) {
    const sent = await http.call(browser(), "POST", `/api/public/forms/${formToken}/submit`, {
      headers: { "idempotency-key": formKey },
      json: starter,
    });
    statusUrl = json<{ statusUrl: string }>(sent, 201).statusUrl;
  }
  keep("form status token", statusUrl.split("/api/public/status/")[1]);
  json(await http.call(browser(), "GET", new URL(statusUrl).pathname));
  json(await http.call(tech, "DELETE", `/api/clients/acme/form-links/${formLink.id}`));
  assert.equal((await http.call(browser(), "GET", `/api/public/forms/${formToken}`)).status, 410);

  // What a console, a script and the CLI read afterwards; a forgotten password; both sign out.
  for (const runId of [onboard, offboard]) {
    json(await http.call(script, "GET", `/api/runs/${runId}/events`));
    for (const format of ["json", "html", "pdf"])
      assert.equal(
        (await http.call(script, "GET", `/api/runs/${runId}/report?format=${format}`)).status,
        200,
      );
    await http.stream(script, runId, (await getRun(store, runId)).events.at(-1)?.id);
  }
  for (const [who, path] of [
    [tech, "/api/runs"],
    [tech, "/api/clients/acme"],
    [tech, "/api/auth/tokens"],
    [cli, "/api/auth/tokens?all=true"],
    [cli, "/api/staff"],
    [cli, "/api/audit"],
  ] as const)
    json(await http.call(who, "GET", path));
  json(await http.call(cli, "POST", "/api/audit/verify", { json: {} }));
  const relinked = await http.call(cli, "POST", "/api/staff/tech%40msp.example/sign-in-link", { json: {} });
  keepToken(
    "sign-in link token",
    json<{ signInLink: string }>(relinked, 201).signInLink.split("/sign-in/")[1],
  );
  for (const who of [admin, tech]) {
    const cookie = session(who)!;
    json(await http.call(who, "POST", "/api/auth/sign-out", { json: {} }));
    const replayed = await http.call({ cookies: new Map([["lc_session", cookie]]) }, "GET", "/api/auth/me");
    assert.equal(replayed.status, 401, "a signed-out session is over");
  }
  const after = await dumpTables(store, "dump 2");

  // The places: both dumps, every run's events as the engine reads them, the log, every answer.
  for (const name of [
    "staff_sessions",
    "staff_tokens",
    "credentials",
    "one_time_links",
    "audit_log",
    "events",
  ])
    assert.ok(after.tables.includes(`public.${name}`), `the dump has ${name}`);
  const places: Place[] = [...before.places, ...after.places];
  let events = 0;
  for (const { id } of await store.query<{ id: string }>("select id from runs"))
    for (const e of (await getRun(store, id)).events) {
      events += 1;
      places.push({ where: `run ${id} event ${e.id} (${e.type})`, text: JSON.stringify(e) });
    }
  // The emulators' own request logs.
  places.push({ where: "the Microsoft 365 emulator's call log", text: JSON.stringify(m365.admin.calls()) });
  places.push({ where: "the IT Glue emulator's call log", text: JSON.stringify(itglue.admin.calls()) });
  if (partial) logLines.push(partial);
  logLines.forEach((line, i) => places.push({ where: `server log line ${i + 1}`, text: line }));
  for (const a of http.answers) {
    const where = `answer ${a.n} (${a.method} ${a.path} ${a.status})`;
    places.push({ where: `${where} body`, text: a.body, answer: a, part: "body" });
    for (const [name, value] of a.headers)
      places.push({ where: `${where} header ${name}`, text: value, answer: a, part: name });
  }

  const { found, carrying, used } = scan(places, secrets);
  // What the vendors received: every request, each secret only where its carrier hands it over.
  const toVendors = scanSent(sent, secrets);
  assert.deepEqual(
    { kept: found, sent: toVendors.found },
    { kept: [], sent: [] },
    "secrets where they must never be: kept or shown by Lifecycle, or sent to a vendor",
  );
  // Every exception was met: the scan saw its secret there, so it would have seen it anywhere else.
  assert.deepEqual(
    carriers.filter((c) => !used.has(c)).map((c) => `${c.route} ${c.part}`),
    [],
    "exceptions that carried nothing",
  );
  assert.deepEqual(
    vendorCarriers.filter((c) => !toVendors.used.has(c)).map((c) => `${c.vendor} ${c.route} ${c.part}`),
    [],
    "vendor requests allowed a secret that carried none",
  );
  // Every request the emulators answered was seen leaving: none went past the recording.
  for (const [vendor, calls] of [
    ["Microsoft 365", m365.admin.calls().filter((c) => !c.insideBatch)],
    ["IT Glue", itglue.admin.calls()],
  ] as const)
    assert.equal(
      sent.filter((r) => r.vendor === vendor).length,
      calls.length,
      `${vendor}: requests sent and answered`,
    );
  const kinds = new Set(secrets.map((s) => s.kind));
  assert.ok(kinds.has("vendor access token"), "the connectors' access tokens were seen");
  assert.ok(logLines.length > http.answers.length, "the log has a line per request at least");
  t.diagnostic(
    `secret scan: ${secrets.length} secrets of ${kinds.size} kinds looked for in ${before.rows + after.rows} rows ` +
      `of ${after.tables.length} tables (2 dumps), ${logLines.length} server log lines (level trace), ` +
      `${events} run events and ${http.answers.length} API answers (bodies and headers): found only in ` +
      `the ${carrying.size} answers whose purpose is to carry one; ${sent.length} requests to the vendors ` +
      `carried them only where ${toVendors.used.size} kinds of request must`,
  );
});
