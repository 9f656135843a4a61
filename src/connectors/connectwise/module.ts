import { z } from "zod";
import { defineConnector } from "../module.ts";
import { connectwiseConfig, connectwiseCredential, connectwiseKeyKind } from "./config.ts";
import { connectwisePsa } from "./psa.ts";
import { CwTransport } from "./transport.ts";

/** ConnectWise PSA (Manage): the client's contacts, tickets, internal notes and statuses. */
export const connectwise = defineConnector({
  id: "connectwise",
  system: "psa",
  title: "ConnectWise PSA",
  config: connectwiseConfig,
  credential: { kind: connectwiseKeyKind, schema: connectwiseCredential },
  provides: ["psa"],
  // "More than 1,000 requests per minute will likely experience rate limiting" (reference §2): stay far below.
  limits: { concurrency: 4, ratePerSecond: 10 },
  build: (config, credential, runtime) => ({
    psa: connectwisePsa(
      config,
      new CwTransport({
        site: config.site,
        codebase: config.codebase,
        apiVersion: config.apiVersion,
        credential,
        pageSize: config.pageSize,
        runtime,
      }),
    ),
  }),
  // ConnectWise signs each request with the API member's keys (no token): one page of one small list.
  async testConnection(config, credential, runtime) {
    const cw = new CwTransport({
      site: config.site,
      codebase: config.codebase,
      apiVersion: config.apiVersion,
      credential,
      pageSize: 1,
      runtime,
    });
    await cw.send({
      method: "GET",
      path: "/company/communicationTypes",
      call: "GET /company/communicationTypes",
      query: { pageSize: "1" },
      schema: z.array(z.unknown()),
    });
  },
});
