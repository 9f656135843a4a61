import fastifyStatic from "@fastify/static";
import { z } from "zod";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { ApiError } from "../errors.ts";
import { escape, page } from "../html-page.ts";
import type { ZodTypeProvider } from "../zod.ts";

/** Where `npm run build:web` (run by `npm install`) writes the console and the public form. */
export const webDist = fileURLToPath(new URL("../../../web/dist/", import.meta.url));

export interface ConsoleOptions {
  /** Another build (tests); the project's web/dist by default. */
  dist?: string;
}

type Page = "index.html" | "form.html";

// Vite names every asset name-hash.ext at the top of assets/: a slash or a dot-dot is never one of them.
const assetParams = z.strictObject({ file: z.string().regex(/^[\w-]+(\.[\w-]+)+$/) });

/**
 * The staff console and the client-facing form, built by Vite. Assets carry a content hash, so they are
 * cached for good; the pages are not, so a new build is picked up at the next load. The console's own
 * router draws every other path, which is why the not-found handler answers a browser's GET with it.
 */
export async function serveConsole(app: FastifyInstance, opts: ConsoleOptions = {}) {
  const dist = opts.dist ?? webDist;
  const built = existsSync(`${dist}/index.html`);
  const pages = new Map<Page, string>();
  const pageText = async (name: Page): Promise<string | undefined> => {
    if (!built) return undefined;
    let text = pages.get(name);
    if (text === undefined) {
      text = await readFile(`${dist}/${name}`, "utf8");
      pages.set(name, text);
    }
    return text;
  };

  await app.register(async (site) => {
    // The build's own files: public as any web page's scripts are; nothing in them is secret.
    if (built) {
      const files = new Set(await readdir(`${dist}/assets`));
      await site.register(fastifyStatic, { root: `${dist}/assets`, serve: false });
      site
        .withTypeProvider<ZodTypeProvider>()
        .get(
          "/assets/:file",
          { schema: { hide: true, params: assetParams }, config: { access: { public: true } } },
          async (request, reply) => {
            if (!files.has(request.params.file))
              throw new ApiError("LC_ERR_NOT_FOUND", `no file ${request.params.file} in this build`);
            return reply.sendFile(request.params.file, {
              immutable: true,
              maxAge: "365d",
              cacheControl: true,
            });
          },
        );
    }
  });

  return {
    /** A GET for a page of the console (any path outside /api that a browser asks for as HTML). */
    wants(request: FastifyRequest): boolean {
      const path = request.url.split("?")[0] ?? "";
      return (
        (request.method === "GET" || request.method === "HEAD") &&
        !path.startsWith("/api/") &&
        path !== "/api" &&
        (request.headers.accept ?? "").includes("text/html")
      );
    },
    async send(reply: FastifyReply) {
      return sendPage(reply, "index.html", await pageText("index.html"));
    },
    /** The public form's page, for the form-link route to answer once it has found the link good. */
    async sendForm(reply: FastifyReply) {
      return sendPage(reply, "form.html", await pageText("form.html"));
    },
  };
}

function sendPage(reply: FastifyReply, name: Page, text: string | undefined) {
  // A page of one link keeps the no-store its route gave it; the console's pages need only revalidating.
  if (!reply.hasHeader("cache-control")) reply.header("cache-control", "no-cache");
  if (text !== undefined) return reply.type("text/html; charset=utf-8").send(text);
  return reply
    .code(503)
    .type("text/html; charset=utf-8")
    .send(
      page(
        "Console not built",
        `<p>The console has not been built in this checkout (${escape(name)} is missing). ` +
          "Run <code>npm run build:web</code> (npm install does it) and reload.</p>",
      ),
    );
}
