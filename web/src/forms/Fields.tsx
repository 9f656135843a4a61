import { createContext, useContext, useId, type ReactNode } from "react";
import { useController, useFormContext, useFormState, useWatch, type FieldErrors } from "react-hook-form";
import { Field } from "../ui/Field";
import {
  directoryKeys,
  excludedBy,
  hiddenKinds,
  sentence,
  type FieldDescription,
  type UiValues,
} from "./model";
import { PersonPicker, type SearchPeople } from "./PersonPicker";

/** What the fields need from the page around them. */
export interface FieldsContext {
  search: SearchPeople;
  /** The client's zone, named next to every date and time. */
  timeZone: string;
  /** Words under a field for its current value (what a department or role implies). */
  implied?: (path: string, value: string) => ReactNode;
}

const Context = createContext<FieldsContext | null>(null);
export const FieldsProvider = Context.Provider;

function useFields(): FieldsContext {
  const ctx = useContext(Context);
  if (!ctx) throw new Error("fields rendered outside a FieldsProvider");
  return ctx;
}

/** The message RHF holds at a dotted path, if any. */
export function errorAt(errors: FieldErrors, path: string): string | undefined {
  let node: unknown = errors;
  for (const part of path.split(".")) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  const message = (node as { message?: unknown } | undefined)?.message;
  return typeof message === "string" && message ? sentence(message) : undefined;
}

function useError(path: string): string | undefined {
  const { errors } = useFormState();
  return errorAt(errors, path);
}

/** Every field of a description, in its order, as the kind says to draw it. */
export function FieldList({ fields, prefix = "" }: { fields: FieldDescription[]; prefix?: string }) {
  return (
    <>
      {fields
        .filter((f) => !hiddenKinds.has(f.kind))
        .map((f) => (
          <FieldControl key={f.key} field={f} path={`${prefix}${f.key}`} />
        ))}
    </>
  );
}

export function FieldControl({
  field,
  path,
  disabledBecause,
}: {
  field: FieldDescription;
  path: string;
  disabledBecause?: string | undefined;
}) {
  switch (field.kind) {
    case "group":
      return <GroupControl field={field} path={path} />;
    case "checkbox":
      return <CheckboxControl field={field} path={path} disabledBecause={disabledBecause} />;
    case "date-time":
      return <DateTimeControl field={field} path={path} />;
    case "custom-fields":
      return <CustomFieldsControl field={field} path={path} />;
    case "forward-to":
      return <ForwardControl field={field} path={path} disabledBecause={disabledBecause} />;
    default:
      if (field.orOff) return <OrOffControl field={field} path={path} disabledBecause={disabledBecause} />;
      return <ValueControl field={field} path={path} />;
  }
}

/** A text, address, phone, list or choice: one control whose value is a string. */
function ValueControl({ field, path, label }: { field: FieldDescription; path: string; label?: string }) {
  const { register, getValues } = useFormContext();
  const { search, implied } = useFields();
  const error = useError(path);
  const value = useWatch({ name: path }) as string | undefined;
  const listId = useId();
  const said = implied && value ? implied(path, value) : null;
  const help =
    field.help || said || field.kind === "list" ? (
      <>
        {field.help}
        {field.kind === "list" ? " One a line." : null}
        {said}
      </>
    ) : undefined;
  const common = { label: label ?? field.label, help, error, required: field.required };

  if (directoryKeys.has(path)) return <PersonControl field={field} path={path} {...common} search={search} />;
  if (field.kind === "choice" && field.choices) {
    return (
      <Field {...common}>
        <select defaultValue={String(getValues(path) ?? "")} {...register(path)}>
          {field.required || field.default !== undefined ? null : <option value="">—</option>}
          {field.choices.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </Field>
    );
  }
  if (field.kind === "multiline" || field.kind === "list")
    return (
      <Field {...common}>
        <textarea rows={field.kind === "list" ? 2 : 3} {...register(path)} />
      </Field>
    );
  const type = field.kind === "email" ? "email" : field.kind === "phone" ? "tel" : "text";
  // A datalist suggests the client's choices (departments, roles) and still takes a new one, as the API does.
  return (
    <>
      <Field {...common}>
        <input
          type={type}
          autoComplete={autoComplete(field.key)}
          list={field.choices?.length ? listId : undefined}
          {...register(path)}
        />
      </Field>
      {field.choices?.length ? (
        <datalist id={listId}>
          {field.choices.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
      ) : null}
    </>
  );
}

// The form is about someone else: the browser's memory of the person filling it would fill in wrong names.
function autoComplete(key: string): string {
  return key === "requester" ? "email" : "off";
}

function PersonControl({
  path,
  search,
  ...common
}: {
  field: FieldDescription;
  path: string;
  label: string;
  help: ReactNode;
  error: string | undefined;
  required: boolean;
  search: SearchPeople;
}) {
  const { field: control } = useController({ name: path });
  return (
    <Field label={common.label} help={common.help} error={common.error} required={common.required}>
      <PersonPicker
        name={control.name}
        value={typeof control.value === "string" ? control.value : ""}
        onChange={control.onChange}
        onBlur={control.onBlur}
        inputRef={control.ref}
        search={search}
      />
    </Field>
  );
}

/** A switch, with the reason when another choice rules it out. */
function CheckboxControl({
  field,
  path,
  disabledBecause,
}: {
  field: FieldDescription;
  path: string;
  disabledBecause?: string | undefined;
}) {
  const { register } = useFormContext();
  const error = useError(path);
  const id = useId();
  const checked = useWatch({ name: path }) === true;
  return (
    <div className={`check${disabledBecause ? " off" : ""}`}>
      <input
        id={id}
        type="checkbox"
        disabled={Boolean(disabledBecause)}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-note`}
        {...register(path)}
        // Shown off while ruled out; the value underneath comes back when the conflict goes.
        {...(disabledBecause ? { checked: false } : { checked })}
      />
      <label htmlFor={id}>{field.label}</label>
      <span id={`${id}-note`} className="help">
        {disabledBecause ?? field.help}
        {error ? (
          <span className="error" role="alert">
            {" "}
            {error}
          </span>
        ) : null}
      </span>
    </div>
  );
}

/** An action that may be switched off (out-of-office, grant access): its switch, then its value. */
function OrOffControl({
  field,
  path,
  disabledBecause,
}: {
  field: FieldDescription;
  path: string;
  disabledBecause?: string | undefined;
}) {
  const on = useWatch({ name: `${path}.on` }) === true && !disabledBecause;
  const own = useError(path);
  const inner = useError(`${path}.value`);
  const error = own ?? inner;
  return (
    <div className="orOff">
      <CheckboxControl
        field={{ ...field, help: on ? undefined : field.help }}
        path={`${path}.on`}
        disabledBecause={disabledBecause}
      />
      {on ? (
        <div className="nested">
          <ValueControl
            field={{ ...field, help: field.help ?? "", required: true }}
            path={`${path}.value`}
            label={field.kind === "email" ? "To" : "Message"}
          />
        </div>
      ) : null}
      {!on && error ? (
        <span className="error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** Forward mail: the switch, the address (type-ahead in the directory) and whether to keep a copy. */
function ForwardControl({
  field,
  path,
  disabledBecause,
}: {
  field: FieldDescription;
  path: string;
  disabledBecause?: string | undefined;
}) {
  const on = useWatch({ name: `${path}.on` }) === true && !disabledBecause;
  const { search } = useFields();
  const inner = useError(`${path}.address`);
  const own = useError(path);
  const addressError = inner ?? own;
  const address = { ...field, key: "address", kind: "email" as const, label: "Forward to", required: true };
  return (
    <div className="orOff">
      <CheckboxControl
        field={{ ...field, help: on ? undefined : field.help }}
        path={`${path}.on`}
        disabledBecause={disabledBecause}
      />
      {on ? (
        <div className="nested">
          <PersonControl
            field={address}
            path={`${path}.address`}
            label="Forward to"
            help={'An address in the client\'s domains, or "manager".'}
            error={addressError}
            required
            search={search}
          />
          <CheckboxControl
            field={{
              key: "keepCopy",
              kind: "checkbox",
              label: "Keep a copy in the mailbox",
              required: false,
            }}
            path={`${path}.keepCopy`}
          />
        </div>
      ) : null}
    </div>
  );
}

/** A start or last day: a local time in the client's zone, or now. */
function DateTimeControl({ field, path }: { field: FieldDescription; path: string }) {
  const { register, clearErrors } = useFormContext();
  const { timeZone } = useFields();
  const zone = typeof field.timeZone === "string" ? field.timeZone : timeZone;
  const own = useError(path);
  const inner = useError(`${path}.at`);
  const error = own ?? inner;
  const now = useWatch({ name: `${path}.now` }) === true;
  const nowId = useId();
  return (
    <fieldset className="datetime">
      <legend>
        {field.label}
        {field.required ? <span aria-hidden="true"> *</span> : null}
      </legend>
      <Field
        label={`Date and time (${zone})`}
        help={`In the client's time zone, ${zone.replace(/_/g, " ")}.`}
        error={error}
        required={field.required && !now}
      >
        <input type="datetime-local" disabled={now} {...register(`${path}.at`)} />
      </Field>
      {field.allowsNow !== false ? (
        <div className="check">
          <input
            id={nowId}
            type="checkbox"
            // The error was about the time, which "now" replaces.
            {...register(`${path}.now`, { onChange: () => clearErrors([path, `${path}.at`]) })}
          />
          <label htmlFor={nowId}>Now, as soon as it is submitted (and approved)</label>
        </div>
      ) : null}
    </fieldset>
  );
}

/** The client's own fields, one control each. */
function CustomFieldsControl({ field, path }: { field: FieldDescription; path: string }) {
  const own = Array.isArray(field.clientFields)
    ? (field.clientFields as { key: string; label: string; required: boolean }[])
    : [];
  if (!own.length) return null;
  return (
    <>
      {own.map((f) => (
        <ValueControl
          key={f.key}
          field={{ key: f.key, kind: "text", label: f.label, required: f.required }}
          path={`${path}.${f.key}`}
        />
      ))}
    </>
  );
}

/** A group (the offboarding's actions): its sub-fields, with what one rules out disabled and why. */
function GroupControl({ field, path }: { field: FieldDescription; path: string }) {
  const values = (useWatch({ name: path }) ?? {}) as UiValues;
  const subs = field.fields ?? [];
  const off = excludedBy(subs, values);
  return (
    <fieldset className="group">
      <legend>{field.label}</legend>
      {field.help ? <p className="help">{field.help.replace(/; leave one out.*$/, ".")}</p> : null}
      {subs.map((s) => {
        const by = off.get(s.key);
        return (
          <FieldControl
            key={s.key}
            field={s}
            path={`${path}.${s.key}`}
            disabledBecause={
              by
                ? `Off while “${by.label}” is ticked: ${by.excludesBecause ?? "the two cannot be combined"}.`
                : undefined
            }
          />
        );
      })}
    </fieldset>
  );
}
