/**
 * The gateway's pages in a real browser: Debian's Chromium driven by
 * playwright-core against `npm start`'s entry point. Paste a demo token and
 * read every step passed and the balance; paste garbage and read the failing
 * step and its code; open the API reference and read an operation. Saves a
 * screenshot of the inspector to test-results/inspector.png.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrivateJwk } from "../../../src/core/signing/keys.ts";
import { mintToken } from "../../../src/core/issuer/mint.ts";
import { ROOT, startNodeGateway, type Running } from "../../support/processes.ts";

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOT = join(ROOT, "test-results/inspector.png");

function demoToken(): Promise<string> {
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
    },
    key,
  );
}

describe("pages in Chromium", () => {
  let gateway: Running;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is not installed at ${CHROMIUM}: install Debian's chromium (apt-get install chromium); .ci/run does it.`,
      );
    }
    gateway = await startNodeGateway({
      OCT_DB: join(mkdtempSync(join(tmpdir(), "oct-pages-")), "oct.db"),
    });
    browser = await chromium.launch({
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
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Any script error or refused resource (CSP) on a page fails the test.
    page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`console: ${message.text()}`);
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
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

    await page.goto(`${gateway.url}/`);
    await expect(page.title()).resolves.toContain("Token inspector");
    await page.getByLabel("Token").fill(token);
    await page.getByRole("button", { name: "Inspect" }).click();

    const verdict = page.locator("#verdict");
    await verdict.waitFor();
    expect(await verdict.innerText()).toContain("Valid");
    const rows = page.locator("#steps tbody tr");
    expect(await rows.count()).toBe(8);
    for (let i = 0; i < 8; i++) {
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
    expect(await page.locator("#claims").innerText()).toContain("acct-browser");
    // focus moved to the verdict, for keyboard and screen-reader users
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("verdict-title");

    mkdirSync(join(ROOT, "test-results"), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it("pasted garbage shows the failing step and token_malformed", async () => {
    await page.goto(`${gateway.url}/`);
    await page.getByLabel("Token").fill("this is not a token");
    // keyboard only: Ctrl+Enter in the field inspects
    await page.getByLabel("Token").press("Control+Enter");
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
    await page.screenshot({ path: join(ROOT, "test-results/inspector-refused.png") });
  });

  it("an empty field gets a message, not a request", async () => {
    await page.goto(`${gateway.url}/`);
    await page.getByRole("button", { name: "Inspect" }).click();
    expect(await page.locator("#verdict").innerText()).toContain("Nothing to inspect");
  });

  it("the API reference lists the operations from /openapi.json", async () => {
    await page.goto(`${gateway.url}/docs`);
    const operation = page.locator("section.op", { hasText: "/v1/redemptions" }).first();
    await operation.waitFor();
    const content = await page.locator("#content").innerText();
    expect(content).toContain("POST /v1/redemptions");
    expect(content).toContain("GET /v1/settlements");
    expect(content).toContain("Idempotency-Key");
    const toc = await page.locator("#toc").innerText();
    expect(toc).toContain("POST /v1/redemptions");
    expect(toc).toContain("POST /v1/inspect");
    // schema descriptions reach the page, through references resolved by $id
    expect(content).toContain("The amount taken from the token, in the token's unit.");
    expect(content).not.toContain("Unresolved reference");
    await page.screenshot({ path: join(ROOT, "test-results/docs.png") });
  });

  it("raised no script error and no refused resource", () => {
    expect(errors).toEqual([]);
  });
});
