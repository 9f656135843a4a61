import { Liquid, UndefinedVariableError } from "liquidjs";
import { LifecycleError } from "./errors.ts";

/**
 * Liquid for signatures and out-of-office replies. Strict: a misspelt variable is an error naming it,
 * not a blank in a mail every customer sees. Templates come from configuration, so includes read from
 * an empty in-memory set and never from the server's disk.
 */
function engine(escapeHtml: boolean): Liquid {
  return new Liquid({
    strictVariables: true,
    strictFilters: true,
    templates: {},
    ...(escapeHtml ? { outputEscape: "escape" as const } : {}),
  });
}

/** Why a template does not parse, or undefined when it does: what configuration checks. */
export function templateProblem(source: string): string | undefined {
  try {
    engine(false).parse(source);
    return undefined;
  } catch (err) {
    return firstLine(err);
  }
}

/**
 * Renders with the given variables; values are HTML-escaped when the output is HTML. A variable the
 * scope does not have fails as invalid with its name, so the person fixing the template knows where.
 */
export async function renderTemplate(
  source: string,
  scope: Record<string, unknown>,
  opts: { what: string; escapeHtml: boolean },
): Promise<string> {
  try {
    return await engine(opts.escapeHtml).parseAndRender(source, scope);
  } catch (err) {
    const unknown = err instanceof UndefinedVariableError;
    const variable = unknown ? /undefined variable: ([^,]+)/.exec(err.message)?.[1] : undefined;
    throw new LifecycleError(
      {
        kind: "invalid",
        code: unknown ? "TEMPLATE_VARIABLE_UNKNOWN" : "TEMPLATE_INVALID",
        message: variable
          ? `the ${opts.what} uses {{ ${variable} }}, which is not defined`
          : `the ${opts.what} cannot be rendered: ${firstLine(err)}`,
      },
      { cause: err },
    );
  }
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n")[0] ?? text;
}
