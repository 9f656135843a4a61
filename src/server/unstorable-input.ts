import type { preValidationAsyncHookHandler } from "fastify";
import { unstorableFields } from "../domain/storable-text.ts";
import { RequestValidationError } from "./errors.ts";

/**
 * Every route's path parameters, query string and body pass here before their own validation, so text
 * PostgreSQL cannot keep (U+0000, lone surrogates) is a field error for any route, present or future,
 * and never reaches a store call.
 */
export const refuseUnstorableInput: preValidationAsyncHookHandler = async (request) => {
  const fields = [
    ...unstorableFields(request.params, "params"),
    ...unstorableFields(request.query, "querystring"),
    ...unstorableFields(request.body, "body"),
  ];
  if (fields.length) throw new RequestValidationError(fields);
};
