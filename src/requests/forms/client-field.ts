import { clientField } from "../fields.ts";
import { clientId } from "../kit/field-kinds.ts";

/** The client a request is for: the first field of every form. */
export const clientSelector = clientId({
  label: "Client",
  help: "The client's id.",
  required: true,
  value: ({ client }) => clientField(client),
  default: (client) => client.id,
});
