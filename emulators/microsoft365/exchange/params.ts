import { exoErrors } from "../errors.ts";
import { isObject } from "../json.ts";

/**
 * Cmdlet parameters as PowerShell binds them: names case-insensitive, unknown names refused,
 * switches and booleans accepted as JSON booleans or "True"/"False" strings.
 */

const common = ["Confirm", "ErrorAction", "WarningAction", "Verbose", "WhatIf", "Force", "DomainController"];

export class Params {
  private readonly values = new Map<string, unknown>();

  constructor(
    raw: unknown,
    readonly cmdlet: string,
    allowed: readonly string[],
  ) {
    if (raw === undefined || raw === null) return;
    if (!isObject(raw)) throw exoErrors.parameterInvalid("Parameters", "Parameters must be an object.");
    const known = [...allowed, ...common];
    for (const [name, value] of Object.entries(raw)) {
      if (name.includes("@odata.")) continue;
      const canonical = known.find((k) => k.toLowerCase() === name.toLowerCase());
      if (!canonical) throw exoErrors.parameterUnknown(name);
      this.values.set(canonical, value);
    }
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  raw(name: string): unknown {
    return this.values.get(name);
  }

  required(name: string): string {
    const value = this.values.get(name);
    if (value === undefined || value === null || value === "")
      throw exoErrors.parameterMissing(name, this.cmdlet);
    if (typeof value !== "string")
      throw exoErrors.parameterInvalid(name, `Cannot convert the value to type "System.String".`);
    return value;
  }

  string(name: string): string | null | undefined {
    const value = this.values.get(name);
    if (value === undefined || value === null) return value;
    if (typeof value !== "string")
      throw exoErrors.parameterInvalid(name, `Cannot convert the value to type "System.String".`);
    return value;
  }

  bool(name: string): boolean | undefined {
    const value = this.values.get(name);
    if (value === undefined || value === null) return undefined;
    if (typeof value === "boolean") return value;
    if (typeof value === "string" && /^(true|false|\$true|\$false)$/i.test(value)) return /true/i.test(value);
    throw exoErrors.parameterInvalid(
      name,
      `Cannot convert value "${String(value)}" to type "System.Boolean".`,
    );
  }

  /** A single value or an array of them, as multi-valued parameters accept. */
  list(name: string): string[] | undefined {
    const value = this.values.get(name);
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string")
      return value
        .split(",")
        .map((v) => v.trim())
        .filter(Boolean);
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value;
    throw exoErrors.parameterInvalid(name, `Cannot convert the value to type "System.String[]".`);
  }

  /** One of `choices`, matched case-insensitively and returned in its canonical casing. */
  choice<T extends string>(name: string, choices: readonly T[], typeName: string): T | undefined {
    const value = this.string(name);
    if (value === undefined || value === null) return undefined;
    const match = choices.find((c) => c.toLowerCase() === value.toLowerCase());
    if (!match) {
      throw exoErrors.parameterInvalid(
        name,
        `Cannot convert value "${value}" to type "${typeName}". Error: "Unable to match the identifier name ${value} to a valid enumerator name. Specify one of the following enumerator names and try again: ${choices.join(", ")}"`,
      );
    }
    return match;
  }

  date(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined || value === null) return undefined;
    const ms = Date.parse(value);
    if (Number.isNaN(ms))
      throw exoErrors.parameterInvalid(name, `Cannot convert value "${value}" to type "System.DateTime".`);
    return ms;
  }
}
