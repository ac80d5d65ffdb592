/**
 * @module The JSON Canonicalization Scheme (RFC 8785): one serialisation per
 * value, for request fingerprints and signed settlement reports. ECMAScript's
 * own number and string serialisation is what RFC 8785 prescribes.
 */

/**
 * The canonical JSON text of a value.
 *
 * @example
 * canonicalJson({ b: 1, a: [true, "x"] }) // '{"a":[true,"x"],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value))
      throw new TypeError("JCS has no representation for non-finite numbers");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  // RFC 8785 §3.2.3: members sorted by their names' UTF-16 code units, which
  // is what the default sort compares.
  const members = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map(
      (key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
    );
  return `{${members.join(",")}}`;
}
