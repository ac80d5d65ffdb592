/**
 * @module A carrier's status lists (`spec/oct.md` §2.8, §6.5): `oct
 * status-list create`, `set`, `get`, `sign` (a Status List Token to publish)
 * and `serve` (signed afresh on every request, so a change is served at
 * once). A list file is the draft's JSON status list, `{ "bits", "lst" }`:
 * exactly the `status_list` claim a signed list carries.
 */
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { signStatusList } from "../../core/issuer/status-list.ts";
import { checkStatusListEntry } from "../../core/status/allowed.ts";
import {
  compressStatusList,
  decompressStatusList,
  entryCount,
  isStatusBits,
  newStatusList,
  setStatus,
  statusAt,
  StatusListError,
  TOKEN_STATUS,
  type StatusList,
} from "../../core/status/status-list.ts";
import type { PrivateJwk } from "../../core/signing/keys.ts";
import { readJson, required, UsageError, type Command, type Values } from "../command.ts";
import { numericDateOption, TIME_HELP } from "../times.ts";
import { privateKeyFile, writePrivateFile } from "./carrier.ts";

/** The largest list a file may hold once decompressed: the gateway's bound at its maximum. */
const MAX_LIST_BYTES = 16_777_216;
const STATUS_NAMES: Record<string, number> = {
  valid: TOKEN_STATUS.VALID,
  invalid: TOKEN_STATUS.INVALID,
  revoked: TOKEN_STATUS.INVALID,
  suspended: TOKEN_STATUS.SUSPENDED,
};
const NAME_OF: Record<number, string> = { 0: "valid", 1: "invalid", 2: "suspended" };
const statusName = (value: number) =>
  NAME_OF[value] ?? `0x${value.toString(16).padStart(2, "0")} (no meaning in OCT: not valid)`;

const LIST_HELP =
  '  --list FILE     the list file: { "bits", "lst" }, the status_list claim as published';

function wholeNumber(name: string, text: unknown, least: number): number {
  const value = Number(text);
  if (
    typeof text !== "string" ||
    !/^\d+$/.test(text) ||
    !Number.isSafeInteger(value) ||
    value < least
  )
    throw new UsageError(
      `--${name} must be a whole number${least > 0 ? ` of at least ${least}` : ""}`,
    );
  return value;
}

async function readList(path: string): Promise<StatusList> {
  const file = readJson(path, "list file") as { bits?: unknown; lst?: unknown } | null;
  if (
    typeof file !== "object" ||
    file === null ||
    !isStatusBits(file.bits) ||
    typeof file.lst !== "string"
  )
    throw new UsageError(`${path} is not a status list file: { "bits": 1|2|4|8, "lst": "..." }`);
  try {
    return await decompressStatusList(file.lst, file.bits, MAX_LIST_BYTES);
  } catch (error) {
    if (error instanceof StatusListError) throw new UsageError(`${path}: ${error.message}`);
    throw error;
  }
}

async function listFileText(list: StatusList): Promise<string> {
  return JSON.stringify({ bits: list.bits, lst: await compressStatusList(list) }) + "\n";
}

function indexOf(values: Values, list: StatusList): number {
  const index = wholeNumber("index", values.index, 0);
  if (index >= entryCount(list))
    throw new UsageError(
      `--index ${index} is outside the list, which holds entries 0 to ${entryCount(list) - 1}`,
    );
  return index;
}

function listUri(values: Values): string {
  const uri = required(values, "uri");
  const problem = checkStatusListEntry(uri);
  if (problem) throw new UsageError(`--uri ${uri}: ${problem}`);
  return uri;
}

/** What `sign` and `serve` put in a list token, from their options. */
interface Signing {
  list: string;
  key: PrivateJwk;
  uri: string;
  ttl: number;
  lifetime: number;
  iss?: string;
}

function signingOf(values: Values): Signing {
  return {
    list: required(values, "list"),
    key: privateKeyFile(required(values, "key")),
    uri: listUri(values),
    ttl: wholeNumber("ttl", values.ttl ?? "300", 1),
    lifetime: wholeNumber("lifetime", values.lifetime ?? "86400", 1),
    ...(typeof values.iss === "string" ? { iss: values.iss } : {}),
  };
}

/** The list file at `signing.list`, signed now. */
async function signedNow(signing: Signing, exp?: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return signStatusList(
    await readList(signing.list),
    {
      uri: signing.uri,
      iat: now,
      ttl: signing.ttl,
      exp: exp ?? now + signing.lifetime,
      ...(signing.iss !== undefined ? { iss: signing.iss } : {}),
    },
    signing.key,
  );
}

const SIGNING_OPTIONS = {
  list: { type: "string" },
  key: { type: "string" },
  uri: { type: "string" },
  ttl: { type: "string" },
  lifetime: { type: "string" },
  iss: { type: "string" },
} as const;

const SIGNING_HELP = [
  LIST_HELP,
  "  --key FILE      the carrier's private key (one of its configured keys)",
  "  --uri URL       where the list is published: its sub, and the uri its tokens carry; one",
  "                  of the URLs the carrier's status_lists allow",
  "  --ttl SECONDS   how long gateways may use it before fetching it again (default 300)",
  "  --lifetime SECONDS   its exp, from now (default 86400): after it, no gateway uses it",
  "  --iss URL       an informative iss (the carrier's issuer); gateways do not read it",
];

export const statusListCreate: Command = {
  name: "status-list create",
  summary: "create a carrier's status list, every entry valid",
  usage: "oct status-list create --size N [--bits 1|2|4|8] --out FILE [--force]",
  example: "oct status-list create --size 100000 --bits 2 --out status-1.json",
  help: [
    "  --size N     entries 0 to N-1 (rounded up to fill the last octet)",
    "  --bits B     bits per entry (default 2: valid, invalid, suspended)",
    "  --out FILE   the list file; an existing one is never replaced unless --force is given",
  ].join("\n"),
  options: {
    size: { type: "string" },
    bits: { type: "string", default: "2" },
    out: { type: "string" },
    force: { type: "boolean" },
  },
  async run(values, out) {
    const size = wholeNumber("size", values.size, 1);
    const bits = Number(values.bits);
    if (!isStatusBits(bits)) throw new UsageError("--bits must be 1, 2, 4 or 8");
    if ((size * bits) / 8 > MAX_LIST_BYTES)
      throw new UsageError(`--size ${size} at ${bits} bit(s) exceeds ${MAX_LIST_BYTES} bytes`);
    const list = newStatusList(size, bits);
    const file = required(values, "out");
    // Not a secret, but a list in use: replacing it would set every token back to valid.
    writePrivateFile(file, await listFileText(list), values.force === true);
    out.print(
      values.json
        ? JSON.stringify({ file, bits, entries: entryCount(list) })
        : `wrote ${file}: ${entryCount(list)} entries of ${bits} bit(s), every one valid`,
    );
  },
};

export const statusListSet: Command = {
  name: "status-list set",
  summary: "set a token's status in a list: valid, invalid (revoked) or suspended",
  usage: "oct status-list set --list FILE --index I --status valid|invalid|suspended|N",
  example: "oct status-list set --list status-1.json --index 4711 --status invalid",
  help: [
    LIST_HELP,
    "  --index I       the token's status.status_list.idx",
    "  --status S      valid, invalid (revoked; do not set it back), suspended, or a number",
    "",
    "Gateways see the change when they next fetch the list: publish it again (sign) or",
    "let serve sign it afresh.",
  ].join("\n"),
  options: { list: { type: "string" }, index: { type: "string" }, status: { type: "string" } },
  async run(values, out) {
    const path = required(values, "list");
    const list = await readList(path);
    const index = indexOf(values, list);
    const text = required(values, "status");
    const status = STATUS_NAMES[text] ?? (/^\d{1,3}$/.test(text) ? Number(text) : NaN);
    if (!Number.isInteger(status) || status >= 1 << list.bits)
      throw new UsageError(
        `--status ${text}: valid, invalid, suspended or a number below ${1 << list.bits} (the list has ${list.bits} bit(s) per entry)`,
      );
    const before = statusAt(list, index)!;
    setStatus(list, index, status);
    writeFileSync(path, await listFileText(list));
    out.print(
      values.json
        ? JSON.stringify({ index, before, status })
        : `entry ${index}: ${statusName(before)} -> ${statusName(status)}`,
    );
  },
};

export const statusListGet: Command = {
  name: "status-list get",
  summary: "a token's status in a list",
  usage: "oct status-list get --list FILE --index I",
  example: "oct status-list get --list status-1.json --index 4711",
  help: LIST_HELP,
  options: { list: { type: "string" }, index: { type: "string" } },
  async run(values, out) {
    const list = await readList(required(values, "list"));
    const index = indexOf(values, list);
    const status = statusAt(list, index)!;
    out.print(
      values.json ? JSON.stringify({ index, status }) : `entry ${index}: ${statusName(status)}`,
    );
  },
};

export const statusListSign: Command = {
  name: "status-list sign",
  summary: "sign a list as the Status List Token to publish at its URL (statuslist+jwt)",
  usage:
    "oct status-list sign --list FILE --key FILE --uri URL [--ttl SECONDS] [--lifetime SECONDS | --exp TIME] [--iss URL] [--out FILE]",
  example:
    "oct status-list sign --list status-1.json --key carrier-a.private.jwk.json --uri https://tokens.carrier-a.example/status/1 --out status-1.jwt",
  help: [
    ...SIGNING_HELP,
    `  --exp TIME      its exp, instead of --lifetime; ${TIME_HELP}`,
    "  --out FILE      write the token there (publish it with Content-Type",
    "                  application/statuslist+jwt) instead of printing it",
    "",
    "Publish it again before its exp, and after every change.",
  ].join("\n"),
  options: { ...SIGNING_OPTIONS, exp: { type: "string" }, out: { type: "string" } },
  async run(values, out) {
    if (typeof values.exp === "string" && typeof values.lifetime === "string")
      throw new UsageError("--exp and --lifetime: give one");
    const signing = signingOf(values);
    const now = Math.floor(Date.now() / 1000);
    const exp =
      typeof values.exp === "string" ? numericDateOption("exp", values.exp, now) : undefined;
    if (exp !== undefined && exp <= now)
      throw new UsageError(`--exp ${values.exp} is not in the future`);
    const jws = await signedNow(signing, exp);
    if (typeof values.out === "string") {
      writeFileSync(values.out, jws);
      out.print(
        values.json
          ? JSON.stringify({ file: values.out, uri: signing.uri })
          : `wrote ${values.out}: publish it at ${signing.uri}`,
      );
    } else out.print(jws);
  },
};

/**
 * A server that answers `GET` at the path of `signing.uri` with the list
 * file signed afresh (a change is served at once), and 404 elsewhere.
 *
 * @example
 * const server = statusListServer(signing); server.listen(8788, "127.0.0.1");
 */
export function statusListServer(signing: Signing): Server {
  const path = new URL(signing.uri).pathname;
  return createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname !== path || (request.method !== "GET" && request.method !== "HEAD")) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not a status list\n");
      return;
    }
    signedNow(signing).then(
      (jws) => {
        response.writeHead(200, {
          "content-type": "application/statuslist+jwt",
          "cache-control": `max-age=${signing.ttl}`,
        });
        response.end(request.method === "HEAD" ? undefined : jws);
      },
      (error: Error) => {
        response.writeHead(500, { "content-type": "text/plain" }).end(`${error.message}\n`);
      },
    );
  });
}

export const statusListServe: Command = {
  name: "status-list serve",
  summary: "serve a list over HTTP, signed afresh on every request",
  usage:
    "oct status-list serve --list FILE --key FILE --uri URL [--ttl SECONDS] [--lifetime SECONDS] [--port N] [--host ADDRESS]",
  example:
    "oct status-list serve --list status-1.json --key carrier-a.private.jwk.json --uri http://127.0.0.1:8788/status/1",
  help: [
    ...SIGNING_HELP,
    "  --port N        where to listen (default: the port of --uri, else 8788)",
    "  --host ADDRESS  the address to listen on (default 127.0.0.1)",
    "",
    "Answers GET at the path of --uri; every answer is the list file as it is now, so",
    "oct status-list set takes effect at the next fetch. Stops on Ctrl-C.",
  ].join("\n"),
  options: { ...SIGNING_OPTIONS, port: { type: "string" }, host: { type: "string" } },
  async run(values, out) {
    const signing = signingOf(values);
    await readList(signing.list); // a bad file is a usage error now, not a 500 later
    const port =
      typeof values.port === "string"
        ? wholeNumber("port", values.port, 0)
        : Number(new URL(signing.uri).port || 8788);
    const host = typeof values.host === "string" ? values.host : "127.0.0.1";
    const server = statusListServer(signing);
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error) =>
        reject(new UsageError(`cannot listen on ${host}:${port}: ${error.message}`)),
      );
      server.listen(port, host, resolve);
    });
    const { port: bound } = server.address() as { port: number };
    out.print(
      values.json
        ? JSON.stringify({ uri: signing.uri, listening: `http://${host}:${bound}` })
        : `serving ${signing.list} as ${signing.uri} on http://${host}:${bound}${new URL(signing.uri).pathname} (Ctrl-C stops)`,
    );
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => resolve());
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
  },
};
