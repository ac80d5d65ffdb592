/**
 * @module The `Content-Type` of a request body (`spec/oct.md` §7.1):
 * `application/json`, with at most one parameter, `charset`, whose value is
 * `utf-8`; anything else is 415 `unsupported_media_type`.
 *
 * Parsed here by the grammar of RFC 9110 §8.3.1 rather than with the
 * `content-type` package, which keeps the last of two `charset` parameters
 * and so would accept `charset=utf-8; charset=latin1`.
 */
import { OctError } from "../core/errors.ts";

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"(?:[\\t !#-\\[\\]-~\\x80-\\xff]|\\\\[\\t -~\\x80-\\xff])*"';
const TYPE = new RegExp(`^(${TOKEN})/(${TOKEN})`);
// parameters = *( OWS ";" OWS [ parameter ] ): an empty parameter is allowed.
const PARAMETER = new RegExp(`^[ \\t]*;[ \\t]*(?:(${TOKEN})=(${TOKEN}|${QUOTED}))?`);

const refuse = (detail: string) => new OctError("unsupported_media_type", detail);

/**
 * Throws `unsupported_media_type` unless `header` names UTF-8 JSON.
 *
 * @example
 * checkJsonMediaType("application/json; charset=utf-8") // passes
 * checkJsonMediaType("application/json; charset=utf-8; charset=latin1") // throws
 */
export function checkJsonMediaType(header: string | undefined): void {
  const type = TYPE.exec(header ?? "");
  if (!type || `${type[1]}/${type[2]}`.toLowerCase() !== "application/json") {
    throw refuse("send the request body as application/json");
  }
  let rest = header!.slice(type[0].length);
  let charset: string | undefined;
  while (rest.trim() !== "") {
    const parameter = PARAMETER.exec(rest);
    if (!parameter) throw refuse("the Content-Type parameters are malformed");
    rest = rest.slice(parameter[0].length);
    const [, rawName, rawValue] = parameter;
    if (rawName === undefined) continue;
    const name = rawName.toLowerCase();
    if (name !== "charset") {
      throw refuse(`application/json takes no parameter ${name}: only charset=utf-8`);
    }
    if (charset !== undefined) throw refuse("the charset parameter is given twice");
    charset = rawValue!.startsWith('"')
      ? rawValue!.slice(1, -1).replace(/\\(.)/g, "$1")
      : rawValue!;
    if (charset.toLowerCase() !== "utf-8") {
      throw refuse(`the body must be UTF-8, not ${charset}`);
    }
  }
}

/**
 * Throws `unsupported_media_type` unless `header` is exactly the JWS media
 * type `expected`, without parameters (`spec/oct.md` §11.1).
 *
 * @example
 * checkJwsMediaType("application/oct-usage+jwt", "application/oct-usage+jwt") // passes
 */
export function checkJwsMediaType(header: string | undefined, expected: string): void {
  const type = TYPE.exec(header ?? "");
  const rest = type ? header!.slice(type[0].length).trim() : "";
  if (!type || `${type[1]}/${type[2]}`.toLowerCase() !== expected || rest !== "") {
    throw refuse(`send the request body as ${expected}, without parameters`);
  }
}
