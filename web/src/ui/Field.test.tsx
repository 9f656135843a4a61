import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { Field } from "./Field";

describe("Field", () => {
  it("labels its control and reads its error with it", () => {
    render(
      <Field label="First name" error="must not be empty" help="As on their passport" required>
        <input />
      </Field>,
    );
    const input = screen.getByLabelText(/First name/);
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const described = (input.getAttribute("aria-describedby") ?? "").split(" ");
    const texts = described.map((id) => document.getElementById(id)?.textContent);
    expect(texts).toEqual(["As on their passport", "must not be empty"]);
    expect(screen.getByRole("alert").textContent).toBe("must not be empty");
  });

  it("is not marked invalid without an error", () => {
    render(
      <Field label="Notes">
        <textarea />
      </Field>,
    );
    const input = screen.getByLabelText("Notes");
    expect(input.getAttribute("aria-invalid")).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
