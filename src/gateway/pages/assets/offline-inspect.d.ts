/** The inspector's offline verification, bundled for the browser by scripts/gen.ts. */
export declare const OFFLINE_INSPECT_BUNDLE: {
  /** SHA-256 of the script (base64url), its ETag. */
  readonly sha256: string;
  readonly bytes: number;
  /** The script, gzip'd, in base64. */
  readonly gzipBase64: string;
};
