/**
 * @module `oct capture` and `oct void`: the end of an authorisation made
 * with `oct redeem --capture manual` (`spec/oct.md` §7.8, §8.8). Knowing its
 * id is what allows either; both may be repeated safely.
 */
import { positiveAmountOption } from "../amount.ts";
import { GATEWAY_OPTION } from "../client.ts";
import { required, type Command, type Values } from "../command.ts";
import {
  clientFor,
  EXIT_HELP,
  GATEWAY_HELP,
  print,
  quantity,
  rows,
  type Redemption,
} from "./gateway.ts";

const ID_HELP =
  "  ID   the authorisation's id, as `oct redeem --capture manual` printed it (redemption)";

/** The authorisation's id, safe in a path (ids are URL-safe; anything else is encoded). */
const pathOf = (values: Values, verb: string) =>
  `/v1/redemptions/${encodeURIComponent(required(values, "id"))}/${verb}`;

export const capture: Command = {
  name: "capture",
  summary:
    "capture at most the authorised amount of an authorisation (POST /v1/redemptions/{id}/capture)",
  usage: "oct capture ID --amount DECIMAL --unit UNIT [--gateway URL]",
  example: "oct capture rd_… --amount 60 --unit gpu-second:a100-sxm",
  help: [
    "--amount and --unit are the credit to take, in the provider's unit, at most the credit",
    "authorised; the token is debited at the authorisation's tariff and the rest of the hold",
    "returns to it. The same capture again answers the same; another amount is refused.",
    ID_HELP,
    GATEWAY_HELP,
    "",
    EXIT_HELP,
  ].join("\n"),
  positional: "id",
  options: {
    ...GATEWAY_OPTION,
    id: { type: "string" },
    amount: { type: "string" },
    unit: { type: "string" },
  },
  async run(values, out) {
    const path = pathOf(values, "capture");
    const credit = {
      amount: positiveAmountOption("amount", required(values, "amount")),
      unit: required(values, "unit"),
    };
    const answer = await clientFor(values, out).call<Redemption>("POST", path, { json: credit });
    const r = answer.body;
    const replayed = answer.headers.get("idempotent-replayed") === "true";
    print(out, values, { ...r, replayed }, () =>
      [
        `captured ${quantity(r.credited)} of ${r.id} at ${r.provider}: ${r.status}${replayed ? " (already captured: nothing debited again)" : ""}`,
        ...rows([
          ["debited", `${quantity(r.debited)} (rate ${r.tariff.rate})`],
          ...(r.authorized
            ? ([["authorised", quantity(r.authorized.credited)]] as [string, string][])
            : []),
          ["remaining", quantity(r.remaining)],
          ...(r.receipt ? ([["receipt", r.receipt]] as [string, string][]) : []),
        ]),
      ].join("\n"),
    );
  },
};

export const voidAuthorization: Command = {
  name: "void",
  summary: "release an authorisation, nothing debited (POST /v1/redemptions/{id}/void)",
  usage: "oct void ID [--gateway URL]",
  example: "oct void rd_…",
  help: [
    "The whole hold returns to the token. Voiding again answers the same; a captured or",
    "expired authorisation cannot be voided.",
    ID_HELP,
    GATEWAY_HELP,
    "",
    EXIT_HELP,
  ].join("\n"),
  positional: "id",
  options: { ...GATEWAY_OPTION, id: { type: "string" } },
  async run(values, out) {
    const answer = await clientFor(values, out).call<Redemption>("POST", pathOf(values, "void"));
    const r = answer.body;
    const held = r.authorized ?? { debited: r.debited, credited: r.credited };
    print(out, values, r, () =>
      [
        `voided ${r.id} at ${r.provider}: ${r.status}, nothing debited`,
        ...rows([
          ["released", quantity(held.debited)],
          ["remaining", quantity(r.remaining)],
        ]),
      ].join("\n"),
    );
  },
};
