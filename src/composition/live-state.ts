import type { LiveState } from "../planner/live-state.ts";
import type { Capabilities } from "../ports/index.ts";

/** The planner's live questions, answered by a client's directory; none without one. */
export function liveStateOf(caps: Capabilities): LiveState {
  const directory = caps.directory;
  if (!directory) return {};
  return {
    isUsernameTaken: async (upn) => (await directory.findUser(upn)) !== undefined,
    async findUser(upn) {
      const user = await directory.findUser(upn);
      return user && { id: user.id, onPremisesSyncEnabled: user.onPremisesSyncEnabled };
    },
  };
}
