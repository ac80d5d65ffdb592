/**
 * @module What the gateway's Hono context carries.
 */
import type { RequestIdVariables } from "hono/request-id";
import type { Party } from "../core/party/party.ts";

export interface Logger {
  error(message: string, error?: unknown): void;
  info?(message: string): void;
}

export interface GatewayEnv {
  Variables: RequestIdVariables & {
    /** Set when the request failed because its client went away. */
    clientAborted?: boolean;
    /** The authenticated party of a request for the books (`party-auth.ts`). */
    party?: Party;
  };
}
