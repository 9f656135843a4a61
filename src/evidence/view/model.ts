/**
 * The report as a reader sees it, before it is a page or a PDF: sections of tables, label/value pairs and
 * lines of text. Built once from the report (view/sections.ts); each renderer only draws it, so the page
 * and the PDF show the same sections, columns and words.
 */

/** How a value reads: good news, bad news, something to look at, or a side remark. */
export type Tone = "good" | "bad" | "warn" | "muted";

/** A smaller line under a cell's text: a key, an offset from the start, an error, a request id. */
export interface Note {
  text: string;
  tone?: Tone;
  mono?: boolean;
}

export interface Cell {
  text: string;
  tone?: Tone;
  bold?: boolean;
  mono?: boolean;
  /** A state word ("succeeded", "clean"): a badge on the page, coloured bold text in the PDF. */
  badge?: boolean;
  notes?: Note[];
}

export interface Column {
  header: string;
  /** A share of the table's width; a table's shares are scaled to fill it. */
  width: number;
  align?: "left" | "right";
  /** Every cell of the column in a fixed-width face (hashes, request ids, calls). */
  mono?: boolean;
}

export interface Table {
  kind: "table";
  columns: Column[];
  rows: Cell[][];
  /** Many rows of short values: drawn a size smaller. */
  dense?: boolean;
}

export type Block =
  | Table
  | { kind: "pairs"; rows: { label: string; value: Cell }[] }
  /** A sentence of the section; `note` is a small grey one (how to read the table below). */
  | { kind: "text"; text: string; tone?: Tone; note?: boolean }
  /** What a section says when there is nothing to show. */
  | { kind: "empty"; text: string }
  /** The section's one-line answer (the verification's result). */
  | { kind: "verdict"; text: string; tone: Tone }
  | { kind: "subheading"; text: string };

export interface Section {
  title: string;
  blocks: Block[];
}

export interface ReportView {
  eyebrow: string;
  title: string;
  meta: string;
  sections: Section[];
  /** What every page of the PDF, and the foot of the page, carries: the run and the plan it ran. */
  footer: string;
}

export const cell = (text: string, extra: Omit<Cell, "text"> = {}): Cell => ({ text, ...extra });
