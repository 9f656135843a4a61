export { buildReport, reportOf } from "./report/build.ts";
export { runReport, type RunReport, type ReportAction, type ReportChange } from "./report/schema.ts";
export { renderHtml } from "./html/render.ts";
export { renderPdf } from "./pdf/render.ts";
export { reportUrl } from "./url.ts";
export { redactText, withoutSecrets } from "./redact.ts";

/** The report's formats, as the API's `format` and the CLI's `--format` name them. */
export const reportFormats = ["json", "html", "pdf"] as const;
export type ReportFormat = (typeof reportFormats)[number];
export { duration } from "./format.ts";
