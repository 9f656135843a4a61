// Datto RMM publishes no spec file we could load (reference §0: only openapi-typescript output generated
// from the live spec, in Panoptic-IT-Solutions/Panoptic-n8n-Nodes). So the paths, parameters and
// schemas that output names (`Device`, `DevicesPage`, `PaginationData`, `Udf`, `DeviceAudit`, `Site`,
// `SitesPage`, `PaginationConfiguration`, `RateStatusResponse`) are written down here as data and JSON
// Schemas, and every route the emulator serves, and every request the connector sends and answer the
// emulator gives in a full run of the RMM port (captured by the emulator's call log), is checked against
// them. Datto sends null for empty fields, so every documented string may be null.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { dattoRoutes } from "../../emulators/datto-rmm/api.ts";
import { verbatim } from "../../emulators/datto-rmm/errors.ts";
import { dattoDemo, startDattoRmmEmulator, type CallRecord } from "../../emulators/datto-rmm/index.ts";
import { rig } from "../connectors/datto-rmm/support.ts";

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats.default(ajv);

/** Each path the spec-derived types list that the emulator serves, with its query parameters. */
const specPaths: Record<string, { query: readonly string[] }> = {
  "GET /v2/account/sites": { query: ["page", "max", "siteName"] },
  "GET /v2/site/{siteUid}": { query: [] },
  "GET /v2/site/{siteUid}/devices": { query: ["page", "max", "filterId"] },
  "GET /v2/device/{deviceUid}": { query: [] },
  "POST /v2/device/{deviceUid}/udf": { query: [] },
  "GET /v2/audit/device/{deviceUid}": { query: [] },
  "GET /v2/system/pagination": { query: [] },
  "GET /v2/system/request_rate": { query: [] },
};

const str = { type: ["string", "null"] } as const;
const int = { type: "integer" } as const;
const bool = { type: "boolean" } as const;
const dateTime = { type: ["string", "null"], format: "date-time" } as const;
const closed = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: "object",
  additionalProperties: false,
  required,
  properties,
});
const udfNames = Array.from({ length: 30 }, (_, i) => `udf${i + 1}`);

const pagination = closed(
  {
    count: int,
    totalCount: int,
    prevPageUrl: { ...str, format: "uri" },
    nextPageUrl: { ...str, format: "uri" },
  },
  ["count", "totalCount", "prevPageUrl", "nextPageUrl"],
);
const udf = closed(Object.fromEntries(udfNames.map((n) => [n, str])));
const device = closed(
  {
    id: int,
    uid: { type: "string", minLength: 1 },
    siteId: int,
    siteUid: { type: "string" },
    siteName: str,
    deviceType: closed({ category: str, type: str }),
    hostname: str,
    intIpAddress: str,
    operatingSystem: str,
    lastLoggedInUser: str,
    domain: str,
    cagVersion: str,
    displayVersion: str,
    extIpAddress: str,
    description: str,
    a64Bit: bool,
    rebootRequired: bool,
    online: bool,
    suspended: bool,
    deleted: bool,
    lastSeen: dateTime,
    lastReboot: dateTime,
    lastAuditDate: dateTime,
    creationDate: dateTime,
    udf,
    snmpEnabled: bool,
    deviceClass: { enum: ["device", "printer", "esxihost", "unknown"] },
    portalUrl: { ...str, format: "uri" },
    warrantyDate: str,
    antivirus: closed({
      antivirusProduct: str,
      antivirusStatus: { enum: ["RunningAndUpToDate", "RunningAndNotUpToDate", "NotRunning", "NotDetected"] },
    }),
    patchManagement: closed({
      patchStatus: {
        enum: ["NoPolicy", "NoData", "RebootRequired", "InstallError", "ApprovedPending", "FullyPatched"],
      },
      patchesApprovedPending: int,
      patchesNotApproved: int,
      patchesInstalled: int,
    }),
    softwareStatus: str,
    webRemoteUrl: str,
  },
  ["uid", "siteUid", "hostname", "deviceClass", "udf"],
);
const site = closed(
  {
    id: int,
    uid: { type: "string", minLength: 1 },
    accountUid: str,
    name: { type: "string" },
    description: str,
    notes: str,
    onDemand: bool,
    splashtopAutoInstall: bool,
    proxySettings: {
      oneOf: [
        { type: "null" },
        closed({
          host: str,
          password: str,
          port: int,
          type: { enum: ["http", "socks4", "socks5"] },
          username: str,
        }),
      ],
    },
    devicesStatus: closed({ numberOfDevices: int, numberOfOnlineDevices: int, numberOfOfflineDevices: int }),
    autotaskCompanyName: str,
    autotaskCompanyId: str,
    portalUrl: str,
  },
  ["uid", "name"],
);
const nic = closed({ instance: str, ipv4: str, ipv6: str, macAddress: str, type: str });
const audit = closed({
  portalUrl: str,
  webRemoteUrl: str,
  systemInfo: closed({
    manufacturer: str,
    model: str,
    totalPhysicalMemory: int,
    username: str,
    dotNetVersion: str,
    totalCpuCores: int,
  }),
  nics: { type: "array", items: nic },
  bios: closed({ instance: str, releaseDate: dateTime, serialNumber: str, smBiosVersion: str }),
  baseBoard: closed({ manufacturer: str, product: str }),
  displays: { type: "array" },
  logicalDisks: {
    type: "array",
    items: closed({ description: str, diskIdentifier: str, freespace: int, size: int }),
  },
  mobileInfo: { type: "array" },
  processors: { type: "array", items: closed({ name: str }) },
  videoBoards: { type: "array" },
  attachedDevices: { type: "array" },
  snmpInfo: { type: "object" },
  physicalMemory: { type: "array" },
});

const schemas = {
  devicesPage: closed({ pageDetails: pagination, devices: { type: "array", items: device } }, [
    "pageDetails",
    "devices",
  ]),
  sitesPage: closed({ pageDetails: pagination, sites: { type: "array", items: site } }, [
    "pageDetails",
    "sites",
  ]),
  device,
  site,
  audit,
  // The connector writes strings only: "" clears (the spec: "set to null").
  udfRequest: {
    ...closed(Object.fromEntries(udfNames.map((n) => [n, { type: "string" }]))),
    minProperties: 1,
  },
  paginationConfiguration: closed({ max: int }, ["max"]),
  rateStatus: closed(
    {
      slidingTimeWindowSizeSeconds: int,
      accountUid: str,
      accountCount: int,
      accountRateLimit: int,
      accountCutOffRatio: { type: "number" },
    },
    ["accountCount", "accountRateLimit"],
  ),
  // The envelope is [unconfirmed] (§11); the default style is Spring's, and its message one of Datto's texts.
  springError: closed(
    {
      timestamp: { type: "string", format: "date-time" },
      status: { type: "integer", minimum: 400 },
      error: { type: "string", minLength: 1 },
      message: { type: "string", minLength: 1 },
      path: { type: "string", pattern: "^/api/v2/" },
    },
    ["timestamp", "status", "error", "message", "path"],
  ),
} as const;

const v = Object.fromEntries(Object.entries(schemas).map(([k, s]) => [k, ajv.compile(s)])) as Record<
  keyof typeof schemas,
  ValidateFunction
>;

/** Per endpoint: the request body schema (when it has one) and the success answer's (none: an empty 200). */
const endpoints: Record<string, { request?: ValidateFunction; response?: ValidateFunction }> = {
  "GET /v2/account/sites": { response: v.sitesPage },
  "GET /v2/site/{siteUid}": { response: v.site },
  "GET /v2/site/{siteUid}/devices": { response: v.devicesPage },
  "GET /v2/device/{deviceUid}": { response: v.device },
  "POST /v2/device/{deviceUid}/udf": { request: v.udfRequest },
  "GET /v2/audit/device/{deviceUid}": { response: v.audit },
  "GET /v2/system/pagination": { response: v.paginationConfiguration },
  "GET /v2/system/request_rate": { response: v.rateStatus },
};

const documented = new Set<string>([...Object.values(verbatim), "API rate limit exceeded"]);
const keyOf = (c: Pick<CallRecord, "method" | "route">) =>
  `${c.method} ${c.route.replace(/^\/api/, "").replace(/:(\w+)/g, "{$1}")}`;

function problemsOf(call: CallRecord): string[] {
  const key = keyOf(call);
  const where = `${key} → ${call.status}`;
  const endpoint = endpoints[key];
  const spec = specPaths[key];
  if (!endpoint || !spec) return [`${where}: an endpoint the spec-derived types here do not describe`];
  const out: string[] = [];
  const query = [...new URL(call.url, "http://x").searchParams.keys()];
  for (const q of query) if (!spec.query.includes(q)) out.push(`${where}: query parameter ${q}`);
  if (endpoint.request && !endpoint.request(call.requestBody))
    out.push(
      `${where}: request ${ajv.errorsText(endpoint.request.errors)} in ${JSON.stringify(call.requestBody)}`,
    );
  if (!endpoint.request && call.requestBody !== undefined) out.push(`${where}: a body where none belongs`);
  if (call.status >= 400) {
    if (!v.springError(call.responseBody))
      out.push(`${where}: envelope ${ajv.errorsText(v.springError.errors)}`);
    const message = (call.responseBody as { message?: string } | undefined)?.message ?? "";
    if (!documented.has(message)) out.push(`${where}: "${message}" is not one of Datto's texts`);
  } else if (endpoint.response ? !endpoint.response(call.responseBody) : call.responseBody !== undefined) {
    out.push(
      `${where}: answer ${endpoint.response ? ajv.errorsText(endpoint.response.errors) : "a body"} in ${JSON.stringify(call.responseBody).slice(0, 300)}`,
    );
  }
  return out;
}

test("every route the emulator serves is a path and method of the spec-derived types", () => {
  const served = dattoRoutes.map((r) => `${r.method} ${r.path}`).sort();
  assert.deepEqual(served, Object.keys(specPaths).sort());
});

test("every request the connector sends and every answer the emulator gives match the spec-derived shapes", async () => {
  const r = await rig({ pageSize: 2 });
  try {
    const g = dattoDemo.globex;
    const { rmm, emu } = r;
    await rmm.findEndUser(g.tom.email);
    await rmm.findDeviceBySerial(g.serials.newDesktop);
    await rmm.findDeviceBySerial("NOPE-0000");
    await rmm.devicesOf({ email: g.tom.email, accounts: [g.tom.account] });
    await rmm.setDeviceOwner(g.devices.newDesktop, { email: "sarah.johnson@globex.de" });
    await rmm.setDeviceOwner(g.devices.newDesktop, { email: "sarah.johnson@globex.de" });
    await rmm.clearDeviceOwner(g.devices.tomLaptop);
    await rmm.clearDeviceOwner("00000000-dead-beef");
    await rmm.setDeviceOwner("00000000-dead-beef", { email: "x@globex.de" }).catch(() => undefined);
    await rmm
      .setDeviceOwner(g.devices.annaLaptop, { email: `${"x".repeat(300)}@globex.de` })
      .catch(() => undefined);
    emu.admin.injectFault({ kind: "status", status: 429, retryAfterSeconds: 0, pathPattern: "^/api/" });
    await rmm.devicesOf({ email: g.tom.email, accounts: [] });
    // The reads the connector does not make, so their answers are checked too.
    const bearer = { authorization: (await r.tokens.headers()).authorization ?? "" };
    for (const path of [
      `/v2/site/${g.siteUid}`,
      "/v2/account/sites?max=1",
      "/v2/system/pagination",
      "/v2/system/request_rate",
    ])
      assert.equal((await fetch(`${emu.url}/api${path}`, { headers: bearer })).status, 200, path);
    assert.equal(
      (await fetch(`${emu.url}/api/v2/audit/device/${g.devices.printer}`, { headers: bearer })).status,
      400,
    );
    assert.equal(
      (await fetch(`${emu.url}/api/v2/site/${g.siteUid}/devices?filterId=9`, { headers: bearer })).status,
      404,
    );

    const calls = emu.admin.calls({ api: "api" });
    const seen = new Set(calls.map(keyOf));
    assert.deepEqual([...seen].sort(), Object.keys(endpoints).sort(), "the run reaches every endpoint");
    for (const status of [200, 400, 404, 429])
      assert.ok(
        calls.some((c) => c.status === status),
        `the run includes a ${status}`,
      );
    assert.deepEqual(calls.flatMap(problemsOf), []);
  } finally {
    await r.close();
  }
});

test("the schemas refuse what the spec-derived types rule out, so the test above can fail", async () => {
  const emu = await startDattoRmmEmulator({ profile: "fast", seed: "demo" });
  try {
    const good = emu.admin.device(dattoDemo.globex.devices.tomLaptop);
    assert.equal(v.device(good), true, ajv.errorsText(v.device.errors));
    assert.equal(v.device({ ...good, serialNumber: "X" }), false, "a field Device does not have");
    assert.equal(v.device({ ...good, udf: { ...good.udf, udf31: "x" } }), false, "a 31st UDF");
    assert.equal(v.device({ ...good, deviceClass: "laptop" }), false, "a class Datto does not have");
    assert.equal(v.udfRequest({ owner: "x" }), false, "a body that names no UDF");
    assert.equal(v.udfRequest({}), false, "an empty write");
    const page = { count: 1, totalCount: 1, prevPageUrl: null, nextPageUrl: "page=2" };
    assert.equal(v.devicesPage({ pageDetails: page, devices: [] }), false, "a relative next link");
    assert.equal(v.springError({ message: "x" }), false, "an envelope without its status");
    assert.equal(
      problemsOf({
        at: "",
        method: "DELETE",
        route: "/api/v2/device/:deviceUid",
        url: "/api/v2/device/x",
        api: "api",
        tenantId: undefined,
        appId: undefined,
        status: 204,
        durationMs: 0,
        requestId: "",
        insideBatch: false,
        fault: undefined,
        requestBody: undefined,
        responseBody: undefined,
        retryAfter: undefined,
      }).length,
      1,
      "an endpoint nobody described",
    );
  } finally {
    await emu.close();
  }
});
