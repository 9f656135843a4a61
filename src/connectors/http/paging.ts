import { VendorError } from "./vendor-error.ts";

/** One page as a vendor's reader sees it: its items, and where the next one is (absent at the end). */
export interface LinkedPage<T> {
  items: readonly T[];
  next?: string | null;
}

/** A runaway vendor (or a bug of ours) must end in an error, not in a worker paging forever. */
const defaultMaxPages = 10_000;

/**
 * Follows "next" links until there is none: Graph's and Exchange's @odata.nextLink, Autotask's and Datto
 * RMM's pageDetails.nextPageUrl, ConnectWise's Link rel="next" (see nextFromLinkHeader). Links are
 * followed as given: they carry the vendor's own cursor.
 */
export async function* followLinks<T>(
  api: string,
  first: string,
  fetchPage: (url: string, index: number) => Promise<LinkedPage<T>>,
  maxPages = defaultMaxPages,
): AsyncGenerator<T> {
  let url: string | undefined = first;
  for (let index = 0; url; index++) {
    if (index >= maxPages) throw runaway(api, first, `more than ${maxPages} pages`);
    const page: LinkedPage<T> = await fetchPage(url, index);
    yield* page.items;
    const next: string | undefined = page.next ?? undefined;
    if (next === url) throw runaway(api, first, `page ${index + 1} links to itself`);
    url = next;
  }
}

export interface NumberedPage<T> {
  items: readonly T[];
  /** The vendor's total count, when it sends one (HaloPSA's record_count, IT Glue's meta.total-count). */
  total?: number;
  /** The vendor's own "last page" signal, when it has one (IT Glue's meta.next-page: null). */
  last?: boolean;
}

/**
 * Page-number paging (HaloPSA page_no, Hudu page, IT Glue page[number], Syncro page): asks for page after
 * page until one comes back short or empty, the total is reached, or the vendor says it was the last.
 * `fetchPage` builds its own query from the number: nothing is written into the caller's arguments.
 */
export async function* numberedPages<T>(
  api: string,
  fetchPage: (page: number, pageSize: number) => Promise<NumberedPage<T>>,
  opts: { pageSize: number; firstPage?: number; maxPages?: number },
): AsyncGenerator<T> {
  const first = opts.firstPage ?? 1;
  const maxPages = opts.maxPages ?? defaultMaxPages;
  let seen = 0;
  for (let n = 0; ; n++) {
    if (n >= maxPages) throw runaway(api, `page ${first}`, `more than ${maxPages} pages`);
    const page = await fetchPage(first + n, opts.pageSize);
    yield* page.items;
    seen += page.items.length;
    if (page.last || page.items.length < opts.pageSize) return;
    if (page.total !== undefined && seen >= page.total) return;
  }
}

/** The rel="next" target of an RFC 8288 Link header, as ConnectWise sends it. */
export function nextFromLinkHeader(header: string | null | undefined): string | undefined {
  for (const m of (header ?? "").matchAll(/<([^>]*)>([^<]*)/g)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]*))/i.exec(m[2] ?? "");
    const rels = (rel?.[1] ?? rel?.[2] ?? "").toLowerCase().split(/\s+/);
    if (rels.includes("next")) return m[1];
  }
  return undefined;
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function runaway(api: string, first: string, why: string): VendorError {
  return new VendorError({
    api,
    kind: "transient",
    code: "MALFORMED_RESPONSE",
    message: `paging ${first.split("?")[0]}: ${why}`,
  });
}
