/**
 * @module `oct pay URL`: a request to an app that charges in OCT tokens
 * (`spec/oct.md` §16), paid with the holder's token when the app asks: the
 * 402 challenge answered once, with an `Idempotency-Key`, only at the
 * gateway the holder trusts and within `--max-price`; the answer printed,
 * its receipt verified with that gateway's keys.
 */
import { parseAmount } from "../../core/amount/decimal.ts";
import { challengeOf } from "../../core/payment/challenge.ts";
import {
  payingFetch,
  receiptOf,
  refusalOf,
  type PayingFetchOptions,
} from "../../client/paying-fetch.ts";
import { createHolderProof } from "../../core/holder/build.ts";
import {
  fetchGatewayKeys,
  GatewayClient,
  GATEWAY_OPTION,
  gatewayOf,
  REQUEST_TIMEOUT_MS,
} from "../client.ts";
import {
  readText,
  TOKEN_OPTIONS,
  tokenOf,
  UsageError,
  type Command,
  type Output,
  type Values,
} from "../command.ts";
import { HOLDER_OPTION } from "../holder.ts";
import { verifyReceipt } from "../signed.ts";
import { privateKeyFile } from "./carrier.ts";
import { GATEWAY_HELP, quantity, TOKEN_HELP } from "./gateway.ts";

/** A refusal by the app: `code: detail`, exit status 1, the answer under `--json`. */
class AppError extends Error {
  override name = "AppError";
  readonly code: string;
  readonly json: unknown;

  constructor(code: string, message: string, json: unknown) {
    super(message);
    this.code = code;
    this.json = json;
  }
}

/** `--max-price "100 inference-token:llm-large"`. */
function maxPriceOf(values: Values) {
  const text = values["max-price"];
  if (typeof text !== "string") return undefined;
  const [amount, unit, ...rest] = text.trim().split(/\s+/);
  if (!amount || !unit || rest.length > 0 || parseAmount(amount) === undefined)
    throw new UsageError(
      `--max-price ${text}: write an amount and a unit, e.g. "100 inference-token:llm-large"`,
    );
  return { amount, unit };
}

/** The request of `--method`, `--header`, `--data` / `--data-file`. */
function requestOf(values: Values): { method: string; headers: Headers; body?: string } {
  const data = values.data;
  const file = values["data-file"];
  if (typeof data === "string" && typeof file === "string")
    throw new UsageError("give the body once: --data or --data-file, not both");
  const body = typeof file === "string" ? readText(file, "body file") : data;
  const headers = new Headers();
  for (const field of (values.header as string[] | undefined) ?? []) {
    const colon = field.indexOf(":");
    if (colon <= 0) throw new UsageError(`--header ${field}: write "Name: value"`);
    headers.append(field.slice(0, colon).trim(), field.slice(colon + 1).trim());
  }
  if (headers.has("authorization"))
    throw new UsageError("--header Authorization: the token goes with --token or --token-file");
  if (typeof body === "string" && !headers.has("content-type"))
    headers.set("content-type", "application/json");
  const method =
    typeof values.method === "string" ? values.method.toUpperCase() : body ? "POST" : "GET";
  return { method, headers, ...(typeof body === "string" ? { body } : {}) };
}

/**
 * `--holder-key FILE`: the proof a bound token's authorisation needs, which
 * the app passes on unchanged (spec §16.6): a POST to the gateway's URL of
 * `/v1/redemptions`, under the challenge's gateway as that gateway knows
 * itself (its metadata's id, as for `oct redeem --holder-key`), so that a
 * gateway called at another address than its id is paid all the same.
 */
function holderProofOf(values: Values): PayingFetchOptions["proof"] {
  const file = values["holder-key"];
  if (typeof file !== "string") return undefined;
  const key = privateKeyFile(file);
  return async ({ token, challenge }) => {
    const url = await new GatewayClient(challenge.gateway).publicUrl("/v1/redemptions");
    return createHolderProof({ key, method: "POST", url, token });
  };
}

/** The app's problem, if its answer is one. */
function problemOf(text: string): { code?: string; detail?: string; title?: string } | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

export const pay: Command = {
  name: "pay",
  summary: "a request to an app that charges in OCT tokens, paid with the token when it asks",
  usage:
    "oct pay URL (--token T | --token-file FILE) [--method M] [--data BODY | --data-file FILE] [--header 'Name: value']… [--idempotency-key KEY] [--max-price 'AMOUNT UNIT'] [--holder-key FILE] [--gateway URL]",
  example:
    'oct pay http://127.0.0.1:8788/v1/generate --token-file token.jwt --data \'{"prompt":"hello"}\'',
  help: [
    "Sends the request; when the app answers 402 with an OCT challenge (spec §16.1), sends it once",
    "more with the token (Authorization: OCT) and an Idempotency-Key, never a third time. The answer's",
    "body goes to stdout; what was paid, and the receipt verified with the gateway's keys, to stderr.",
    "  --data BODY | --data-file FILE   the request body (JSON unless --header sets Content-Type);",
    "                                   with a body the method is POST unless --method says otherwise",
    "  --idempotency-key KEY   the same key on a retry finds the first payment instead of paying",
    "                          twice; without it a key is generated and printed on stderr",
    "  --max-price 'AMOUNT UNIT'   pay only a price up to this, in the price's unit",
    "  --gateway URL   the gateway you trust: the app's challenge must name it, and the receipt is",
    "                  verified with its keys (default $OCT_GATEWAY, else http://127.0.0.1:8787)",
    "  --holder-key FILE   the holder key of a bound token (oct keys generate --holder): the paid",
    "                      request carries a DPoP proof made with it for the authorisation, a POST",
    "                      to /v1/redemptions under the challenge's gateway (spec §16.6)",
    TOKEN_HELP,
    GATEWAY_HELP,
    "",
    "--json prints { status, body, idempotency_key, receipt }.",
    "Exit status: 0 answered 2xx, 1 refused (by the app, or not paid: shown as code: detail), 2 usage error.",
  ].join("\n"),
  positional: "url",
  options: {
    ...TOKEN_OPTIONS,
    ...GATEWAY_OPTION,
    url: { type: "string" },
    method: { type: "string" },
    data: { type: "string" },
    "data-file": { type: "string" },
    header: { type: "string", multiple: true },
    "idempotency-key": { type: "string" },
    "max-price": { type: "string" },
    ...HOLDER_OPTION,
  },
  async run(values, out) {
    const target = typeof values.url === "string" ? values.url : "";
    if (!/^https?:\/\//.test(target)) throw new UsageError("give the app's URL: oct pay http://…");
    const token = tokenOf(values);
    const trusted = gatewayOf(values);
    const maxPrice = maxPriceOf(values);
    const { method, headers, body } = requestOf(values);
    const given = values["idempotency-key"];
    if (given === "") throw new UsageError("--idempotency-key must not be empty");
    const key = typeof given === "string" ? given : crypto.randomUUID();
    const proof = holderProofOf(values);
    const options: PayingFetchOptions = {
      token,
      gateways: [trusted],
      ...(maxPrice ? { maxPrice } : {}),
      ...(proof ? { proof } : {}),
      idempotencyKey: () => key,
    };

    const answer = await payingFetch(options)(target, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    }).catch((error: unknown) => {
      throw new Error(`cannot reach ${target}: ${(error as Error).message}`, { cause: error });
    });
    const text = await answer.text();
    const receipt = receiptOf(answer);
    const challenge = challengeOf(answer.headers.get("www-authenticate"));
    const unpaid =
      answer.status === 402 && challenge !== undefined && challenge.error === undefined;
    if (!unpaid && typeof given !== "string")
      out.error(`oct pay: Idempotency-Key ${key} (to retry safely: --idempotency-key ${key})`);
    const json = {
      status: answer.status,
      body: problemOf(text) ?? text,
      idempotency_key: key,
      receipt: receipt ?? null,
    };

    if (!answer.ok) {
      if (unpaid) {
        const why = refusalOf(challenge!, options) ?? "the app asked for payment again";
        throw new AppError(
          "payment_required",
          `not paid: ${why} (the app asks ${quantity(challenge!.price)} at ${challenge!.provider}, gateway ${challenge!.gateway})`,
          json,
        );
      }
      const problem = problemOf(text);
      throw new AppError(
        problem?.code ?? `http_${answer.status}`,
        problem?.detail ?? problem?.title ?? `the app answered ${answer.status}`,
        json,
      );
    }
    if (values.json) {
      out.print(JSON.stringify(json));
    } else out.print(text.replace(/\n$/, ""));
    if (receipt !== undefined) await explainReceipt(receipt, trusted, out);
  },
};

/** What the receipt says, after it is verified with the trusted gateway's keys. */
async function explainReceipt(receipt: string, gateway: string, out: Output): Promise<void> {
  const keys = await fetchGatewayKeys(new GatewayClient(gateway));
  const { claims } = await verifyReceipt(receipt, keys);
  const r = claims.oct_receipt;
  out.error(
    `oct pay: paid ${quantity(r.credited)} to ${r.provider} (${quantity(r.debited)} from the token); ` +
      `receipt ${claims.jti} verified with the keys of ${keys.id}`,
  );
}
