/**
 * @module The enterprise's verbs against a running gateway: `oct quote`,
 * `oct redeem`, `oct balance` and `oct receipt verify`; and the parties'
 * (§7.13): `oct settlement`, `oct redemptions` and `oct metrics`.
 * Each is an HTTP call (`spec/oct.md` §7) and its formatting, nothing more.
 */
import { decodeJwt } from "jose";
import { positiveAmountOption } from "../amount.ts";
import {
  fetchGatewayKeys,
  GatewayClient,
  GatewayError,
  GATEWAY_OPTION,
  gatewayOf,
} from "../client.ts";
import {
  readText,
  required,
  TOKEN_OPTIONS,
  tokenOf,
  UsageError,
  type Command,
  type Output,
  type Values,
} from "../command.ts";
import { HOLDER_HELP, HOLDER_OPTION, holderHeaders } from "../holder.ts";
import {
  SignatureError,
  verifyReceipt,
  verifySettlement,
  type Quantity,
  type SettlementReport,
} from "../signed.ts";
import { PARTY_HELP, PARTY_OPTIONS, partyCredentials } from "../party.ts";

export const GATEWAY_HELP =
  "  --gateway URL   the gateway (default $OCT_GATEWAY, else http://127.0.0.1:8787)";
export const TOKEN_HELP =
  "  --token T | --token-file FILE   the token (--token-file - reads standard input)";
export const EXIT_HELP =
  "Exit status: 0 done, 1 refused by the gateway (shown as code: detail) or unreachable, 2 usage error.";

interface Tariff {
  carrier: string;
  from: string;
  provider: string;
  to: string;
  rate: string;
}

interface Quote {
  id: string;
  provider: string;
  debit: Quantity;
  credit: Quantity;
  tariff: Tariff;
  expires_at: string;
}

export interface Redemption {
  id: string;
  status: string;
  capture?: "automatic" | "manual";
  token: { iss: string; jti: string };
  provider: string;
  debited: Quantity;
  credited: Quantity;
  authorized?: { debited: Quantity; credited: Quantity };
  remaining: Quantity;
  tariff: Tariff;
  created_at: string;
  expires_at?: string;
  receipt?: string;
}

interface Balance {
  token: { iss: string; jti: string };
  face_value: Quantity;
  committed: Quantity;
  reserved: Quantity;
  remaining: Quantity;
}

/** `40 gpu-second:h100-sxm` */
export function quantity(q: Quantity): string {
  return `${q.amount} ${q.unit}`;
}

export function rows(pairs: [string, string][]): string[] {
  const width = Math.max(...pairs.map(([name]) => name.length));
  return pairs.map(([name, text]) => `  ${name.padEnd(width)}  ${text}`);
}

export function clientFor(values: Values, out: Output): GatewayClient {
  return new GatewayClient(gatewayOf(values), out.progress ? { progress: out.progress } : {});
}

export function print(out: Output, values: Values, json: unknown, text: () => string): void {
  out.print(values.json ? JSON.stringify(json) : text());
}

/** What a provider asks for: `--provider`, `--amount` and `--unit` (the provider's unit). */
const ASK_OPTIONS = {
  provider: { type: "string" },
  amount: { type: "string" },
  unit: { type: "string" },
} as const;

/** The ask, its amount checked here: a badly written one never reaches the gateway. */
function askOf(values: Values) {
  return {
    provider: required(values, "provider"),
    amount: positiveAmountOption("amount", required(values, "amount")),
    unit: required(values, "unit"),
  };
}

export const quote: Command = {
  name: "quote",
  summary: "price a redemption at a provider, without spending (POST /v1/quotes)",
  usage:
    "oct quote (--token T | --token-file FILE) --provider ID --amount DECIMAL --unit UNIT [--holder-key FILE] [--gateway URL]",
  example:
    "oct quote --token-file token.jwt --provider carrier-b-edge --amount 100 --unit gpu-second:a100-sxm",
  help: [
    "--amount and --unit are what the provider delivers; the quote says what it costs the token.",
    TOKEN_HELP,
    HOLDER_HELP,
    GATEWAY_HELP,
    "",
    EXIT_HELP,
  ].join("\n"),
  options: { ...TOKEN_OPTIONS, ...GATEWAY_OPTION, ...HOLDER_OPTION, ...ASK_OPTIONS },
  async run(values, out) {
    const token = tokenOf(values);
    const ask = askOf(values);
    const client = clientFor(values, out);
    const { body } = await client.call<Quote>("POST", "/v1/quotes", {
      json: { token, ...ask },
      headers: await holderHeaders(values, client, "POST", "/v1/quotes", token),
    });
    print(out, values, body, () =>
      [
        `quote ${body.id}`,
        ...rows([
          ["provider", body.provider],
          ["you get", quantity(body.credit)],
          ["it costs", `${quantity(body.debit)} from the token`],
          [
            "tariff",
            `1 ${body.tariff.from} of ${body.tariff.carrier} = ${body.tariff.rate} ${body.tariff.to} at ${body.tariff.provider}`,
          ],
          ["expires", body.expires_at],
        ]),
        `redeem it with: oct redeem ... --provider ${body.provider} --amount ${body.credit.amount} --unit ${body.credit.unit} --quote ${body.id}`,
      ].join("\n"),
    );
  },
};

export const redeem: Command = {
  name: "redeem",
  summary: "redeem a token at a provider, exactly once (POST /v1/redemptions)",
  usage:
    "oct redeem (--token T | --token-file FILE) --provider ID --amount DECIMAL --unit UNIT [--capture manual] [--idempotency-key KEY] [--quote ID] [--workload NAME] [--region ID] [--holder-key FILE] [--gateway URL]",
  example:
    "oct redeem --token-file token.jwt --provider carrier-b-edge --amount 100 --unit gpu-second:a100-sxm --idempotency-key order-17",
  help: [
    "--amount and --unit are what the provider delivers (the credit); the token is debited",
    "at the tariff in force, or at the price of --quote ID.",
    "  --idempotency-key KEY   retrying with the same key and the same options returns the",
    "                          same redemption instead of spending twice; without it a key is",
    "                          generated and printed (on stderr) so that you can retry with it",
    "  --capture manual        authorise only: the debit is held, no provider is called, until",
    "                          `oct capture ID` takes at most the amount, `oct void ID` releases",
    "                          it, or it expires (spec §8.8); --capture automatic is the default",
    TOKEN_HELP,
    HOLDER_HELP,
    GATEWAY_HELP,
    "",
    "--json prints the redemption (spec §7.7) with two more members: idempotency_key, and",
    "replayed (true when the gateway answered the stored result of an earlier attempt).",
    "",
    EXIT_HELP,
  ].join("\n"),
  options: {
    ...TOKEN_OPTIONS,
    ...GATEWAY_OPTION,
    ...HOLDER_OPTION,
    ...ASK_OPTIONS,
    "idempotency-key": { type: "string" },
    quote: { type: "string" },
    workload: { type: "string" },
    region: { type: "string" },
    capture: { type: "string" },
  },
  async run(values, out) {
    const token = tokenOf(values);
    const capture = values.capture;
    if (capture !== undefined && capture !== "automatic" && capture !== "manual")
      throw new UsageError(`--capture ${String(capture)}: automatic or manual`);
    const body = {
      token,
      ...askOf(values),
      ...(capture === "manual" ? { capture } : {}),
      ...(typeof values.workload === "string" ? { workload: values.workload } : {}),
      ...(typeof values.region === "string" ? { region: values.region } : {}),
      ...(typeof values.quote === "string" ? { quote: values.quote } : {}),
    };
    const given = values["idempotency-key"];
    if (given === "") throw new UsageError("--idempotency-key must not be empty");
    const key = typeof given === "string" ? given : crypto.randomUUID();
    // Printed before the call: after a timeout, only this key can retry safely.
    if (typeof given !== "string")
      out.error(`oct redeem: Idempotency-Key ${key} (to retry safely: --idempotency-key ${key})`);
    const client = clientFor(values, out);
    const answer = await client.call<Redemption>("POST", "/v1/redemptions", {
      json: body,
      headers: {
        "idempotency-key": key,
        ...(await holderHeaders(values, client, "POST", "/v1/redemptions", token)),
      },
    });
    const r = answer.body;
    const replayed = answer.headers.get("idempotent-replayed") === "true";
    if (r.capture === "manual") {
      print(out, values, { ...r, idempotency_key: key, replayed }, () =>
        authorizationText(r, key, replayed),
      );
      return;
    }
    print(out, values, { ...r, idempotency_key: key, replayed }, () =>
      [
        `redeemed ${quantity(r.credited)} at ${r.provider}: ${r.status}${replayed ? " (replayed: the stored answer for this Idempotency-Key, nothing debited again)" : ""}`,
        ...rows([
          ["redemption", r.id],
          ["debited", `${quantity(r.debited)} (rate ${r.tariff.rate})`],
          ["remaining", quantity(r.remaining)],
          ["key", key],
          ...(r.receipt ? ([["receipt", r.receipt]] as [string, string][]) : []),
        ]),
      ].join("\n"),
    );
  },
};

/** An authorisation as `oct redeem --capture manual` shows it, with what to do next. */
function authorizationText(r: Redemption, key: string, replayed: boolean): string {
  const held = r.authorized ?? { debited: r.debited, credited: r.credited };
  return [
    `authorised ${quantity(held.credited)} at ${r.provider}: ${r.status}${replayed ? " (replayed: the authorisation of this Idempotency-Key as it stands, nothing held again)" : ""}`,
    ...rows([
      ["redemption", r.id],
      ["held", `${quantity(held.debited)} (rate ${r.tariff.rate})`],
      ["remaining", quantity(r.remaining)],
      ["expires", r.expires_at ?? "(not stated)"],
      ["key", key],
    ]),
    ...(r.status === "authorized"
      ? [
          `capture at most ${quantity(held.credited)} with: oct capture ${r.id} --amount ${held.credited.amount} --unit ${held.credited.unit}`,
          `or release it with: oct void ${r.id}`,
        ]
      : []),
  ].join("\n");
}

export const balance: Command = {
  name: "balance",
  summary: "a token's face value, committed, reserved and remaining amounts (POST /v1/balance)",
  usage: "oct balance (--token T | --token-file FILE) [--holder-key FILE] [--gateway URL]",
  example: "oct balance --token-file token.jwt",
  help: [TOKEN_HELP, HOLDER_HELP, GATEWAY_HELP, "", EXIT_HELP].join("\n"),
  options: { ...TOKEN_OPTIONS, ...GATEWAY_OPTION, ...HOLDER_OPTION },
  async run(values, out) {
    const token = tokenOf(values);
    const client = clientFor(values, out);
    const { body } = await client.call<Balance>("POST", "/v1/balance", {
      json: { token },
      headers: await holderHeaders(values, client, "POST", "/v1/balance", token),
    });
    print(out, values, body, () =>
      [
        `balance of token ${body.token.jti} (${body.token.iss})`,
        ...rows([
          ["face value", quantity(body.face_value)],
          ["committed", quantity(body.committed)],
          ["reserved", quantity(body.reserved)],
          ["remaining", quantity(body.remaining)],
        ]),
      ].join("\n"),
    );
  },
};

/** `2026-12-01` or an RFC 3339 UTC timestamp, as the API wants it. */
function timestampOf(values: Values, name: "from" | "to"): string {
  const text = required(values, name);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return `${text}T00:00:00Z`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/.test(text)) return text;
  throw new UsageError(
    `--${name} ${text}: give a date (2026-12-01) or a UTC time (2026-12-01T00:00:00Z)`,
  );
}

/** What the parties' commands share: who asks, where, and the period and filters of the books. */
const BOOKS_OPTIONS = {
  ...GATEWAY_OPTION,
  ...PARTY_OPTIONS,
  from: { type: "string" },
  to: { type: "string" },
  carrier: { type: "string" },
  provider: { type: "string" },
} as const;
const BOOKS_HELP = [PARTY_HELP, GATEWAY_HELP, "", EXIT_HELP];

export const settlement: Command = {
  name: "settlement",
  summary: "who owes whom for a period, signature verified (GET /v1/settlements)",
  usage:
    "oct settlement --party REF --key FILE --from TIME --to TIME [--carrier ID] [--provider ID] [--csv] [--gateway URL]",
  example:
    "oct settlement --party carrier:carrier-a --key carrier-a.private.jwk.json --from 2026-12-01 --to 2027-01-01",
  help: [
    "The period is [from, to): a date (2026-12-01, midnight UTC) or a UTC time (2026-12-01T10:00:00Z).",
    "Totals per carrier, provider and unit, of what concerns the party: a carrier's tokens, a",
    "provider's redemptions, everything for an operator. The JSON report's signature is verified",
    "against the gateway's /.well-known/jwks.json (a bad signature is exit status 1); --json",
    "prints the report as signed. --csv prints the gateway's CSV form (unsigned).",
    ...BOOKS_HELP,
  ].join("\n"),
  options: { ...BOOKS_OPTIONS, csv: { type: "boolean" } },
  async run(values, out) {
    if (values.csv && values.json) throw new UsageError("--csv and --json: choose one");
    const query = new URLSearchParams({
      from: timestampOf(values, "from"),
      to: timestampOf(values, "to"),
    });
    for (const name of ["carrier", "provider"] as const) {
      const value = values[name];
      if (typeof value === "string") query.set(name, value);
    }
    if (values.csv) query.set("format", "csv");
    const client = clientFor(values, out);
    const credentials = await partyCredentials(values, client);
    const { body } = await client.call<SettlementReport | string>(
      "GET",
      `/v1/settlements?${query}`,
      { headers: await credentials() },
    );
    if (typeof body === "string") {
      out.print(body.replace(/\r\n$/, ""));
      return;
    }
    const { header } = await verifySettlement(body, await fetchGatewayKeys(client));
    print(out, values, body, () => {
      const lines = [
        `settlement report of ${body.gateway}, ${body.period.from} to ${body.period.to} (generated ${body.generated_at})`,
      ];
      if (body.totals.length === 0) lines.push("  no committed redemptions in this period");
      else {
        const table: string[][] = [
          ["carrier", "provider", "count", "debited (owed by carrier)", "credited (delivered)"],
          ...body.totals.map((t) => [
            t.carrier,
            t.provider,
            String(t.count),
            `${t.debited} ${t.unit}`,
            `${t.credited} ${t.credit_unit}`,
          ]),
        ];
        const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
        for (const row of table)
          lines.push(
            `  ${row
              .map((cell, i) => cell.padEnd(widths[i]!))
              .join("  ")
              .trimEnd()}`,
          );
      }
      lines.push(`signature verified: ${header.alg} key ${header.kid} of ${body.gateway}`);
      return lines.join("\n");
    });
  },
};

interface RedemptionPage {
  redemptions: (Redemption & { committed_at: string })[];
  next_cursor?: string;
}

export const redemptions: Command = {
  name: "redemptions",
  summary: "the committed redemptions that concern a party (GET /v1/redemptions)",
  usage:
    "oct redemptions --party REF --key FILE [--from TIME] [--to TIME] [--carrier ID] [--provider ID] [--iss URL --jti ID] [--limit N] [--all] [--gateway URL]",
  example:
    "oct redemptions --party provider:carrier-b-edge --key carrier-b-edge.private.jwk.json --from 2026-12-01",
  help: [
    "Committed redemptions in commit order: a carrier's tokens', a provider's own, every one",
    "for an operator. --from and --to bound the commit time, [from, to); --iss with --jti",
    "names one token. One page of --limit (default 50, at most 100); --all follows the pages",
    "to the end. --json prints the page as the gateway answered it (with --all, every",
    "redemption as one JSON array).",
    ...BOOKS_HELP,
  ].join("\n"),
  options: {
    ...BOOKS_OPTIONS,
    iss: { type: "string" },
    jti: { type: "string" },
    limit: { type: "string" },
    all: { type: "boolean" },
  },
  async run(values, out) {
    const query = new URLSearchParams();
    for (const name of ["from", "to"] as const)
      if (values[name] !== undefined) query.set(name, timestampOf(values, name));
    for (const name of ["carrier", "provider", "iss", "jti", "limit"] as const) {
      const value = values[name];
      if (typeof value === "string") query.set(name, value);
    }
    const client = clientFor(values, out);
    const credentials = await partyCredentials(values, client);
    const listed: RedemptionPage["redemptions"] = [];
    let page: RedemptionPage;
    do {
      ({ body: page } = await client.call<RedemptionPage>("GET", `/v1/redemptions?${query}`, {
        headers: await credentials(),
      }));
      listed.push(...page.redemptions);
      if (page.next_cursor) query.set("cursor", page.next_cursor);
    } while (values.all && page.next_cursor);
    print(out, values, values.all ? listed : page, () => {
      const lines = listed.map(
        (r) =>
          `${r.committed_at}  ${r.id}  ${r.provider}  ${r.debited.amount} ${r.debited.unit} -> ${r.credited.amount} ${r.credited.unit}  token ${r.token.jti} of ${r.token.iss}`,
      );
      if (lines.length === 0) lines.push("no committed redemptions");
      if (!values.all && page.next_cursor)
        lines.push(`more follow: --all lists them, or --limit asks for more a page`);
      return lines.join("\n");
    });
  },
};

export const metrics: Command = {
  name: "metrics",
  summary: "the gateway's metrics, for its operators (GET /metrics)",
  usage: "oct metrics --party operator:ID --key FILE [--gateway URL]",
  example: "oct metrics --party operator:ops --key ops.private.jwk.json",
  help: [
    "Prints the Prometheus text the gateway answers an operator of its configuration",
    "(gateway.operators) with.",
    ...BOOKS_HELP,
  ].join("\n"),
  options: { ...GATEWAY_OPTION, ...PARTY_OPTIONS },
  async run(values, out) {
    const client = clientFor(values, out);
    const credentials = await partyCredentials(values, client);
    const { body } = await client.call<string>("GET", "/metrics", {
      headers: await credentials(),
    });
    out.print(String(body).replace(/\n$/, ""));
  },
};

/** The iss a receipt names, read before its signature is checked (only to explain a mismatch). */
function claimedIssuer(receipt: string): string | undefined {
  try {
    const { iss } = decodeJwt(receipt);
    return typeof iss === "string" ? iss : undefined;
  } catch {
    return undefined; // malformed: verifyReceipt says how
  }
}

/**
 * The gateway's record of a receipt's redemption. A gateway that holds the
 * receipt's keys but not the redemption is another gateway with the same id
 * and keys (every demo gateway has the demo's), or the same one on another
 * ledger: `not_found` alone would not say so.
 */
async function redemptionOf(client: GatewayClient, id: string, gatewayId: string) {
  try {
    const { body } = await client.call<Redemption>(
      "GET",
      `/v1/redemptions/${encodeURIComponent(id)}`,
    );
    return body;
  } catch (error) {
    if (!(error instanceof GatewayError) || error.code !== "not_found") throw error;
    throw new GatewayError({
      ...error.json,
      detail:
        `the receipt verifies with the keys of ${gatewayId}, but the gateway at ${client.url} has no redemption ${id}: ` +
        `the redemption was not made at this gateway (another one with the same gateway.id and receipt key, ` +
        `as every gateway on the demo network has) or not with this ledger (OCT_DB)`,
    });
  }
}

export const receiptVerify: Command = {
  name: "receipt verify",
  summary: "verify a redemption receipt with the gateway's JWKS, and its status",
  usage: "oct receipt verify (--receipt JWS | --receipt-file FILE) [--gateway URL]",
  example: "oct receipt verify --receipt-file receipt.jwt --gateway http://127.0.0.1:8787",
  help: [
    "Checks the receipt as spec/oct.md §9.4 says: strict JWS, typ oct-receipt+jwt, signature",
    "with the gateway's key (jose, key by kid from /.well-known/jwks.json), iss equal to the",
    "gateway's id, claims valid; then asks the gateway whether the redemption is committed",
    "(or, for an authorisation, captured).",
    GATEWAY_HELP,
    "",
    "Exit status: 0 verified and committed (or captured), 1 refused or not, 2 usage error.",
  ].join("\n"),
  options: {
    ...GATEWAY_OPTION,
    receipt: { type: "string" },
    "receipt-file": { type: "string" },
  },
  async run(values, out) {
    const file = values["receipt-file"];
    if (typeof file === "string" && typeof values.receipt === "string")
      throw new UsageError("give the receipt once: --receipt or --receipt-file, not both");
    const receipt = (
      typeof file === "string" ? readText(file, "receipt file") : required(values, "receipt")
    ).trim();
    const client = clientFor(values, out);
    const keys = await fetchGatewayKeys(client);
    const issuer = claimedIssuer(receipt);
    if (issuer !== undefined && issuer !== keys.id)
      throw new SignatureError(
        "claims_invalid",
        `the receipt's iss is ${issuer}, another gateway than the one at ${client.url} (gateway.id ${keys.id}): ` +
          `check it at the gateway that issued it, e.g. --gateway ${issuer}`,
      );
    const { header, claims } = await verifyReceipt(receipt, keys);
    const stored = await redemptionOf(client, claims.jti, keys.id);
    const r = claims.oct_receipt;
    print(out, values, { valid: true, header, claims, status: stored.status }, () =>
      [
        `receipt ${claims.jti}: signature verified (${header.alg} key ${header.kid} of ${claims.iss})`,
        ...rows([
          [
            "settles",
            `${r.carrier} owes ${r.provider} ${quantity(r.credited)} delivered, valued at ${quantity(r.debited)} (rate ${r.tariff.rate})`,
          ],
          ["token", `${r.token.jti} (${r.token.iss}), holder ${r.sub}`],
          ["issued", new Date(claims.iat * 1000).toISOString().replace(".000Z", "Z")],
          ["status", `${stored.status} at ${client.url}`],
        ]),
      ].join("\n"),
    );
    // A receipt attests a committed redemption, or a captured authorisation (spec §9.4 step 5).
    if (stored.status !== "committed" && stored.status !== "captured") {
      out.error(
        `oct receipt verify: the redemption is ${stored.status}, not committed or captured`,
      );
      return 1;
    }
  },
};
