/**
 * @module A fresh clone is the whole product. On a fresh copy of the
 * repository, in a user's shell: every command of the README's tour and of
 * its carrier walk-through, read from README.md and run as written, must
 * succeed; then the package that `npm install` built there is packed,
 * installed from the tarball into an empty project, and its `oct` command
 * and its library are used there, without the repository.
 *
 * As written, except for one thing: the gateway's address. The README's
 * gateway is http://127.0.0.1:8787; here it is a free port (PORT for
 * `npm start`, $OCT_GATEWAY for the commands, and the address where a
 * command spells it out), since other test runs may hold 8787.
 */
import { readFileSync, writeFileSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  background,
  freshCopy,
  shell,
  userEnv,
  type Background,
  type ShellResult,
} from "../../support/fresh-copy.ts";
import { freePort, ROOT, startNodeGateway, type Running } from "../../support/processes.ts";
import { readmeCommands, type ReadmeCommand } from "../../support/readme.ts";
import { conformanceNetwork, type ConformanceNetwork } from "../../support/conformance.ts";
import { olderNode } from "../../support/old-node.ts";
import { MINIMUM_NODE } from "../../../src/cli/node-version.ts";

const README = readFileSync(join(ROOT, "README.md"), "utf8");
const TOUR = readmeCommands(README, "A five-minute tour");
const CARRIER = readmeCommands(README, "How a carrier joins a network");
const README_ADDRESS = "http://127.0.0.1:8787";
const EXAMPLE = readFileSync(join(ROOT, "examples/paid-inference/README.md"), "utf8");
const EXAMPLE_TOUR = readmeCommands(EXAMPLE, "Tour");
/** Where the example's README has its app listen. */
const EXAMPLE_ADDRESS = "http://127.0.0.1:8788";
/** A Node.js on this machine older than the package needs, if there is one. */
const OLD_NODE = olderNode(MINIMUM_NODE);

/** A command that serves until stopped: run in the background until it answers. */
const serves = (command: ReadmeCommand) => /\bnpm start$/.test(command.line);
/** The example app's command, which serves beside the gateway. */
const servesApp = (command: ReadmeCommand) => /^npm run example:paid-inference$/.test(command.line);

/**
 * What some commands must print besides succeeding; each check names a
 * command of the README, so a command renamed there fails here too.
 */
const EXPECTED: [RegExp, RegExp][] = [
  [/^npm run demo$/, /9\. .*settlement/i],
  [/^npx oct redemptions --party provider:carrier-b-edge/, / carrier-b-edge /],
  [/^npx oct metrics --party operator:ops/, /# TYPE oct_http_requests_total counter/],
  [/^npx oct inspect --token-file \.oct\/demo-token\.jwt/, /verdict\s+valid/],
  [/^npx oct redeem --token-file \.oct\/demo-token\.jwt/, /: committed/],
  [/^npx oct receipt verify/, /status\s+committed/],
  [/^npx oct settlement/, /signature verified/],
  [/^npx oct network init/, /a new ES256 receipt key/],
  [/^npx oct inspect --token-file c\.jwt --jwks/, /passed\s+7\s+Signature/],
  [
    /^npx oct redeem --token-file c\.jwt/,
    /redeemed 10 gpu-second:a100-sxm at carrier-b-edge: committed/,
  ],
  [/^npx oct conformance issuer/, /conformant: every MUST case passed/],
];

/** What the example's tour prints, on stdout and stderr together: the 402, the payment, the receipt, the balance. */
const EXAMPLE_EXPECTED: [RegExp, RegExp[]][] = [
  [
    /^curl -si /,
    [
      /^HTTP\/1\.1 402 Payment Required/,
      /www-authenticate: OCT gateway=/i,
      /"code":"payment_required"/,
    ],
  ],
  [
    /^npx oct pay .*"max_tokens":60\}'$/,
    [
      /"output_tokens":42/,
      /oct pay: paid 42 inference-token:llm-large to carrier-a-cloud \(0\.035 gpu-second:a100-sxm from the token\); receipt \S+ verified/,
    ],
  ],
  [
    /^npx oct pay .*"stream":true\}'$/,
    [/(event: token\n(.*\n){2}){12}/, /event: receipt\ndata: ey/],
  ],
  [
    /^npx oct balance --token-file \.oct\/app-token\.jwt$/,
    [/committed\s+0\.045 gpu-second:a100-sxm/, /reserved\s+0 /],
  ],
];

let copy: ReturnType<typeof freshCopy>;
let port: number;
let url: string;
let appUrl: string;
let env: NodeJS.ProcessEnv;
const servers: Background[] = [];

beforeAll(async () => {
  copy = freshCopy();
  port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const appPort = await freePort();
  appUrl = `http://127.0.0.1:${appPort}`;
  env = userEnv({ PORT: String(port), OCT_GATEWAY: url, APP_PORT: String(appPort) });
});

afterAll(async () => {
  for (const server of servers) await server.stop();
  copy?.remove();
});

async function follow(command: ReadmeCommand): Promise<ShellResult | undefined> {
  const text = command.text.replaceAll(README_ADDRESS, url);
  if (serves(command)) {
    // The README stops the previous gateway before starting the next.
    for (const server of servers.splice(0)) await server.stop();
    servers.push(await background(text, copy.dir, env, `${url}/healthz`));
    return undefined;
  }
  const result = await shell(text, copy.dir, env);
  expect(result.status, `${command.line}\n${result.stdout}\n${result.stderr}`).toBe(0);
  for (const [which, output] of EXPECTED)
    if (which.test(command.line)) expect(result.stdout).toMatch(output);
  return result;
}

/** A command of the example's tour: the gateway and the app served side by side, their output checked. */
async function followExample(command: ReadmeCommand): Promise<void> {
  const text = command.text.replaceAll(README_ADDRESS, url).replaceAll(EXAMPLE_ADDRESS, appUrl);
  if (serves(command)) {
    for (const server of servers.splice(0)) await server.stop();
    servers.push(await background(text, copy.dir, env, `${url}/healthz`));
    return;
  }
  if (servesApp(command)) {
    servers.push(await background(text, copy.dir, env, `${appUrl}/`));
    return;
  }
  const result = await shell(text, copy.dir, env);
  const output = result.stdout + result.stderr;
  expect(result.status, `${command.line}\n${output}`).toBe(0);
  for (const [which, outputs] of EXAMPLE_EXPECTED)
    if (which.test(command.line)) for (const expected of outputs) expect(output).toMatch(expected);
}

describe("README, followed literally on a fresh copy", () => {
  it("has the commands this test runs, each check naming one of them", () => {
    expect(TOUR.length).toBeGreaterThanOrEqual(5);
    expect(CARRIER.length).toBeGreaterThanOrEqual(8);
    expect(TOUR.filter(serves)).toHaveLength(1);
    expect(CARRIER.filter(serves)).toHaveLength(1);
    const lines = [...TOUR, ...CARRIER].map((c) => c.line);
    for (const [which] of EXPECTED) expect(lines.filter((l) => which.test(l))).toHaveLength(1);
  });

  describe("A five-minute tour", () => {
    for (const command of TOUR) it(command.line, () => follow(command), 240_000);
  });

  describe("How a carrier joins a network", () => {
    for (const command of CARRIER) it(command.line, () => follow(command), 120_000);

    it("left a gateway that advertises where it listens (no start-up warning)", () => {
      expect(servers[0]?.output()).toContain("OCT gateway listening on");
      expect(servers[0]?.output()).not.toContain("oct: warning");
    });
  });

  describe("examples/paid-inference: its tour", () => {
    it("has a gateway, the app, and a check for each of its steps", () => {
      expect(EXAMPLE_TOUR.filter(serves)).toHaveLength(1);
      expect(EXAMPLE_TOUR.filter(servesApp)).toHaveLength(1);
      const lines = EXAMPLE_TOUR.map((c) => c.line);
      for (const [which] of EXAMPLE_EXPECTED)
        expect(lines.filter((l) => which.test(l))).toHaveLength(1);
    });

    for (const command of EXAMPLE_TOUR) it(command.line, () => followExample(command), 120_000);
  });
});

describe("the packed package, installed in an empty project", () => {
  let project: string;
  let gateway: Running;
  let conformance: ConformanceNetwork;
  /** The user's shell with a supported Node.js first on PATH. */
  let withNode22: NodeJS.ProcessEnv;

  beforeAll(async () => {
    // `npm install` in the copy built dist/ (the prepare script), as the
    // tour's first command; pack that build.
    expect(existsSync(join(copy.dir, "dist/bin/oct.js"))).toBe(true);
    const packed = await shell("npm pack --ignore-scripts --json", copy.dir, env);
    expect(packed.status, packed.stderr).toBe(0);
    const { filename } = (JSON.parse(packed.stdout) as { filename: string }[])[0]!;
    project = join(dirname(copy.dir), "consumer");
    mkdirSync(project);
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "consumer", private: true, type: "module" }),
    );
    // The tarball offline; its dependencies from the registry or the cache.
    const installed = await shell(
      `npm install --no-audit --no-fund --prefer-offline ${join(copy.dir, filename)}`,
      project,
      env,
    );
    expect(installed.status, installed.stderr).toBe(0);
    withNode22 = { ...env, PATH: `${dirname(process.execPath)}:${env.PATH}` };
    // The suite's network with its callback server on a port of its own, not
    // the default 8799 another run on this machine might hold.
    conformance = await conformanceNetwork();
    gateway = await startNodeGateway({ OCT_CONFIG: conformance.path });
  }, 180_000);

  afterAll(async () => {
    await gateway?.stop();
  });

  /** `file` type-checked against the installed package's types (tsconfig.json), then run. */
  async function typedRun(file: string): Promise<ShellResult> {
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    const typed = await shell(`node ${tsc} -p tsconfig.json`, project, withNode22);
    expect(typed.status, typed.stdout + typed.stderr).toBe(0);
    const run = await shell(`node ${file}`, project, withNode22);
    expect(run.status, run.stderr).toBe(0);
    return run;
  }

  it("holds the built code only", () => {
    const installed = join(project, "node_modules/open-compute-token");
    expect(readdirSync(installed).sort()).toEqual(["LICENSE", "README.md", "dist", "package.json"]);
    expect(existsSync(join(installed, "dist/bin/oct.js"))).toBe(true);
    expect(existsSync(join(installed, "dist/src/exports/index.d.ts"))).toBe(true);
  });

  it("runs `oct --help`", async () => {
    const help = await shell("npx oct --help", project, withNode22);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain("oct: the Open Compute Token command");
    expect(help.stdout).toContain("network init");
  });

  it("verifies a token through the library, from ESM and from CommonJS, with its types", async () => {
    writeFileSync(
      join(project, "verify.ts"),
      `import { generateSigningKey, mintToken, publicJwks, loadNetwork, verifyToken, CarrierKeys, RemoteStatusLists, systemClock, webCryptoSignatures, type MintClaims } from "open-compute-token";
const key = await generateSigningKey("ES256");
const now = Math.floor(Date.now() / 1000);
const claims: MintClaims = { iss: "https://tokens.c.example", sub: "acct-1", jti: "t-1", iat: now, exp: now + 600, oct: { ver: "0.1", amount: "5", unit: "pflop" } };
const token = await mintToken(claims, key);
const network = loadNetwork({
  gateway: { id: "https://gateway.example" },
  carriers: [{ id: "c", issuer: "https://tokens.c.example", jwks: publicJwks([key]), algorithms: ["ES256"], status: "active" }],
  providers: [],
  tariffs: [],
});
const keys = new CarrierKeys();
const statusLists = new RemoteStatusLists({ clock: systemClock, limits: network.limits, keys, signatures: webCryptoSignatures });
const verified = await verifyToken(token, { network, keys, statusLists, clock: systemClock, signatures: webCryptoSignatures });
console.log(JSON.stringify({ carrier: verified.carrier.id, oct: verified.claims.oct }));
`,
    );
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2023",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          allowImportingTsExtensions: true,
          skipLibCheck: false,
          types: [],
          lib: ["ES2023", "DOM"],
        },
        files: ["verify.ts"],
      }),
    );
    const run = await typedRun("verify.ts");
    expect(JSON.parse(run.stdout)).toEqual({
      carrier: "c",
      oct: { ver: "0.1", amount: "5", unit: "pflop" },
    });

    writeFileSync(
      join(project, "require.cjs"),
      `const oct = require("open-compute-token");
const conformance = require("open-compute-token/conformance");
const hono = require("open-compute-token/hono");
const client = require("open-compute-token/client");
console.log(typeof oct.verifyToken, typeof conformance.runGatewaySuite, typeof hono.octPayment, typeof client.payingFetch);`,
    );
    const required = await shell("node require.cjs", project, withNode22);
    expect(required.stdout.trim(), required.stderr).toBe("function function function function");
    // tsc checks every library's types here (skipLibCheck off): tens of seconds on a busy machine.
  }, 120_000);

  it("makes a route paid with the hono entry and reads its challenge with the client entry, with their types", async () => {
    writeFileSync(
      join(project, "pay.ts"),
      `import { Hono } from "hono";
import { octPayment, type OctPaymentEnv } from "open-compute-token/hono";
import { challengeOf, payingFetch, receiptOf } from "open-compute-token/client";
const app = new Hono<OctPaymentEnv>();
app.get(
  "/answer",
  octPayment({
    gateway: "${gateway.url}",
    provider: "cloud-c",
    price: { amount: "5", unit: "inference-token:llm-large" },
    accepts: ["gpu-second:h100-sxm"],
  }),
  (c) => {
    c.get("oct").charge("3");
    return c.text("42");
  },
);
const unpaid = await app.request("/answer");
const pay = payingFetch({ token: "not.a.token", fetch: async (input, init) => app.request(input as Request, init) });
const refused = await pay("http://app.example/answer");
console.log(JSON.stringify({
  status: unpaid.status,
  challenge: challengeOf(unpaid.headers.get("www-authenticate")),
  paid: refused.status,
  code: ((await refused.json()) as { code: string }).code,
  receipt: receiptOf(refused) ?? null,
}));
`,
    );
    writeFileSync(
      join(project, "tsconfig.json"),
      readFileSync(join(project, "tsconfig.json"), "utf8").replace(
        '["verify.ts"]',
        '["verify.ts", "pay.ts"]',
      ),
    );
    const run = await typedRun("pay.ts");
    expect(JSON.parse(run.stdout)).toEqual({
      status: 402,
      challenge: {
        gateway: gateway.url,
        provider: "cloud-c",
        price: { amount: "5", unit: "inference-token:llm-large" },
        units: ["gpu-second:h100-sxm"],
      },
      // The gateway refuses a token that is not one, and the app passes the refusal on.
      paid: 401,
      code: "token_malformed",
      receipt: null,
    });
  }, 120_000);

  it("runs `oct conformance gateway` against a gateway started from the repository", async () => {
    const result = await shell(
      `npx oct conformance gateway --url ${gateway.url} --callback ${conformance.callback}`,
      project,
      withNode22,
    );
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain("conformant: every MUST case passed");
  }, 180_000);

  it.skipIf(!OLD_NODE)(
    `on ${OLD_NODE?.version ?? "an older Node.js (none here)"}, \`oct\` says in one line that it needs a newer one`,
    async () => {
      const bin = join(project, "node_modules/open-compute-token/dist/bin/oct.js");
      const result = await shell(`${OLD_NODE!.path} ${bin} --help`, project, env);
      expect(result.status).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toBe(
        `oct: Node.js ${MINIMUM_NODE} or later is needed; this is Node.js ${OLD_NODE!.version.slice(1)} (https://nodejs.org)\n`,
      );
    },
  );
});
