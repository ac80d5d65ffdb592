/**
 * @module The status lists of an offline verification (`oct inspect`
 * against a key set, the inspector page without a gateway): none is
 * fetched, so a token that names one cannot have its step 9 judged. Saying
 * so is the only honest answer; a list is never assumed VALID.
 */
import { OctError } from "../errors.ts";
import type { StatusListSource } from "../../ports/status-lists.ts";

export const UNFETCHED_STATUS_LISTS: StatusListSource = {
  async statusOf(_carrier, uri) {
    throw new OctError(
      "status_unavailable",
      `offline, the status list at ${uri} is not fetched: the token's status is not checked`,
    );
  },
};
