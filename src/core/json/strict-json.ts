/**
 * @module Strict JSON (RFC 8259 with the I-JSON rules of RFC 7493 that
 * matter for signed data): no duplicate member names, no byte-order mark,
 * bounded nesting. `JSON.parse` silently keeps the last of two duplicate
 * members, which lets a token mean one thing to us and another to a peer
 * (RFC 8725 §3.12); this scanner refuses such text before it is parsed.
 */

/** Why a text is not strict JSON. */
export class StrictJsonError extends Error {
  override name = "StrictJsonError";
}

const MAX_DEPTH = 32;
/** No number in OCT's JSON comes near; a longer one is refused, not rounded. */
const MAX_NUMBER_LENGTH = 400;

export interface StrictJsonOptions {
  /**
   * Refuse `\ud800`-style escapes that leave a surrogate unpaired, as I-JSON
   * does (RFC 7493 §2.1): such a string has no UTF-8 form, so its JCS
   * serialisation (RFC 8785), and any fingerprint of it, is ill-defined.
   */
  refuseEscapedLoneSurrogates?: boolean;
}

/**
 * Parses `text` as strict JSON.
 *
 * @example
 * parseStrictJson('{"a":1}') // { a: 1 }
 * parseStrictJson('{"a":1,"a":2}') // throws StrictJsonError
 */
export function parseStrictJson(text: string, options: StrictJsonOptions = {}): unknown {
  if (text.charCodeAt(0) === 0xfeff) throw new StrictJsonError("byte-order mark");
  new Scanner(text, options.refuseEscapedLoneSurrogates ?? false).document();
  return JSON.parse(text);
}

// Runs the scanner may pass over whole (sticky, from `lastIndex`): string
// characters that need no look (no quote, backslash, control character or
// surrogate), and a number's grammar.
const PLAIN_RUN = /[^"\\\u0000-\u001f\ud800-\udfff]+/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

const isHigh = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

class Scanner {
  private i = 0;
  private readonly text: string;
  private readonly refuseEscapedLoneSurrogates: boolean;

  constructor(text: string, refuseEscapedLoneSurrogates: boolean) {
    this.text = text;
    this.refuseEscapedLoneSurrogates = refuseEscapedLoneSurrogates;
  }

  document(): void {
    this.whitespace();
    this.value(0);
    this.whitespace();
    if (this.i !== this.text.length) this.fail("text after the JSON value");
  }

  private fail(reason: string): never {
    throw new StrictJsonError(`${reason} at offset ${this.i}`);
  }

  private whitespace(): void {
    const t = this.text;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.i++;
      else break;
    }
  }

  private value(depth: number): void {
    if (depth > MAX_DEPTH) this.fail("nesting too deep");
    const c = this.text[this.i];
    if (c === "{") this.object(depth + 1);
    else if (c === "[") this.array(depth + 1);
    else if (c === '"') this.string();
    else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) this.number();
    else if (this.text.startsWith("true", this.i)) this.i += 4;
    else if (this.text.startsWith("false", this.i)) this.i += 5;
    else if (this.text.startsWith("null", this.i)) this.i += 4;
    else this.fail("unexpected character");
  }

  private object(depth: number): void {
    this.i++;
    const names = new Set<string>();
    this.whitespace();
    if (this.text[this.i] === "}") {
      this.i++;
      return;
    }
    for (;;) {
      this.whitespace();
      if (this.text[this.i] !== '"') this.fail("expected a member name");
      const start = this.i;
      const escaped = this.string();
      // Compare decoded names: "a" and "\u0061" are the same member.
      const name = escaped
        ? (JSON.parse(this.text.slice(start, this.i)) as string)
        : this.text.slice(start + 1, this.i - 1);
      if (names.has(name)) this.fail(`duplicate member name ${JSON.stringify(name)}`);
      names.add(name);
      this.whitespace();
      if (this.text[this.i] !== ":") this.fail("expected ':'");
      this.i++;
      this.whitespace();
      this.value(depth);
      this.whitespace();
      const next = this.text[this.i++];
      if (next === "}") return;
      if (next !== ",") this.fail("expected ',' or '}'");
    }
  }

  private array(depth: number): void {
    this.i++;
    this.whitespace();
    if (this.text[this.i] === "]") {
      this.i++;
      return;
    }
    for (;;) {
      this.whitespace();
      this.value(depth);
      this.whitespace();
      const next = this.text[this.i++];
      if (next === "]") return;
      if (next !== ",") this.fail("expected ',' or ']'");
    }
  }

  /** Passes over a string; whether it holds an escape. */
  private string(): boolean {
    const t = this.text;
    let escaped = false;
    this.i++;
    while (this.i < t.length) {
      PLAIN_RUN.lastIndex = this.i;
      if (PLAIN_RUN.test(t)) this.i = PLAIN_RUN.lastIndex;
      const c = t.charCodeAt(this.i);
      if (c === 0x22) {
        this.i++;
        return escaped;
      }
      if (c < 0x20) this.fail("control character in a string");
      if (c === 0x5c) {
        escaped = true;
        const e = t[this.i + 1];
        if (e === "u") {
          const unit = this.escapedUnit(this.i);
          if (unit === undefined) this.fail("bad \\u escape");
          this.i += 6;
          if (this.refuseEscapedLoneSurrogates && (isHigh(unit) || isLow(unit))) {
            if (isLow(unit) || !isLow(this.escapedUnit(this.i) ?? 0)) this.fail("lone surrogate");
            this.i += 6;
          }
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) this.i += 2;
        else this.fail("bad escape");
      } else if (c >= 0xd800 && c <= 0xdfff) {
        // A lone surrogate cannot come from valid UTF-8; refuse it (RFC 8725 §3.7).
        const d = t.charCodeAt(this.i + 1);
        if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) this.fail("lone surrogate");
        this.i += 2;
      } else break; // the end of the text
    }
    this.fail("unterminated string");
  }

  /** The code unit of the `\\uXXXX` escape at `at`, if there is one. */
  private escapedUnit(at: number): number | undefined {
    const hex = this.text.slice(at + 2, at + 6);
    if (this.text.slice(at, at + 2) !== "\\u" || !/^[0-9a-fA-F]{4}$/.test(hex)) return undefined;
    return parseInt(hex, 16);
  }

  private number(): void {
    NUMBER.lastIndex = this.i;
    if (!NUMBER.test(this.text)) this.fail("bad number");
    if (NUMBER.lastIndex - this.i > MAX_NUMBER_LENGTH) this.fail("number too long");
    this.i = NUMBER.lastIndex;
  }
}
