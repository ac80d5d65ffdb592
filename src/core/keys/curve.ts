/**
 * @module Whether an EC public point lies on its curve (`spec/oct.md` §5.4
 * item 4): y² = x³ − 3x + b (mod p) for P-256 and P-384 (SEC 2 §2.4).
 *
 * Web Crypto refuses such a point too, but only when importing, which is
 * asynchronous; a network configuration is checked synchronously at load on
 * both runtimes, and one check must serve inline and fetched sets alike. The
 * test suite holds this check and Web Crypto's import to the same verdicts.
 */

interface Curve {
  /** The field prime. */
  p: bigint;
  /** The constant term of the curve equation (a is −3 for both curves). */
  b: bigint;
}

const CURVES: Record<string, Curve> = {
  "P-256": {
    p: 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
  },
  "P-384": {
    p: 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
  },
};

function toBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/**
 * True when (x, y), big-endian octets, is a point of the named curve.
 *
 * @example
 * isOnCurve("P-256", x, y) // false for a point with one bit of y flipped
 */
export function isOnCurve(crv: string, x: Uint8Array, y: Uint8Array): boolean {
  const curve = CURVES[crv];
  if (!curve) return false;
  const { p, b } = curve;
  const X = toBigInt(x);
  const Y = toBigInt(y);
  // Coordinates are field elements: below p (a non-reduced encoding is refused).
  if (X >= p || Y >= p) return false;
  const right = (((X * X) % p) * X - 3n * X + b) % p;
  return (Y * Y - right) % p === 0n;
}
