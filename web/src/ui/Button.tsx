import type { ButtonHTMLAttributes } from "react";

type Variant = "primary" | "secondary" | "danger";

export function Button({
  variant = "primary",
  className,
  type = "button",
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  const classes = ["button", variant === "primary" ? "" : variant, className ?? ""].filter(Boolean);
  return <button type={type} className={classes.join(" ")} {...rest} />;
}
