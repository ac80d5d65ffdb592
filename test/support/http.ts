/**
 * @module JSON requests against an app or a URL, alike in every test.
 */
export type Send = (path: string, init?: RequestInit) => Response | Promise<Response>;

export function jsonPoster(send: Send) {
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    Promise.resolve(
      send(path, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    );
  const redeem = (body: unknown, key: string) =>
    post("/v1/redemptions", body, { "idempotency-key": key });
  const get = (path: string, headers: Record<string, string> = {}) =>
    Promise.resolve(send(path, { headers }));
  return { post, redeem, get };
}
