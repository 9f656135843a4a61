export const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// No script: the page must work under the server's strict content security policy, and a form post is
// what a mail scanner's prefetch never sends.
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escape(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1b1b1b}
code{display:block;font-size:1.4rem;padding:1rem;background:#f2f2f2;border-radius:.4rem;word-break:break-all}
button{font:inherit;padding:.6rem 1.4rem;border:0;border-radius:.4rem;background:#0b5cad;color:#fff;cursor:pointer}
.note{color:#555;font-size:.9rem}</style></head>
<body><h1>${escape(title)}</h1>${body}</body></html>`;
}

/** An HTML answer in the OpenAPI document. */
export const htmlContent = { "text/html": { schema: { type: "string" } } };
export const htmlResponse = (description: string) => ({ description, content: htmlContent });
