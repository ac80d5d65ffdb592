/**
 * The gateway's pages in a real browser: Debian's Chromium driven by
 * playwright-core against `npm start`'s entry point and `wrangler dev`.
 * Paste a demo token and read it decoded, coloured, verified step by step
 * and its balance; read where a homed token's balance lives and its grants
 * at a visited gateway and at its home (two gateways in this process); paste garbage and read the failing step; verify offline
 * against a JWK Set and follow a step to its spec text; fit a phone; use the
 * API reference's samples and try-it. Screenshots go to test-results/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrivateJwk } from "../../../src/core/signing/keys.ts";
import { API_EXAMPLES } from "../../../scripts/lib/api-examples.ts";
import { mintToken } from "../../../src/core/issuer/mint.ts";
import { ROOT, startNodeGateway, startWranglerDev, type Running } from "../../support/processes.ts";
import { federatedApps } from "../../support/federated-apps.ts";
import { HOME, VISITED } from "../../support/federation.ts";
import { claims, mintToken as mintTestToken, testKeys } from "../../support/network.ts";
import { serveApp } from "../../support/serve.ts";

const CHROMIUM = "/usr/bin/chromium";
/** A verdict may wait for the offline verifier to load and run: seconds on a busy machine, not one. */
const VERDICT_WAIT = { timeout: 15_000 };
const SCREENSHOT = join(ROOT, "test-results/inspector.png");

function demoToken(extra: Record<string, unknown> = {}): Promise<string> {
  const key = JSON.parse(
    readFileSync(join(ROOT, "config/demo/keys/carrier-a.private.jwk.json"), "utf8"),
  ) as PrivateJwk;
  const now = Math.floor(Date.now() / 1000);
  return mintToken(
    {
      iss: "https://tokens.carrier-a.example",
      sub: "acct-browser",
      aud: "urn:oct:redeem",
      iat: now,
      exp: now + 3600,
      jti: `browser-${now}-${Math.random().toString(36).slice(2)}`,
      oct: { ver: "0.1", amount: "250", unit: "gpu-second:h100-sxm" },
      ...extra,
    },
    key,
  );
}

function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: install Debian's chromium (apt-get install chromium); .ci/run does it.`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A page whose script errors and refused resources (CSP) land in `errors`. */
async function watchedPage(browser: Browser, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  return page;
}

describe("pages in Chromium", () => {
  let gateway: Running;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    gateway = await startNodeGateway({
      OCT_DB: join(mkdtempSync(join(tmpdir(), "oct-pages-")), "oct.db"),
    });
    browser = await launchChromium();
    page = await watchedPage(browser, errors);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it("a token bound to a holder key: valid, its balance and history not shown, and why", async () => {
    const token = await demoToken({ cnf: { jkt: "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I" } });
    const inspected = page.waitForResponse((r) => r.url() === `${gateway.url}/v1/inspect`);
    await page.goto(`${gateway.url}/`);
    await page.getByLabel("Encoded token").fill(token);
    expect((await inspected).status()).toBe(200);
    await page.locator("#verdict").waitFor();
    expect(await page.locator("#verdict").innerText()).toContain("Valid");
    expect(await page.locator("#holder-bound").innerText()).toContain("DPoP proof");
    expect(await page.locator("#balance").count()).toBe(0);
    expect(await page.locator("#redemptions").count()).toBe(0);
  });

  it("inspects a demo token: every step passed, the balance shown", async () => {
    const token = await demoToken();
    // Spend a little first, so the history has a line.
    const redeemed = await fetch(`${gateway.url}/v1/redemptions`, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": "browser-1" },
      body: JSON.stringify({
        token,
        provider: "carrier-b-edge",
        amount: "25",
        unit: "gpu-second:a100-sxm",
      }),
    });
    expect(redeemed.status).toBe(201);

    const inspected = page.waitForResponse((r) => r.url() === `${gateway.url}/v1/inspect`);
    await page.goto(`${gateway.url}/`);
    await expect(page.title()).resolves.toContain("Token inspector");
    // paste: decoded and verified with no button to press
    await page.getByLabel("Encoded token").fill(token);
    expect((await inspected).status()).toBe(200);

    const verdict = page.locator("#verdict");
    await verdict.waitFor();
    expect(await verdict.innerText()).toContain("Valid");
    const rows = page.locator("#steps tbody tr");
    expect(await rows.count()).toBe(9);
    for (let i = 0; i < 9; i++) {
      expect(await rows.nth(i).getAttribute("data-status")).toBe("passed");
      expect(await rows.nth(i).innerText()).toContain("✓");
    }
    expect(await page.locator("#steps").innerText()).toContain("§6.2 step 7");
    const balance = await page.locator("#balance").innerText();
    expect(balance).toContain("Remaining");
    expect(balance).toContain("240");
    expect(balance).toContain("gpu-second:h100-sxm");
    const history = await page.locator("#redemptions").innerText();
    expect(history).toContain("carrier-b-edge");
    expect(history).toContain("committed");
    const claims = await page.locator("#claims").innerText();
    expect(claims).toContain("acct-browser");
    // NumericDate claims as dates
    const claimed = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as {
      iat: number;
      exp: number;
    };
    const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
    expect(claims).toContain(`"iat": ${claimed.iat},  // ${iso(claimed.iat)}`);
    expect(await page.locator("#times").innerText()).toContain(iso(claimed.exp));
    // typing goes on undisturbed: the focus stays in the field
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("token");

    // the three segments, coloured, exactly behind the field's own (transparent) text
    const segments = token.split(".");
    const colours = page.locator("#token-colours");
    expect(await colours.locator(".seg-h").innerText()).toBe(segments[0]);
    expect(await colours.locator(".seg-p").innerText()).toBe(segments[1]);
    expect(await colours.locator(".seg-s").innerText()).toBe(segments[2]);
    const colour = (selector: string) =>
      page
        .locator(selector)
        .first()
        .evaluate((e) => getComputedStyle(e).color);
    const painted = await Promise.all(
      ["#token-colours .seg-h", "#token-colours .seg-p", "#token-colours .seg-s"].map(colour),
    );
    expect(new Set(painted).size).toBe(3);
    expect(await colour("#token")).toBe("rgba(0, 0, 0, 0)");
    const [field, behind] = await Promise.all([
      page.locator("#token").boundingBox(),
      colours.boundingBox(),
    ]);
    expect(behind).toEqual(field);

    mkdirSync(join(ROOT, "test-results"), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it("pasted garbage shows the failing step and token_malformed", async () => {
    await page.goto(`${gateway.url}/`);
    await page.getByLabel("Encoded token").fill("this is not a token");
    // keyboard only: Ctrl+Enter in the field verifies at once and moves to the verdict
    await page.getByLabel("Encoded token").press("Control+Enter");
    const verdict = page.locator("#verdict");
    await verdict.waitFor();
    const text = await verdict.innerText();
    expect(text).toContain("token_malformed");
    expect(text).toContain("step 2");
    expect(await page.locator('#steps tr[data-step="2"]').getAttribute("data-status")).toBe(
      "failed",
    );
    expect(await page.locator('#steps tr[data-step="2"]').innerText()).toContain("✗");
    expect(await page.locator('#steps tr[data-step="3"]').innerText()).toContain("Not reached");
    expect(await page.locator("#header").innerText()).toContain("Not decodable");
    expect(await page.locator("#balance").count()).toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("verdict-title");
    await page.screenshot({ path: join(ROOT, "test-results/inspector-refused.png") });
  });

  it("offline: verified in the browser against a pasted JWK Set, nothing sent; each step links to its text", async () => {
    const token = await demoToken();
    const sent: string[] = [];
    const record = (request: { url(): string; method(): string }) =>
      sent.push(`${request.method()} ${request.url()}`);
    page.on("request", record);
    await page.goto(`${gateway.url}/`);
    await page.getByLabel(/offline, in this browser/).check();
    await page.getByLabel("Encoded token").fill(token);
    const network = JSON.parse(readFileSync(join(ROOT, "config/demo/network.json"), "utf8")) as {
      carriers: { jwks: unknown }[];
    };
    await page
      .getByLabel("Carrier's public JWK Set")
      .fill(JSON.stringify(network.carriers[0]!.jwks));
    const verdict = page.locator("#verdict");
    await expect.poll(() => verdict.innerText(), VERDICT_WAIT).toContain("Valid");
    expect(await verdict.innerText()).toContain("offline in this browser");
    // no issuer named: step 5 says it was not checked, and so does the verdict
    expect(await verdict.innerText()).toContain("the issuer was not checked");
    expect(await page.locator('#steps tr[data-step="5"]').getAttribute("data-status")).toBe(
      "not_checked",
    );

    await page.getByLabel(/Issuer it speaks for/).fill("https://tokens.carrier-b.example");
    await expect.poll(() => verdict.innerText(), VERDICT_WAIT).toContain("issuer_untrusted");
    const step5 = page.locator('#steps tr[data-step="5"]');
    expect(await step5.getAttribute("data-status")).toBe("failed");
    for (const step of [6, 7, 8])
      expect(await page.locator(`#steps tr[data-step="${step}"]`).getAttribute("data-status")).toBe(
        "not_reached",
      );

    // the step's link opens its text in spec §6.2
    await step5.getByRole("link", { name: "§6.2 step 5" }).click();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe("#spec-6.2-step-5");
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.id))
      .toBe("spec-6.2-step-5");
    expect(await page.locator('[id="spec-6.2-step-5"]').innerText()).toContain("issuer_untrusted");

    page.off("request", record);
    expect(sent).toContain(`GET ${gateway.url}/inspector/offline.js`);
    expect(sent.filter((r) => r.includes("/v1/"))).toEqual([]);
    await page.screenshot({
      path: join(ROOT, "test-results/inspector-offline.png"),
      fullPage: true,
    });
  });

  it("fits a phone screen: nothing wider than 375 pixels, inspector and API reference", async () => {
    const phone = await browser.newPage({ viewport: { width: 375, height: 812 }, isMobile: true });
    phone.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
    try {
      await phone.goto(`${gateway.url}/`);
      await phone.getByLabel("Encoded token").fill(await demoToken());
      await phone.locator("#verdict").waitFor();
      await phone.locator("#balance").waitFor();
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        375,
      );
      for (const selector of ["#token", "#verdict", "#steps", "#claims", "#algorithm"]) {
        const box = (await phone.locator(selector).boundingBox())!;
        expect(box.x, selector).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width, selector).toBeLessThanOrEqual(375);
      }
      await phone.screenshot({
        path: join(ROOT, "test-results/inspector-phone.png"),
        fullPage: true,
      });
      // the API reference too: Scalar's narrow layout under the navigation bar
      await phone.goto(`${gateway.url}/docs`);
      await phone.getByRole("heading", { name: "OCT gateway HTTP API" }).waitFor();
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        375,
      );
    } finally {
      await phone.close();
    }
  });

  it("the API reference: real examples, curl and JavaScript samples, error codes, try-it here", async () => {
    const requested: string[] = [];
    const record = (request: { url(): string }) => requested.push(request.url());
    page.on("request", record);
    await page.goto(`${gateway.url}/docs`);
    await expect(page.title()).resolves.toContain("API reference");
    await page.getByText("Verify a token", { exact: true }).first().click();
    // Scalar's id for the operation, under the pinned version
    const operation = page.locator('[id="api-1/tag/tokens/POST/v1/verify"]');
    await operation.waitFor();

    // curl, to this gateway (the document's server), with the documented real token
    const curl = operation.getByRole("group", { name: "Code sample: Shell Curl" });
    const sample = await curl.innerText();
    expect(sample).toContain(`curl ${gateway.url}/v1/verify`);
    expect(sample).toContain(API_EXAMPLES.tokens.a!.slice(0, 80));
    // the documented answer, with the error codes and statuses of spec §12
    expect(
      await operation.getByRole("group", { name: "Code sample", exact: true }).innerText(),
    ).toContain('"valid": true');
    const responses = await operation.getByRole("list", { name: "Responses" }).innerText();
    expect(responses).toContain("503");
    expect(responses).toContain("keys_unavailable");
    expect(await operation.innerText()).toContain("token_expired");

    // the same request in JavaScript
    await operation.getByRole("button", { name: /Change code sample language/ }).click();
    await page.getByRole("option", { name: "Fetch" }).first().click();
    const js = await operation
      .getByRole("group", { name: "Code sample: JavaScript Fetch" })
      .innerText();
    expect(js).toContain(`fetch('${gateway.url}/v1/verify'`);

    // try it: the example request, sent to this gateway, answered
    await operation.getByRole("button", { name: /Test Request/ }).click();
    const answered = page.waitForResponse(
      (r) => r.url() === `${gateway.url}/v1/verify` && r.request().method() === "POST",
    );
    await page.getByRole("button", { name: /^Send/ }).first().click();
    expect((await answered).status()).toBe(200);
    await page.getByText("200 OK").first().waitFor();
    await page.screenshot({ path: join(ROOT, "test-results/docs.png") });
    page.off("request", record);

    // everything came from this gateway: no CDN, no font service, no proxy
    expect(requested.filter((url) => !url.startsWith(`${gateway.url}/`))).toEqual([]);
    expect(requested).toContain(`${gateway.url}/openapi.json`);
    // Rendering the bundled reference takes a browser seconds, more on a busy machine.
  }, 90_000);

  it("raised no script error and no refused resource", () => {
    expect(errors).toEqual([]);
  });
});

describe("the inspector in Chromium, with two federated gateways (spec §7.12, §11)", () => {
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    page = await watchedPage(browser, errors);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** The inspector of `app`, served on a loopback port, with `token` pasted; `name` its screenshot's. */
  async function inspectIn(
    name: string,
    app: { fetch(request: Request): Response | Promise<Response> },
    token: string,
  ) {
    const served = await serveApp(app);
    try {
      await page.goto(`${served.url}/`);
      await page.getByLabel("Encoded token").fill(token);
      await expect
        .poll(() => page.locator("#verdict").innerText(), VERDICT_WAIT)
        .toContain("Valid");
      await page
        .locator("#home")
        .screenshot({ path: join(ROOT, `test-results/inspector-${name}.png`) });
      return {
        where: await page.locator("#home-where").innerText(),
        rows: await page.locator("#grants tbody tr").allInnerTexts(),
        caption: await page.locator("#grants caption").innerText(),
      };
    } finally {
      await served.close();
    }
  }

  it("shows the home peer and the grant held at the visited gateway, here and the grant issued at the home", async () => {
    const gw = await federatedApps();
    const keys = await testKeys();
    const unit = "gpu-second:h100-sxm";
    const token = await mintTestToken(
      claims({ oct: { ver: "0.1", amount: "1000", unit, home: HOME } }),
      keys.eddsa,
    );
    const redeemed = await gw.visited.redeem(
      { token, provider: "carrier-b-edge", amount: "100", unit: "gpu-second:a100-sxm" },
      "browser-federated-1",
    );
    expect(redeemed.status).toBe(201);

    // Cells: id, status, amount, used, report, the other gateway, valid until, report by.
    const cells = (row: string | undefined) => row!.split("\t").map((cell) => cell.trim());
    const visited = await inspectIn("visited", gw.visited.app, token);
    expect(visited.where).toContain(`The token's home is ${HOME} (${HOME}/)`);
    expect(visited.caption).toContain("Grants this gateway holds from the home");
    expect(visited.rows).toHaveLength(1);
    const held = cells(visited.rows[0]);
    expect(held.slice(1, 6)).toEqual(["open", `400 ${unit}`, `40 ${unit}`, "0", HOME]);

    const home = await inspectIn("home", gw.home.app, token);
    expect(home.where).toContain(`This gateway (${HOME}) is the token's home`);
    expect(home.caption).toContain("Grants this gateway issued for the token");
    expect(home.rows).toHaveLength(1);
    // The same grant, as the home knows it: nothing reported yet.
    expect(cells(home.rows[0])).toEqual([
      held[0],
      "open",
      `400 ${unit}`,
      `0 ${unit}`,
      "0",
      VISITED,
      held[6],
      held[7],
    ]);
    expect(errors).toEqual([]);
  }, 60_000);
});

describe("pages in Chromium, served by the Worker (wrangler dev)", () => {
  let gateway: Running;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const requested: string[] = [];

  beforeAll(async () => {
    gateway = await startWranglerDev();
    browser = await launchChromium();
    page = await watchedPage(browser, errors);
    page.on("request", (request) => requested.push(request.url()));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it("the API reference renders from the Worker's bundled renderer, its samples aimed at it", async () => {
    await page.goto(`${gateway.url}/docs`);
    await page.getByText("Verify a token", { exact: true }).first().click();
    const operation = page.locator('[id="api-1/tag/tokens/POST/v1/verify"]');
    await operation.waitFor();
    expect(
      await operation.getByRole("group", { name: "Code sample: Shell Curl" }).innerText(),
    ).toContain(`curl ${gateway.url}/v1/verify`);
  });

  it("the inspector verifies offline with the Worker's bundled verifier", async () => {
    const network = JSON.parse(readFileSync(join(ROOT, "config/demo/network.json"), "utf8")) as {
      carriers: { jwks: unknown }[];
    };
    await page.goto(`${gateway.url}/`);
    await page.getByLabel(/offline, in this browser/).check();
    await page.getByLabel("Encoded token").fill(await demoToken());
    await page
      .getByLabel("Carrier's public JWK Set")
      .fill(JSON.stringify(network.carriers[0]!.jwks));
    await page.getByLabel(/Issuer it speaks for/).fill("https://tokens.carrier-a.example");
    await expect.poll(() => page.locator("#verdict").innerText(), VERDICT_WAIT).toContain("Valid");
  });

  it("loaded nothing from elsewhere and raised no script error", () => {
    expect(requested.filter((url) => !url.startsWith(`${gateway.url}/`))).toEqual([]);
    expect(requested).toContain(`${gateway.url}/inspector/offline.js`);
    expect(errors).toEqual([]);
  });
});
