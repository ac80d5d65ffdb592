/**
 * @module The example's "model": a deterministic text generator, no weights
 * to download. The same prompt always gives the same answer, of a length of
 * its own (16 to 63 tokens) unless `maxTokens` cuts it short; a token is a
 * word or a full stop, as a model's output tokens are what it is paid for.
 */

const WORDS = [
  "compute",
  "token",
  "carrier",
  "edge",
  "gateway",
  "receipt",
  "ledger",
  "quiet",
  "bright",
  "river",
  "signal",
  "prepaid",
  "model",
  "answer",
  "light",
  "cloud",
  "network",
  "second",
  "flows",
  "settles",
  "holds",
  "captures",
  "spends",
  "waits",
  "glows",
  "over",
  "under",
  "through",
  "and",
  "the",
  "a",
  "of",
];

/** FNV-1a of the prompt's UTF-16 code units: the seed. */
function seedOf(prompt: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < prompt.length; i++) {
    hash ^= prompt.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash || 1;
}

/**
 * The output tokens for `prompt`, at most `maxTokens`.
 *
 * @example
 * generate("a haiku about prepaid compute", 60) // ["compute", "flows", …, "."]
 */
export function generate(prompt: string, maxTokens: number): string[] {
  let state = seedOf(prompt);
  const next = () => {
    // xorshift32: the same sequence on every runtime.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
  const length = Math.min(16 + (next() % 48), maxTokens);
  const tokens: string[] = [];
  let words = 0;
  while (tokens.length < length) {
    const last = tokens.length === length - 1;
    if (last || (words >= 5 && next() % 4 === 0)) {
      tokens.push(".");
      words = 0;
    } else {
      tokens.push(WORDS[next() % WORDS.length]!);
      words++;
    }
  }
  return tokens;
}

/** The tokens as text: sentences, capitalised, the full stop against its word. */
export function detokenize(tokens: readonly string[]): string {
  let text = "";
  let capital = true;
  for (const token of tokens) {
    if (token === ".") {
      text += ".";
      capital = true;
      continue;
    }
    text += (text ? " " : "") + (capital ? token[0]!.toUpperCase() + token.slice(1) : token);
    capital = false;
  }
  return text;
}
