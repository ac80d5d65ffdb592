/**
 * @module `npm run demo`: the whole OCT story against a running gateway, in
 * plain words: carrier A mints a token, the gateway verifies it, carrier B's
 * provider quotes and redeems it exactly once, an over-spend is refused, the
 * receipt is verified offline, the settlement report says who owes whom
 * (to carrier A, which signs its request for it) and the provider lists the
 * redemptions it is owed for (spec §7.13).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { mintToken } from "../src/core/issuer/mint.ts";
import { makeClientAssertion } from "../src/core/party/make-assertion.ts";
import type { PrivateJwk } from "../src/core/signing/keys.ts";
import {
  DEFAULT_GATEWAY,
  fetchGatewayKeys,
  GatewayClient,
  GatewayError,
  gatewayOf,
  UnreachableError,
  type Answer,
} from "../src/cli/client.ts";
import type { Output } from "../src/cli/command.ts";
import type { Redemption } from "../src/cli/commands/gateway.ts";
import {
  verifyReceipt,
  verifySettlement,
  type Quantity,
  type SettlementReport,
} from "../src/cli/signed.ts";

/** The demo network's carrier A (EdDSA) and carrier B's edge provider (config/demo/). */
const CARRIER_A = {
  id: "carrier-a",
  issuer: "https://tokens.carrier-a.example",
  key: new URL("../config/demo/keys/carrier-a.private.jwk.json", import.meta.url),
};
const PROVIDER = "carrier-b-edge";
const PROVIDER_KEY = new URL(
  "../config/demo/keys/carrier-b-edge.private.jwk.json",
  import.meta.url,
);
const TOKEN_UNIT = "gpu-second:h100-sxm";
const PROVIDER_UNIT = "gpu-second:a100-sxm";

const USAGE = `npm run demo [-- --gateway URL] [--save-dir DIR]

Walks the OCT story against a running gateway (default $OCT_GATEWAY, else
http://127.0.0.1:8787) started with the demo network: \`npm start\`.
The token and the receipt are saved in --save-dir (default .oct/) to try the
\`oct\` commands on afterwards.`;

/** A step whose outcome is not what the story expects. */
class StoryError extends Error {
  override name = "StoryError";
}

const q = (x: Quantity) => `${x.amount} ${x.unit}`;

/**
 * Runs the demo; resolves to the exit status.
 *
 * @example
 * process.exitCode = await main(["--gateway", "http://127.0.0.1:8787"], console);
 */
export async function main(argv: string[], out: Output): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        gateway: { type: "string" },
        "save-dir": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }).values;
  } catch (error) {
    out.error(`demo: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    out.print(USAGE);
    return 0;
  }
  let url: string;
  try {
    url = gatewayOf(values);
  } catch (error) {
    out.error(`demo: ${(error as Error).message}`);
    return 2;
  }
  const client = new GatewayClient(url);
  let n = 0;
  const step = (title: string) => out.print(`\n${++n}. ${title}`);
  const say = (text: string) => out.print(`   ${text}`);

  try {
    // 0. Is a gateway with the demo network there?
    const { body: metadata } = await client.call<{
      gateway: string;
      issuers: { carrier: string; issuer: string; algorithms: string[] }[];
      providers: { id: string }[];
    }>("GET", "/.well-known/oct-gateway");
    const carrierA = metadata.issuers.find((i) => i.issuer === CARRIER_A.issuer);
    if (!carrierA || !metadata.providers.some((p) => p.id === PROVIDER)) {
      out.error(
        `demo: the gateway at ${url} does not run the demo network (no ${CARRIER_A.issuer} or no provider ${PROVIDER}).\n` +
          "Start it with the demo network: `npm start` without OCT_CONFIG.",
      );
      return 1;
    }
    out.print(`OCT demo against the gateway at ${url} (gateway id ${metadata.gateway})`);
    const startedAt = new Date();

    step("Carrier A mints a compute token");
    const key = JSON.parse(readFileSync(CARRIER_A.key, "utf8")) as PrivateJwk;
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: CARRIER_A.issuer,
      sub: "acct-demo",
      aud: "urn:oct:redeem",
      iat: now,
      nbf: now,
      exp: now + 3600,
      jti: `demo-${crypto.randomUUID()}`,
      oct: { ver: "0.1" as const, amount: "100", unit: TOKEN_UNIT },
    };
    const token = await mintToken(claims, key);
    say(`${CARRIER_A.id} signs with its ${key.alg} demo key (kid ${key.kid})`);
    say(`face value 100 ${TOKEN_UNIT} for account ${claims.sub}, valid 1 hour`);
    say(`token ${token.slice(0, 24)}... (${token.length} bytes, jti ${claims.jti})`);

    step("The gateway verifies it (POST /v1/verify)");
    const { body: verdict } = await client.call<{
      valid: boolean;
      error?: string;
      detail?: string;
      remaining?: Quantity;
    }>("POST", "/v1/verify", { json: { token } });
    if (!verdict.valid)
      throw new StoryError(`the token was refused: ${verdict.error}: ${verdict.detail}`);
    say(
      `valid: signed by a trusted carrier (${carrierA.carrier}), ${q(verdict.remaining!)} remaining`,
    );

    step(`Carrier B's provider ${PROVIDER} quotes 100 ${PROVIDER_UNIT} (POST /v1/quotes)`);
    const ask = { provider: PROVIDER, amount: "100", unit: PROVIDER_UNIT };
    const { body: quote } = await client.call<{
      id: string;
      debit: Quantity;
      credit: Quantity;
      tariff: { rate: string };
      expires_at: string;
    }>("POST", "/v1/quotes", { json: { token, ...ask } });
    say(`${q(quote.credit)} at ${PROVIDER} costs ${q(quote.debit)} of the token`);
    say(
      `tariff: 1 ${TOKEN_UNIT} of ${CARRIER_A.id} = ${quote.tariff.rate} ${PROVIDER_UNIT} at ${PROVIDER}`,
    );
    say(`quote ${quote.id}, good until ${quote.expires_at}`);

    const idempotencyKey = `demo-${crypto.randomUUID()}`;
    const redemption = { token, ...ask, workload: "inference", quote: quote.id };
    step(`Redeem at the quoted price (POST /v1/redemptions, Idempotency-Key ${idempotencyKey})`);
    const redeem = (body: object, key: string) =>
      client.call<Redemption>("POST", "/v1/redemptions", {
        json: body,
        headers: { "idempotency-key": key },
      });
    const first = await redeem(redemption, idempotencyKey);
    const r = first.body;
    say(`${r.status}: redemption ${r.id}`);
    say(
      `debited ${q(r.debited)}, credited ${q(r.credited)} at ${r.provider}, ${q(r.remaining)} remaining`,
    );

    step(
      "Replay: the same request with the same Idempotency-Key (a client retrying after a timeout)",
    );
    const again: Answer<Redemption> = await redeem(redemption, idempotencyKey);
    if (again.body.id !== r.id || again.body.remaining.amount !== r.remaining.amount)
      throw new StoryError(`the replay gave redemption ${again.body.id}, not ${r.id}`);
    say(
      `same redemption id ${again.body.id} (Idempotent-Replayed: ${again.headers.get("idempotent-replayed")})`,
    );
    say(`still ${q(again.body.remaining)} remaining: nothing was debited twice`);

    step(
      `Over-spend: redeem 200 ${PROVIDER_UNIT} (80 ${TOKEN_UNIT}) with ${r.remaining.amount} left`,
    );
    try {
      await redeem({ token, ...ask, amount: "200" }, `demo-${crypto.randomUUID()}`);
      throw new StoryError("the over-spend was accepted");
    } catch (error) {
      if (!(error instanceof GatewayError) || error.code !== "insufficient_balance") throw error;
      say(`refused, as it must be: ${error.status} ${error.code}: ${error.message}`);
    }

    step("Balance (POST /v1/balance)");
    const { body: balance } = await client.call<{
      face_value: Quantity;
      committed: Quantity;
      reserved: Quantity;
      remaining: Quantity;
    }>("POST", "/v1/balance", { json: { token } });
    say(
      `face value ${balance.face_value.amount}, committed ${balance.committed.amount}, reserved ${balance.reserved.amount}, remaining ${q(balance.remaining)}`,
    );

    step("The receipt, verified offline with jose against the gateway's JWKS");
    const keys = await fetchGatewayKeys(client);
    say(
      `fetched ${url}/.well-known/jwks.json (${keys.jwks.keys.length} key${keys.jwks.keys.length === 1 ? "" : "s"}); from here on, no network`,
    );
    const receipt = await verifyReceipt(r.receipt!, keys);
    const rc = receipt.claims.oct_receipt;
    say(
      `signature verified: ${receipt.header.alg}, kid ${receipt.header.kid}, issued by ${receipt.claims.iss}`,
    );
    say(
      `it attests: ${rc.carrier} owes ${rc.provider} ${q(rc.credited)}, valued at ${q(rc.debited)}`,
    );

    step("Settlement report since the demo started, to carrier A (GET /v1/settlements)");
    /** A fresh client assertion of a party (§7.13): one per request. */
    const as = async (party: string, keyFile: URL) => ({
      authorization: `Bearer ${await makeClientAssertion({
        party,
        gateway: keys.id,
        key: JSON.parse(readFileSync(keyFile, "utf8")) as PrivateJwk,
      })}`,
    });
    say(
      "the books answer only the parties they concern: carrier A signs a client assertion with its key",
    );
    const query = new URLSearchParams({
      from: startedAt.toISOString(),
      to: new Date(Date.now() + 1000).toISOString(),
      provider: PROVIDER,
    });
    const { body: report } = await client.call<SettlementReport>(
      "GET",
      `/v1/settlements?${query}`,
      { headers: await as(`carrier:${CARRIER_A.id}`, CARRIER_A.key) },
    );
    if (report.totals.length === 0)
      throw new StoryError("the report has no entry for the redemption");
    for (const t of report.totals) {
      say(
        `${t.carrier} -> ${t.provider}: ${t.count} redemption(s), debited ${t.debited} ${t.unit}, credited ${t.credited} ${t.credit_unit}`,
      );
    }
    const signed = await verifySettlement(report, keys);
    say(
      `signature verified: ${signed.header.alg}, kid ${signed.header.kid}; the signed payload is the report (JCS)`,
    );

    step(`${PROVIDER} lists the redemptions it is owed for (GET /v1/redemptions)`);
    const { body: listing } = await client.call<{
      redemptions: (Redemption & { committed_at: string })[];
    }>("GET", `/v1/redemptions?from=${encodeURIComponent(startedAt.toISOString())}`, {
      headers: await as(`provider:${PROVIDER}`, PROVIDER_KEY),
    });
    if (!listing.redemptions.some((listed) => listed.id === r.id))
      throw new StoryError(`the provider's listing lacks redemption ${r.id}`);
    for (const listed of listing.redemptions)
      say(`${listed.committed_at}  ${listed.id}  ${q(listed.debited)} -> ${q(listed.credited)}`);

    const dir = values["save-dir"] ?? ".oct";
    mkdirSync(dir, { recursive: true });
    const tokenFile = join(dir, "demo-token.jwt");
    const receiptFile = join(dir, "demo-receipt.jwt");
    writeFileSync(tokenFile, token + "\n");
    writeFileSync(receiptFile, r.receipt + "\n");
    const g = url === DEFAULT_GATEWAY ? "" : ` --gateway ${url}`;
    out.print(
      [
        "",
        `Done: minted at ${CARRIER_A.id}, redeemed once at ${PROVIDER}, receipt and settlement verified.`,
        `The token and the receipt are in ${dir}/. Try next:`,
        `  npx oct inspect --token-file ${tokenFile} --gateway ${url}`,
        `  npx oct balance --token-file ${tokenFile}${g}`,
        `  npx oct receipt verify --receipt-file ${receiptFile}${g}`,
        `  npx oct redemptions --party provider:${PROVIDER} --key config/demo/keys/${PROVIDER}.private.jwk.json${g}`,
        `  open ${url}/ (token inspector) and ${url}/docs (API reference)`,
      ].join("\n"),
    );
    return 0;
  } catch (error) {
    if (error instanceof UnreachableError) {
      out.error(
        [
          `demo: the gateway is not running at ${url}.`,
          "Start it in another terminal with `npm start`, then run `npm run demo` again",
          "(or point the demo at another gateway: npm run demo -- --gateway URL).",
        ].join("\n"),
      );
      return 1;
    }
    const code = (error as { code?: unknown }).code;
    out.error(
      `\ndemo: step ${n} failed: ${typeof code === "string" ? `${code}: ` : ""}${(error as Error).message}`,
    );
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2), {
    print: (text) => process.stdout.write(text + "\n"),
    error: (text) => process.stderr.write(text + "\n"),
  });
}
