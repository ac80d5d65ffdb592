/** Scalar's standalone API reference bundle, vendored by scripts/vendor-api-reference.ts. */
export declare const API_REFERENCE_BUNDLE: {
  readonly package: string;
  readonly version: string;
  readonly file: string;
  readonly license: string;
  /** The npm tarball's Subresource Integrity, as the registry publishes it. */
  readonly integrity: string;
  /** SHA-256 of the bundle (base64url), the asset's ETag. */
  readonly sha256: string;
  readonly bytes: number;
  /** The bundle, gzip'd, in base64. */
  readonly gzipBase64: string;
};
