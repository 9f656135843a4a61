import type { AuthMethod, Authentication } from "../../ports/index.ts";
import { LifecycleError } from "../../domain/errors.ts";
import { key } from "./odata.ts";
import type { GraphTransport } from "./transport.ts";

// A pass is usually issued right after the user is created; another replica may not know the user yet.
const replicationGraceMs = 30_000;

const passwordMethod = "passwordAuthenticationMethod";

interface GraphMethod {
  "@odata.type": string;
  id: string;
  displayName?: string | null;
  createdDateTime?: string | null;
}

interface GraphTemporaryAccessPass {
  id: string;
  temporaryAccessPass?: string | null;
  startDateTime: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
}

/** Each method type is deleted through its own collection: phoneAuthenticationMethod → phoneMethods. */
function collectionOf(type: string): string {
  const collection = type.replace(/AuthenticationMethod$/, "Methods");
  if (collection === type)
    throw new LifecycleError({
      kind: "invalid",
      code: "UNKNOWN_METHOD_TYPE",
      message: `no authentication method collection for type ${type}`,
    });
  return collection;
}

export function graphAuthentication(graph: GraphTransport): Authentication {
  return {
    async methods(userId) {
      // This endpoint takes no query options (reference §11): no $select.
      const all = await graph.all<GraphMethod>(`/users/${key(userId)}/authentication/methods`);
      return all.map((m): AuthMethod => ({
        id: m.id,
        type: m["@odata.type"].replace(/^#microsoft\.graph\./, ""),
        ...(m.displayName ? { displayName: m.displayName } : {}),
        ...(m.createdDateTime ? { createdDateTime: m.createdDateTime } : {}),
      }));
    },
    async removeMethod(userId, method) {
      if (method.type === passwordMethod)
        throw new LifecycleError({
          kind: "invalid",
          code: "PASSWORD_METHOD",
          message: "the password method cannot be removed",
        });
      await graph.request(
        "DELETE",
        `/users/${key(userId)}/authentication/${collectionOf(method.type)}/${key(method.id)}`,
      );
    },
    async issueTemporaryAccessPass(userId, opts) {
      const res = await graph.request<GraphTemporaryAccessPass>(
        "POST",
        `/users/${key(userId)}/authentication/temporaryAccessPassMethods`,
        {
          body: {
            ...(opts.startDateTime ? { startDateTime: opts.startDateTime } : {}),
            lifetimeInMinutes: opts.lifetimeInMinutes,
            isUsableOnce: opts.isUsableOnce,
          },
          notFoundGraceMs: replicationGraceMs,
        },
      );
      const tap = res.body;
      if (!tap.temporaryAccessPass)
        throw new LifecycleError({
          kind: "fatal",
          code: "NO_PASS_RETURNED",
          message: `Graph created Temporary Access Pass ${tap.id} but returned no pass`,
          requestId: res.requestId,
        });
      return {
        id: tap.id,
        pass: tap.temporaryAccessPass,
        startDateTime: tap.startDateTime,
        lifetimeInMinutes: tap.lifetimeInMinutes,
        isUsableOnce: tap.isUsableOnce,
      };
    },
  };
}
