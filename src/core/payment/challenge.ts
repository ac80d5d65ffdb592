/**
 * @module An app's payment challenge (`spec/oct.md` §16.1): the `OCT`
 * challenge of a `WWW-Authenticate` field and the `payment` member of the
 * problem that says the same, written by the app and read by a paying client.
 *
 * The field is parsed here rather than with a package: the ones on the
 * registry read a single challenge (or only Basic and Digest), while RFC 9110
 * §11.6.1 lets one field carry several challenges, each with comma-separated
 * parameters, and a paying client must find the `OCT` one among them exactly.
 */
import type { PaymentChallenge as PaymentMember } from "../../generated/types.ts";
import { validatePaymentChallenge } from "../../generated/validators.js";

/** What a request costs and where to pay it, with the code of a refusal when there is one. */
export interface PaymentChallenge {
  /** The gateway's URL, the base of its API. */
  gateway: string;
  /** The provider id the app redeems as. */
  provider: string;
  /** The most the request costs, in a unit of the provider. */
  price: { amount: string; unit: string };
  /** The token units the app accepts. */
  units: string[];
  /** The code of the refusal this challenge comes with (absent for `payment_required`). */
  error?: string;
}

/** The authentication scheme of OCT (spec §14.4), compared case-insensitively. */
export const SCHEME = "OCT";

/** One challenge of a `WWW-Authenticate` field: its scheme and parameters (names lowercased). */
interface ParsedChallenge {
  scheme: string;
  params: Map<string, string>;
  /** A parameter appeared twice: the challenge is not usable. */
  repeated: boolean;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;
const TOKEN68 = /^[A-Za-z0-9._~+/-]+=*/;
const PARAM_START = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]*=[ \t]*/;

/** A quoted-string (RFC 9110 §5.6.4) at the start of `text`: its value and length, or undefined. */
function quotedString(text: string): { value: string; length: number } | undefined {
  if (text[0] !== '"') return undefined;
  let value = "";
  for (let i = 1; i < text.length; i++) {
    const char = text[i]!;
    if (char === '"') return { value, length: i + 1 };
    if (char === "\\") {
      const next = text[i + 1];
      if (next === undefined) return undefined;
      value += next;
      i++;
    } else value += char;
  }
  return undefined;
}

/** The parameter (name, value, length) at the start of `text`, or undefined. */
function paramAt(text: string): { name: string; value: string; length: number } | undefined {
  const start = PARAM_START.exec(text);
  if (!start) return undefined;
  const rest = text.slice(start[0].length);
  const quoted = quotedString(rest);
  if (quoted)
    return { name: start[1]!, value: quoted.value, length: start[0].length + quoted.length };
  const token = TOKEN.exec(rest);
  if (!token) return undefined;
  return { name: start[1]!, value: token[0], length: start[0].length + token[0].length };
}

/**
 * The challenges of a `WWW-Authenticate` field value (RFC 9110 §11.6.1):
 * `#challenge`, each `auth-scheme [ 1*SP ( token68 / #auth-param ) ]`. A
 * value that stops making sense ends the list there.
 */
function parseChallenges(field: string): ParsedChallenge[] {
  const challenges: ParsedChallenge[] = [];
  let rest = field;
  const skip = (pattern: RegExp) => (rest = rest.replace(pattern, ""));
  for (;;) {
    skip(/^[ \t,]+/);
    const scheme = TOKEN.exec(rest);
    if (!scheme) return challenges;
    rest = rest.slice(scheme[0].length);
    const challenge: ParsedChallenge = {
      scheme: scheme[0].toLowerCase(),
      params: new Map(),
      repeated: false,
    };
    challenges.push(challenge);
    if (!/^ +/.test(rest)) continue;
    skip(/^ +/);
    if (!paramAt(rest)) {
      // A token68 (credentials-like data of another scheme): not ours, skip it.
      const token68 = TOKEN68.exec(rest);
      if (token68) rest = rest.slice(token68[0].length);
      continue;
    }
    // Parameters, comma-separated, until what follows a comma is no parameter.
    for (;;) {
      const param = paramAt(rest);
      if (!param) return challenges;
      const name = param.name.toLowerCase();
      if (challenge.params.has(name)) challenge.repeated = true;
      challenge.params.set(name, param.value);
      rest = rest.slice(param.length);
      skip(/^[ \t]*/);
      if (!rest.startsWith(",")) break;
      const after = rest.replace(/^[ \t,]+/, "");
      if (!paramAt(after)) break;
      rest = after;
    }
  }
}

/** A quoted-string of `value` (RFC 9110 §5.6.4). */
const quote = (value: string) => `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;

/**
 * The `WWW-Authenticate` value of a challenge (spec §16.1).
 *
 * @example
 * formatChallenge({ gateway: "https://gw.example", provider: "p", price: { amount: "5", unit: "pflop" }, units: ["pflop"] })
 * // 'OCT gateway="https://gw.example", provider="p", amount="5", unit="pflop", units="pflop"'
 */
export function formatChallenge(challenge: PaymentChallenge): string {
  const params: [string, string][] = [
    ["gateway", challenge.gateway],
    ["provider", challenge.provider],
    ["amount", challenge.price.amount],
    ["unit", challenge.price.unit],
    ["units", challenge.units.join(" ")],
    ...(challenge.error !== undefined ? ([["error", challenge.error]] as [string, string][]) : []),
  ];
  return `${SCHEME} ${params.map(([name, value]) => `${name}=${quote(value)}`).join(", ")}`;
}

/** The `payment` member of an app's problem (`payment-challenge.schema.json`). */
export function paymentMember(challenge: PaymentChallenge): PaymentMember {
  return {
    gateway: challenge.gateway,
    provider: challenge.provider,
    price: { amount: challenge.price.amount, unit: challenge.price.unit },
    units: challenge.units as PaymentMember["units"],
  };
}

/**
 * The `OCT` challenge of a `WWW-Authenticate` field value, or `undefined`
 * when it has none or its parameters do not make a valid challenge (a
 * parameter twice, one missing, a value `payment-challenge.schema.json`
 * refuses). Unknown parameters are ignored.
 *
 * @example
 * challengeOf('Bearer realm="api", OCT gateway="https://gw.example", provider="p", amount="5", unit="pflop", units="pflop"')
 */
export function challengeOf(field: string | null | undefined): PaymentChallenge | undefined {
  if (!field) return undefined;
  const found = parseChallenges(field).find((c) => c.scheme === SCHEME.toLowerCase());
  if (!found || found.repeated) return undefined;
  const { params } = found;
  const units = params.get("units");
  const member = {
    gateway: params.get("gateway"),
    provider: params.get("provider"),
    price: { amount: params.get("amount"), unit: params.get("unit") },
    units: units === undefined || !/^\S+( \S+)*$/.test(units) ? undefined : units.split(" "),
  };
  if (!validatePaymentChallenge(member)) return undefined;
  const error = params.get("error");
  return {
    gateway: member.gateway,
    provider: member.provider,
    price: member.price,
    units: [...member.units],
    ...(error !== undefined ? { error } : {}),
  };
}
