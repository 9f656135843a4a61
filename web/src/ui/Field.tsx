import { useId, type ReactElement, type ReactNode } from "react";
import { Slot } from "radix-ui";

/**
 * A labelled control with its help and its error next to it. The control is given the id, aria-invalid
 * and aria-describedby, so a screen reader reads the error with the field it belongs to.
 */
export function Field({
  label,
  help,
  error,
  required,
  children,
}: {
  label: string;
  help?: ReactNode;
  error?: string | undefined;
  required?: boolean;
  children: ReactElement;
}) {
  const id = useId();
  const described = [help ? `${id}-help` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {required ? <span aria-hidden="true"> *</span> : null}
      </label>
      <Slot.Root
        id={id}
        aria-invalid={error ? true : undefined}
        aria-required={required || undefined}
        aria-describedby={described || undefined}
      >
        {children}
      </Slot.Root>
      {help ? (
        <span className="help" id={`${id}-help`}>
          {help}
        </span>
      ) : null}
      {error ? (
        <span className="error" id={`${id}-error`} role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}
