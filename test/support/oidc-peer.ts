import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

/** What the identity provider knows about a person: the claims its ID tokens carry. */
export interface Person {
  email?: string;
  email_verified?: boolean;
  preferred_username?: string;
  tid?: string;
}

export interface OidcPeer {
  issuer: string;
  /** Registers the one client (its redirect URIs are known only once Lifecycle listens) and starts answering. */
  serve(client: { clientId: string; clientSecret: string; redirectUris: string[] }): void;
  close(): Promise<void>;
}

/**
 * A real OpenID Provider (oidc-provider) on 127.0.0.1 with an ephemeral port, its people given by login
 * name. Its development login page takes any password; consent is a second form, as on a real provider.
 * ID tokens carry the profile and email claims themselves (as Entra's do), not only through userinfo.
 */
export async function startOidcPeer(people: Record<string, Person>): Promise<OidcPeer> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server: Server = createServer((req, res) => {
    if (handler) return handler(req, res);
    res.statusCode = 503;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    serve({ clientId, clientSecret, redirectUris }) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: redirectUris,
            response_types: ["code"],
            grant_types: ["authorization_code"],
            token_endpoint_auth_method: "client_secret_post",
          },
        ],
        async findAccount(_ctx, sub) {
          const person = people[sub];
          return person && { accountId: sub, claims: () => ({ sub, ...person }) };
        },
        claims: {
          openid: ["sub", "tid"],
          email: ["email", "email_verified"],
          profile: ["preferred_username"],
        },
        conformIdTokenClaims: false,
        cookies: { keys: ["oidc-peer-cookie-key-for-tests-only"] },
        features: { devInteractions: { enabled: true } },
        pkce: { required: () => true },
      });
      handler = provider.callback();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

interface StoredCookie {
  origin: string;
  name: string;
  value: string;
  path: string;
}

/**
 * A browser's part in a sign-in: real HTTP with fetch, redirects followed by hand (so a test can stop at
 * the callback), cookies kept per origin and path as a browser keeps them.
 */
export class Browser {
  private cookies: StoredCookie[] = [];

  cookie(origin: string, name: string): string | undefined {
    return this.cookies.find((c) => c.origin === origin && c.name === name)?.value;
  }

  /** A copy of this browser's cookies, so a test can present them again after the browser moved on. */
  snapshot(): StoredCookie[] {
    return this.cookies.map((c) => ({ ...c }));
  }

  restore(cookies: StoredCookie[]): void {
    this.cookies = cookies.map((c) => ({ ...c }));
  }

  async get(url: URL | string): Promise<Response> {
    return this.send(new URL(url), { method: "GET" });
  }

  async post(url: URL | string, form: Record<string, string>): Promise<Response> {
    return this.send(new URL(url), {
      method: "POST",
      body: new URLSearchParams(form).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
  }

  private async send(url: URL, init: RequestInit): Promise<Response> {
    const sent = this.cookies
      .filter((c) => c.origin === url.origin && url.pathname.startsWith(c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join("; ");
    const res = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: { accept: "text/html", ...(init.headers ?? {}), ...(sent ? { cookie: sent } : {}) },
    });
    for (const line of res.headers.getSetCookie()) this.store(url, line);
    return res;
  }

  private store(url: URL, line: string): void {
    const [pair = "", ...attributes] = line.split(";").map((s) => s.trim());
    const at = pair.indexOf("=");
    const name = pair.slice(0, at);
    const value = pair.slice(at + 1);
    const attr = (key: string) =>
      attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
    const path = attr("path") ?? "/";
    const expires = attr("expires");
    const gone =
      value === "" || attr("max-age") === "0" || (expires !== undefined && Date.parse(expires) <= Date.now());
    this.cookies = this.cookies.filter(
      (c) => !(c.origin === url.origin && c.name === name && c.path === path),
    );
    if (!gone) this.cookies.push({ origin: url.origin, name, value, path });
  }
}

const location = (res: Response): URL | undefined => {
  const to = res.headers.get("location");
  return res.status >= 300 && res.status < 400 && to ? new URL(to, res.url) : undefined;
};

/**
 * Goes from an authorization URL through the provider's login (as `login`) and consent until the
 * provider sends the browser back to `callbackPath`, and answers that callback URL unvisited. With
 * `abort`, the person cancels at the login page instead.
 */
export async function throughProvider(
  browser: Browser,
  authorizationUrl: URL,
  login: string,
  opts: { callbackPath: string; abort?: boolean },
): Promise<URL> {
  let res = await browser.get(authorizationUrl);
  for (let hops = 0; hops < 20; hops++) {
    const next = location(res);
    if (next) {
      if (next.pathname === opts.callbackPath) return next;
      res = await browser.get(next);
      continue;
    }
    const page = await res.text();
    const interaction = /^\/interaction\/[^/]+$/.test(new URL(res.url).pathname);
    if (res.status !== 200 || !interaction)
      throw new Error(`the provider answered ${res.status} at ${res.url}: ${page.slice(0, 300)}`);
    if (page.includes('name="prompt" value="login"')) {
      res = opts.abort
        ? await browser.get(`${res.url}/abort`)
        : await browser.post(res.url, { prompt: "login", login, password: "any" });
    } else if (page.includes('name="prompt" value="consent"')) {
      res = await browser.post(res.url, { prompt: "consent" });
    } else {
      throw new Error(`an interaction page this test does not know: ${page.slice(0, 300)}`);
    }
  }
  throw new Error("the provider never sent the browser back");
}
