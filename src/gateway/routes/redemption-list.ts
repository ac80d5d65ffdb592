/**
 * @module `GET /v1/redemptions` (`spec/oct.md` §7.14): the committed
 * redemptions that concern the authenticated party (§7.13), page by page,
 * in commit time then id order, with a cursor for the next page.
 */
import { Hono } from "hono";
import { OctError } from "../../core/errors.ts";
import { withinReach } from "../../core/party/party.ts";
import { tokenKeyOf } from "../../core/redemption/record.ts";
import {
  cursorOf,
  placeOfCursor,
  type RedemptionListQuery,
} from "../../core/settlement/redemption-list.ts";
import type { GatewayEnv } from "../env.ts";
import { requireParty } from "../party-auth.ts";
import type { GatewayPorts } from "../ports.ts";
import { queryOf, slugParameter, timeRange } from "../query.ts";
import { redemptionResource } from "./redemption.ts";

const PARAMETERS = new Set(["from", "to", "carrier", "provider", "iss", "jti", "limit", "cursor"]);
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;
const LIMIT = /^[1-9][0-9]{0,2}$/;
const JTI = /^[A-Za-z0-9._~-]{1,128}$/;

async function parseQuery(url: URL): Promise<RedemptionListQuery> {
  const get = queryOf(url, PARAMETERS);
  const { from, to } = timeRange(get);
  const carrier = slugParameter("carrier", get("carrier"));
  const provider = slugParameter("provider", get("provider"));
  const iss = get("iss");
  const jti = get("jti");
  if ((iss === undefined) !== (jti === undefined))
    throw new OctError("request_invalid", "iss and jti name a token identity together");
  if (iss !== undefined && (iss.length < 1 || iss.length > 256))
    throw new OctError("request_invalid", "iss must be 1 to 256 characters");
  if (jti !== undefined && !JTI.test(jti))
    throw new OctError("request_invalid", "jti must be 1 to 128 URL-safe characters");
  const limitText = get("limit");
  const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
  if (limitText !== undefined && (!LIMIT.test(limitText) || limit > MAX_LIMIT))
    throw new OctError("request_invalid", `limit must be an integer from 1 to ${MAX_LIMIT}`);
  const cursor = get("cursor");
  const after = cursor === undefined ? undefined : placeOfCursor(cursor);
  if (cursor !== undefined && !after)
    throw new OctError("request_invalid", "cursor is not a next_cursor of this gateway");
  return {
    limit,
    ...(from ? { from: from.ms } : {}),
    ...(to ? { to: to.ms } : {}),
    ...(carrier !== undefined ? { carrier } : {}),
    ...(provider !== undefined ? { provider } : {}),
    ...(iss !== undefined && jti !== undefined ? { tokenKey: await tokenKeyOf({ iss, jti }) } : {}),
    ...(after ? { after } : {}),
  };
}

export function redemptionListRoutes(ports: GatewayPorts): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get("/v1/redemptions", requireParty(ports), async (c) => {
    const query = withinReach(c.get("party")!, await parseQuery(new URL(c.req.url)));
    // One more than the page: whether another page follows, without a second query.
    const listed = await ports.settlements.list({ ...query, limit: query.limit + 1 });
    const page = listed.slice(0, query.limit);
    const last = page.at(-1);
    return c.json({
      redemptions: page.map(({ record, committedAt }) => ({
        ...redemptionResource(record),
        committed_at: new Date(committedAt).toISOString(),
      })),
      ...(listed.length > query.limit && last
        ? { next_cursor: cursorOf({ committedAt: last.committedAt, id: last.record.id }) }
        : {}),
    });
  });
  return app;
}
