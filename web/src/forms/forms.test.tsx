import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { FormProvider, useForm } from "react-hook-form";
import type { ReactNode } from "react";
import { FieldList, FieldsProvider } from "./Fields";
import {
  excludedBy,
  initialValues,
  placeProblem,
  toBody,
  type FieldDescription,
  type UiValues,
} from "./model";

const offboardActions: FieldDescription = {
  key: "actions",
  kind: "group",
  label: "Actions",
  required: false,
  fields: [
    {
      key: "convertToShared",
      kind: "checkbox",
      label: "Convert the mailbox to shared",
      required: false,
      default: true,
    },
    {
      key: "forwardTo",
      kind: "forward-to",
      label: "Forward mail",
      required: false,
      orOff: "{ address, keepCopy }",
    },
    {
      key: "wipeDevices",
      kind: "choice",
      label: "Wipe or retire devices",
      required: false,
      closed: true,
      choices: ["none", "retire", "wipe"],
      default: "retire",
    },
    {
      key: "deleteUser",
      kind: "checkbox",
      label: "Delete the user",
      required: false,
      excludes: ["convertToShared", "forwardTo"],
      excludesBecause: "deleting the user deletes the mailbox",
    },
  ],
};

const fields: FieldDescription[] = [
  { key: "client", kind: "client", label: "Client", required: true, default: "acme" },
  { key: "firstName", kind: "text", label: "First name", help: "Given name.", required: true },
  {
    key: "domain",
    kind: "choice",
    label: "Domain",
    required: false,
    closed: true,
    choices: ["acmecorp.com", "acme.io"],
    default: "acmecorp.com",
  },
  {
    key: "start",
    kind: "date-time",
    label: "Start",
    required: true,
    timeZone: "America/New_York",
    allowsNow: true,
  },
  { key: "extraGroups", kind: "list", label: "Extra groups", required: false },
  {
    key: "customFields",
    kind: "custom-fields",
    label: "Custom fields",
    required: false,
    clientFields: [{ key: "costCentre", label: "Cost centre", required: true }],
  },
  offboardActions,
];

function Harness({ children }: { children: ReactNode }) {
  const methods = useForm<UiValues>({ defaultValues: initialValues(fields) });
  return (
    <FormProvider {...methods}>
      <FieldsProvider value={{ search: async () => [], timeZone: "America/New_York" }}>
        {children}
      </FieldsProvider>
    </FormProvider>
  );
}

describe("the generic fields", () => {
  it("draws each kind from the description: labels, help, choices, defaults, required, the zone, the client's own fields", () => {
    render(
      <Harness>
        <FieldList fields={fields} />
      </Harness>,
    );
    expect(screen.queryByLabelText(/^Client/)).toBeNull();
    const first = screen.getByLabelText(/^First name/);
    expect(first.getAttribute("aria-required")).toBe("true");
    expect(screen.getByText("Given name.")).toBeTruthy();
    const domain = screen.getByLabelText(/^Domain/) as HTMLSelectElement;
    expect([...domain.options].map((o) => o.value)).toEqual(["acmecorp.com", "acme.io"]);
    expect(domain.value).toBe("acmecorp.com");
    expect(screen.getByLabelText(/Date and time \(America\/New_York\)/)).toBeTruthy();
    expect(screen.getByLabelText(/^Now/)).toBeTruthy();
    expect(screen.getByLabelText(/^Cost centre/).getAttribute("aria-required")).toBe("true");
    expect((screen.getByLabelText("Convert the mailbox to shared") as HTMLInputElement).checked).toBe(true);
    expect((screen.getByLabelText(/^Wipe or retire devices/) as HTMLSelectElement).value).toBe("retire");
  });

  it("disables what a ticked action excludes, says why, and gives the choice back when it is unticked", () => {
    render(
      <Harness>
        <FieldList fields={fields} />
      </Harness>,
    );
    const convert = screen.getByLabelText("Convert the mailbox to shared") as HTMLInputElement;
    fireEvent.click(screen.getByLabelText("Delete the user"));
    expect(convert.disabled).toBe(true);
    expect(convert.checked).toBe(false);
    expect((screen.getByLabelText("Forward mail") as HTMLInputElement).disabled).toBe(true);
    expect(
      screen.getAllByText("Off while “Delete the user” is ticked: deleting the user deletes the mailbox."),
    ).toHaveLength(2);
    fireEvent.click(screen.getByLabelText("Delete the user"));
    expect(convert.disabled).toBe(false);
    expect(convert.checked).toBe(true);
  });
});

describe("the form's model", () => {
  it("sends an excluded action as off and every action explicitly", () => {
    const values = initialValues(fields);
    (values.actions as UiValues).deleteUser = true;
    (values.actions as UiValues).forwardTo = { on: true, address: "mike@acmecorp.com", keepCopy: false };
    const body = toBody(fields, values, "acme");
    expect(body.actions).toEqual({
      convertToShared: false,
      forwardTo: false,
      wipeDevices: "retire",
      deleteUser: true,
    });
    expect(body.client).toBe("acme");
    expect(body.start).toBeUndefined();
  });

  it("lists what each ticked field excludes, by whom", () => {
    const by = excludedBy(offboardActions.fields ?? [], { deleteUser: true, convertToShared: true });
    expect([...by.keys()]).toEqual(["convertToShared", "forwardTo"]);
    expect(by.get("forwardTo")?.key).toBe("deleteUser");
    expect(excludedBy(offboardActions.fields ?? [], { deleteUser: false }).size).toBe(0);
  });

  it("turns lists, now and custom fields into the API's body, and places the API's errors on their controls", () => {
    const values = initialValues(fields);
    values.start = { now: true, at: "" };
    values.extraGroups = "Sales, Finance\nAll-Staff";
    values.customFields = { costCentre: " 42 " };
    const body = toBody(fields, values, "acme");
    expect(body.start).toBe("now");
    expect(body.extraGroups).toEqual(["Sales", "Finance", "All-Staff"]);
    expect(body.customFields).toEqual({ costCentre: "42" });
    expect(placeProblem(fields, { field: "extraGroups.1", message: "is too long" })).toEqual({
      path: "extraGroups",
      message: "item 2 is too long",
    });
    expect(placeProblem(fields, { field: "actions.forwardTo.address", message: "is required" })?.path).toBe(
      "actions.forwardTo.address",
    );
    expect(placeProblem(fields, { field: "customFields.costCentre", message: "is required" })?.path).toBe(
      "customFields.costCentre",
    );
    expect(placeProblem(fields, { field: "client", message: "wrong" })).toBeUndefined();
  });
});
