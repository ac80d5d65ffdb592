import { describe, expect, it } from "vitest";
import { advertisedAddressWarning, listenFailure } from "./startup.ts";

describe("start-up messages", () => {
  it("turn a port in use into one line naming PORT", () => {
    const error = Object.assign(new Error("listen EADDRINUSE"), {
      code: "EADDRINUSE",
      address: "127.0.0.1",
      port: 8787,
    });
    expect(listenFailure(error)).toBe(
      "oct: the gateway did not start: port 8787 is in use on 127.0.0.1 (set PORT to a free port, e.g. PORT=8788 npm start)",
    );
    expect(listenFailure({ code: "EACCES", address: "0.0.0.0", port: 80 })).toContain(
      "set PORT to a port above 1023",
    );
    expect(listenFailure(new Error("something else"))).toBeUndefined();
  });

  it("warn when gateway.id names this machine on another port", () => {
    const at = { address: "127.0.0.1", port: 9000 };
    expect(advertisedAddressWarning("http://localhost:8787", at)).toBe(
      "oct: warning: gateway.id is http://localhost:8787 but this gateway listens on http://127.0.0.1:9000: " +
        "receipts name http://localhost:8787 as their issuer and the advertised jwks_uri " +
        "http://localhost:8787/.well-known/jwks.json is not this gateway " +
        "(set gateway.id to http://127.0.0.1:9000 in the network configuration, or PORT=8787)",
    );
    expect(advertisedAddressWarning("http://127.0.0.1", at)).toContain("or PORT=80)");
    expect(advertisedAddressWarning("http://[::1]:8787", { address: "::1", port: 9000 })).toContain(
      "listens on http://[::1]:9000",
    );
  });

  it("stay quiet when gateway.id matches, or names another host (a proxy's)", () => {
    expect(
      advertisedAddressWarning("http://localhost:9000", { address: "127.0.0.1", port: 9000 }),
    ).toBeUndefined();
    expect(
      advertisedAddressWarning("https://gateway.example", { address: "0.0.0.0", port: 8787 }),
    ).toBeUndefined();
    expect(
      advertisedAddressWarning("urn:example:gw", { address: "127.0.0.1", port: 8787 }),
    ).toBeUndefined();
  });
});
