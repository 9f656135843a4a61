import { fireEvent, render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { BulkRows, blockingLines, type BulkRow } from "./BulkRows";

const rows: BulkRow[] = [
  {
    line: 2,
    ok: true,
    excluded: false,
    errors: [],
    findings: [],
    summary: { name: "Ann Doe", upn: "ann.doe@acme.example" },
  },
  {
    line: 3,
    ok: false,
    excluded: false,
    errors: [{ field: "lastName", message: "is required" }],
    findings: [],
    summary: { name: "Carl" },
  },
  {
    line: 4,
    ok: true,
    excluded: false,
    errors: [],
    findings: [{ field: "department", severity: "warning", message: "is not in the group map" }],
    summary: { name: "Bea Doe" },
  },
];

const rowOf = (line: number) => {
  const row = document.querySelector(`tr[data-line="${line}"]`);
  if (!(row instanceof HTMLElement)) throw new Error(`no row for line ${line}`);
  return row;
};

describe("BulkRows", () => {
  it("names a bad row by its line and field, and lets each row be left out", () => {
    const onToggle = vi.fn();
    render(<BulkRows rows={rows} excluded={new Set()} onToggle={onToggle} submitted={false} />);
    const bad = within(rowOf(3));
    expect(bad.getByText("1 error")).toBeTruthy();
    expect(rowOf(3).textContent).toContain("Line 3, lastName: is required");
    expect(within(rowOf(2)).getByText("ready")).toBeTruthy();
    // A pre-flight warning is shown, but does not make the row bad.
    expect(rowOf(4).textContent).toContain("warning: department is not in the group map");
    expect(within(rowOf(4)).getByText("ready")).toBeTruthy();

    const box = screen.getByRole("checkbox", { name: "Include line 3" }) as HTMLInputElement;
    expect(box.checked).toBe(true);
    fireEvent.click(box);
    expect(onToggle).toHaveBeenCalledWith(3, false);
  });

  it("shows a left-out row as left out, and only bad included rows block the submit", () => {
    render(<BulkRows rows={rows} excluded={new Set([3])} onToggle={() => {}} submitted={false} />);
    expect(within(rowOf(3)).getByText("left out")).toBeTruthy();
    expect((screen.getByRole("checkbox", { name: "Include line 3" }) as HTMLInputElement).checked).toBe(
      false,
    );
    expect(blockingLines(rows, new Set())).toEqual([3]);
    expect(blockingLines(rows, new Set([3]))).toEqual([]);
    expect(blockingLines(rows, new Set([2]))).toEqual([3]);
  });

  it("locks the checkboxes once the batch is submitted", () => {
    render(<BulkRows rows={rows.slice(1, 2)} excluded={new Set([3])} submitted />);
    expect((screen.getByRole("checkbox", { name: "Include line 3" }) as HTMLInputElement).disabled).toBe(
      true,
    );
    expect(screen.getByRole("columnheader", { name: "Run" })).toBeTruthy();
  });
});
