import { fireEvent, render, screen, within } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import {
  errorsByStep,
  listSteps,
  moveStep,
  type FieldError,
  type Overlay,
  type Step,
} from "./ClientEditorOverlay";
import { StepListEditor } from "./ClientEditorSteps";

const base: Step[] = [
  { id: "create-user", action: "identity.create-user", title: "Create the user", after: [] },
  { id: "add-groups", action: "groups.add-member", title: "Add to groups", after: ["create-user"] },
  { id: "verify", action: "verify.onboarding", title: "Verify", after: "all" },
];
const empty: Overlay = { kind: "onboard", extends: "builtin:onboard@1" };

let latest: Overlay = empty;
function Harness({ start = empty, errors }: { start?: Overlay; errors?: FieldError[] }) {
  const [overlay, setOverlay] = useState(start);
  return (
    <StepListEditor
      base={base}
      overlay={overlay}
      errors={errors}
      onChange={(next) => {
        latest = next;
        setOverlay(next);
      }}
    />
  );
}

const titles = () =>
  within(screen.getByRole("list", { name: "Steps" }))
    .getAllByRole("listitem")
    .map((li) => li.getAttribute("aria-label"));

describe("the workflow step list", () => {
  it("removes a built-in step into the overlay, and restores it", () => {
    render(<Harness />);
    fireEvent.click(screen.getByRole("button", { name: "Remove Add to groups" }));
    expect(latest.remove).toEqual(["add-groups"]);
    expect(titles()).toEqual(["Create the user", "Verify"]);
    fireEvent.click(screen.getByRole("button", { name: "Restore add-groups" }));
    expect(latest.remove).toEqual([]);
    expect(titles()).toEqual(["Create the user", "Add to groups", "Verify"]);
  });

  it("reorders by editing after: the step moved up stops waiting and the other waits for it", () => {
    render(<Harness />);
    expect((screen.getByRole("button", { name: "Move Verify up" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "Move Add to groups up" }));
    expect(latest.patch).toEqual({ "add-groups": { after: [] }, "create-user": { after: ["add-groups"] } });
    expect(titles()).toEqual(["Add to groups", "Create the user", "Verify"]);
    // Moving it back undoes the patch rather than stacking a second one.
    fireEvent.click(screen.getByRole("button", { name: "Move Add to groups down" }));
    expect(latest.patch).toEqual({});
    expect(titles()).toEqual(["Create the user", "Add to groups", "Verify"]);
  });

  it("gives a step a condition, and refuses one that is not JSON", () => {
    render(<Harness />);
    fireEvent.click(screen.getByRole("button", { name: "Edit the condition of Add to groups" }));
    const box = screen.getByLabelText(/^Condition of Add to groups/);
    fireEvent.change(box, { target: { value: "{equals: oops" } });
    fireEvent.click(screen.getByRole("button", { name: "Apply condition" }));
    expect(screen.getByRole("alert").textContent).toMatch(/is not JSON/);
    fireEvent.change(box, { target: { value: '{"present": "request.department"}' } });
    fireEvent.click(screen.getByRole("button", { name: "Apply condition" }));
    expect(latest.patch).toEqual({ "add-groups": { when: { present: "request.department" } } });
    expect(screen.getByRole("listitem", { name: "Add to groups" }).textContent).toContain(
      'when {"present":"request.department"}',
    );
  });

  it("adds a step before the steps that come after all, and moves added steps within the overlay", () => {
    render(<Harness />);
    const form = within(screen.getByRole("form", { name: "Add a step" }));
    const add = (id: string, title: string, after: string) => {
      fireEvent.change(form.getByLabelText(/Step id/), { target: { value: id } });
      fireEvent.change(form.getByLabelText(/^Action/), { target: { value: "manual.task" } });
      fireEvent.change(form.getByLabelText(/^Title/), { target: { value: title } });
      fireEvent.change(form.getByLabelText(/Runs after/), { target: { value: after } });
      fireEvent.click(form.getByRole("button", { name: "Add step" }));
    };
    add("order-laptop", "Order a laptop", "create-user");
    add("ship-laptop", "Ship the laptop", "");
    expect(latest.add?.map((s) => s.id)).toEqual(["order-laptop", "ship-laptop"]);
    expect(titles()).toEqual([
      "Create the user",
      "Add to groups",
      "Order a laptop",
      "Ship the laptop",
      "Verify",
    ]);
    add("create-user", "Again", "");
    expect(form.getByText(/already a step of the workflow/)).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Move Ship the laptop up" }));
    expect(latest.add?.map((s) => s.id)).toEqual(["ship-laptop", "order-laptop"]);
    expect(latest.add?.find((s) => s.id === "order-laptop")?.after).toEqual(["create-user", "ship-laptop"]);
    fireEvent.click(screen.getByRole("button", { name: "Remove Order a laptop" }));
    expect(latest.add?.map((s) => s.id)).toEqual(["ship-laptop"]);
    expect(latest.remove ?? []).toEqual([]);
  });

  it("shows the validation's errors on the step and field they name", () => {
    const overlay: Overlay = {
      ...empty,
      add: [{ id: "bad-step", action: "no.such-action", title: "Bad step", after: [] }],
      remove: ["create-user"],
    };
    const errors: FieldError[] = [
      { field: "add.0.action", message: '"no.such-action" is not an action in the catalogue' },
      {
        field: "steps.add-groups.after.0",
        message: '"add-groups" comes after "create-user", which the overlay removes',
      },
      { field: "extends", message: "is not the base" },
    ];
    render(<Harness start={overlay} errors={errors} />);
    const bad = screen.getByRole("listitem", { name: "Bad step" });
    expect(within(bad).getByRole("alert").textContent).toBe(
      'action: "no.such-action" is not an action in the catalogue',
    );
    const groups = screen.getByRole("listitem", { name: "Add to groups" });
    expect(within(groups).getByRole("alert").textContent).toContain("after.0:");
    expect(screen.getAllByRole("alert")[0]?.textContent).toContain("extends: is not the base");
  });
});

describe("the overlay's step order", () => {
  it("moving a step up past the one it waits for keeps what that one waited for", () => {
    const chain: Step[] = [
      { id: "a", action: "x.y", title: "A", after: [] },
      { id: "b", action: "x.y", title: "B", after: ["a"] },
      { id: "c", action: "x.y", title: "C", after: ["b"] },
    ];
    const moved = moveStep(empty, chain, "c", -1);
    expect(moved.patch).toEqual({ c: { after: ["a"] }, b: { after: ["a", "c"] } });
    expect(listSteps(chain, moved).map((l) => l.step.id)).toEqual(["a", "c", "b"]);
    expect(errorsByStep([{ field: "workflow.patch.b.after", message: "m" }], moved).steps.get("b")).toEqual([
      { field: "after", message: "m" },
    ]);
  });
});
