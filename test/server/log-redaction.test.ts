import assert from "node:assert/strict";
import { test } from "node:test";
import { buildServer } from "../../src/server/app.ts";
import { redactUrl } from "../../src/server/hardening/logging.ts";
import { stubStore } from "./helpers.ts";

// Every secret a test request carries has this in it, so one check finds any that got through.
const mark = "Zq9SECRET";
const secret = (n: number) => `${mark}${n}`;

interface Line {
  msg?: string;
  req?: { method: string; url: string };
  res?: { statusCode: number };
  [key: string]: unknown;
}

test("requests carrying secrets in paths, queries, headers, bodies and errors leave none in the log", async () => {
  const lines: string[] = [];
  const app = await buildServer({
    store: stubStore(async () => []),
    logger: { stream: { write: (line: string) => lines.push(line) } },
  });
  // A route that logs the worst it could: every header, the whole body, the reply's headers, then fails
  // with an error that holds the body and a URL with a token.
  app.post("/test/careless", { config: { access: { public: true } } }, async (request, reply) => {
    void reply.header("set-cookie", `lc_session=lcs_${secret(1)}.${secret(2)}; HttpOnly`);
    request.log.info({ headers: request.headers, body: request.body, sent: reply.getHeaders() }, "careless");
    throw Object.assign(
      new Error(`upstream https://lc.example/credentials/${secret(3)}?token=${secret(4)}`),
      {
        detail: request.body,
        cause: new Error(`refused: Authorization: Bearer ${secret(5)}`),
      },
    );
  });

  const auth = {
    authorization: `Bearer lct_${secret(6)}`,
    cookie: `lc_session=lcs_${secret(7)}.${secret(8)}`,
    "proxy-authorization": `Basic ${secret(9)}`,
  };
  await app.inject({ method: "GET", url: `/credentials/${secret(10)}`, headers: auth });
  await app.inject({ method: "POST", url: `/credentials/${secret(11)}/reveal`, headers: auth });
  await app.inject({
    method: "GET",
    url: `/api/clients?access_token=${secret(12)}&limit=5&client_secret=${secret(13)}&code=${secret(14)}`,
    headers: auth,
  });
  const careless = await app.inject({
    method: "POST",
    url: `/test/careless?password=${secret(15)}`,
    headers: auth,
    payload: {
      email: "tech@msp.example",
      password: secret(16),
      credential: { kind: "microsoft-app", value: { clientId: "c0ffee", clientSecret: secret(17) } },
      nested: [{ apiKey: secret(18) }, { newPassword: secret(19), privateKey: secret(20) }],
      note: `token pasted by mistake: lct_${secret(21)}`,
    },
  });
  assert.equal(careless.statusCode, 500);
  await app.close();

  const log = lines.join("");
  assert.equal(
    log.includes(mark),
    false,
    log
      .split("\n")
      .filter((l) => l.includes(mark))
      .join("\n"),
  );

  // The log still says what happened: it is on, and redaction took only the secrets.
  const parsed = lines.map((l) => JSON.parse(l) as Line);
  const urls = parsed.filter((l) => l.msg === "incoming request").map((l) => l.req?.url);
  assert.deepEqual(urls, [
    "/credentials/[redacted]",
    "/credentials/[redacted]/reveal",
    "/api/clients?access_token=[redacted]&limit=5&client_secret=[redacted]&code=[redacted]",
    "/test/careless?password=[redacted]",
  ]);
  const logged = parsed.find((l) => l.msg === "careless") as {
    body: { email: string; password: string; credential: { value: { clientId: string } }; note: string };
    headers: Record<string, string>;
  };
  assert.equal(logged.body.email, "tech@msp.example");
  assert.equal(logged.body.password, "[redacted]");
  assert.equal(logged.body.credential.value.clientId, "c0ffee");
  assert.equal(logged.body.note, "token pasted by mistake: lct_[redacted]");
  assert.equal(logged.headers.authorization, "[redacted]");
  assert.equal(logged.headers["content-type"], "application/json");
  const failed = parsed.find((l) => l.msg === "unhandled error") as { err: { message: string } };
  assert.match(failed.err.message, /credentials\/\[redacted\]\?token=\[redacted\]/);
  assert.deepEqual(
    parsed.filter((l) => l.msg === "request completed").map((l) => l.res?.statusCode),
    [404, 404, 401, 500],
  );
});

test("a URL keeps what is not secret: ids, filters and the shape of the query", () => {
  assert.equal(redactUrl("/api/runs?status=failed&limit=5"), "/api/runs?status=failed&limit=5");
  assert.equal(redactUrl("/api/runs/0b8e4c44/stream?after=12"), "/api/runs/0b8e4c44/stream?after=12");
  assert.equal(
    redactUrl("/signin/callback?code=abc&state=xyz"),
    "/signin/callback?code=[redacted]&state=[redacted]",
  );
  assert.equal(redactUrl("/credentials/abc?x=1"), "/credentials/[redacted]?x=1");
  assert.equal(
    redactUrl("https://lc.example:8443/credentials/abc"),
    "https://lc.example:8443/credentials/[redacted]",
  );
  assert.equal(
    redactUrl("/api/credentials/acme%2Fapp"),
    "/api/credentials/acme%2Fapp",
    "a credential's name",
  );
  assert.equal(redactUrl("/x?api%5Fkey=1"), "/x?api%5Fkey=[redacted]");
});

test("a form link's token and a submission's status token are redacted wherever the path carries them", () => {
  assert.equal(redactUrl("/forms/abc"), "/forms/[redacted]");
  assert.equal(redactUrl("https://lc.example/forms/abc"), "https://lc.example/forms/[redacted]");
  assert.equal(redactUrl("/api/public/forms/abc"), "/api/public/forms/[redacted]");
  assert.equal(
    redactUrl("/api/public/forms/abc/people?q=mi"),
    "/api/public/forms/[redacted]/people?q=mi",
    "the search is not secret",
  );
  assert.equal(redactUrl("/api/public/forms/abc/submit"), "/api/public/forms/[redacted]/submit");
  assert.equal(redactUrl("/api/public/status/abc"), "/api/public/status/[redacted]");
  assert.equal(
    redactUrl("/api/clients/acme/form-links/0b8e4c44"),
    "/api/clients/acme/form-links/0b8e4c44",
    "a link's id is not its token",
  );
});
