/**
 * @module The token inspector page (`GET /`): paste a token and it is
 * decoded at once, its three segments coloured, its times shown as dates;
 * then verified step by step (`spec/oct.md` §6.2, each step linked to its
 * text) either by this gateway (`POST /v1/inspect`, whose documented answer
 * adds the balance, where it lives, the token's grants and its redemption
 * history) or offline, in the browser, against a JWK Set pasted beside it
 * (the gateway's own verification code, bundled: `/inspector/offline.js`).
 * No button is needed; nothing leaves this origin; everything shown is
 * written as text, never as HTML.
 */
import { pageDocument } from "./page.ts";
import { specStepsSection, stepAnchor } from "./spec-steps.ts";
import { DOM_HELPERS } from "./dom.ts";
import { PAGE_STYLES } from "./styles.ts";

/** Where the gateway serves the bundled offline verification. */
export const OFFLINE_SCRIPT = "/inspector/offline.js";

const INSPECTOR_STYLES = `
:root { --seg-h: #cf222e; --seg-p: #8250df; --seg-s: #0969da; --field-bg: var(--bg); }
@media (prefers-color-scheme: dark) { :root { --seg-h: #ff7b72; --seg-p: #d2a8ff; --seg-s: #79c0ff; } }
.seg-h { color: var(--seg-h); } .seg-p { color: var(--seg-p); } .seg-s { color: var(--seg-s); }
.seg-dot { color: var(--fg); font-weight: 700; } .seg-extra { color: var(--bad); text-decoration: underline wavy; }
.columns { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1.5rem; align-items: start; }
@media (max-width: 60rem) { .columns { grid-template-columns: minmax(0, 1fr); } }
.token-field { display: grid; background: var(--field-bg); border-radius: 6px; }
.token-field > * { grid-area: 1 / 1; margin: 0; padding: 0.6rem; min-height: 9rem;
  font: 0.875rem/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  white-space: pre-wrap; word-break: break-all; overflow-wrap: anywhere; border: 1px solid transparent; border-radius: 6px; }
.token-colours { overflow: hidden; pointer-events: none; }
.token-field textarea { color: transparent; caret-color: var(--fg); background: transparent; resize: none;
  overflow: hidden; border-color: var(--muted); min-height: 9rem; }
.token-field textarea::selection { color: transparent; background: rgba(84, 174, 255, 0.35); }
.token-field textarea::placeholder { color: var(--muted); }
.legend { display: flex; gap: 1rem; flex-wrap: wrap; }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 1rem 0 0; padding: 0.5rem 0.9rem 0.75rem; }
legend { font-weight: 600; padding: 0 0.3rem; }
fieldset label { font-weight: normal; margin: 0.35rem 0; }
input[type="text"] { width: 100%; padding: 0.5rem 0.6rem; font: inherit; font-size: 0.875rem; color: var(--fg);
  background: var(--bg); border: 1px solid var(--muted); border-radius: 6px; }
#jwks { min-height: 6rem; }
.panel h2 { display: flex; gap: 0.5rem; align-items: baseline; flex-wrap: wrap; }
.panel pre { white-space: pre-wrap; word-break: break-all; }
.when { color: var(--muted); font-style: italic; }
.times dt { font-weight: 600; margin-top: 0.4rem; }
.times dd { margin: 0; }
.mode-note { color: var(--muted); font-size: 0.875rem; margin: 0.25rem 0 0; }
.spec-steps > li { margin: 0.6rem 0; }
.spec-steps > li:target { outline: 2px solid var(--accent); outline-offset: 4px; border-radius: 2px; }
.spec-steps p { margin: 0.2rem 0; }
@media (max-width: 40rem) {
  .steps-table thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .steps-table, .steps-table tbody, .steps-table tr, .steps-table td { display: block; }
  .steps-table tr { border-bottom: 1px solid var(--line); padding: 0.4rem 0; }
  .steps-table td { border: 0; padding: 0.1rem 0; }
  .steps-table td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); }
  .steps-table td:empty { display: none; }
  .steps-table caption { display: block; }
}
`;

// The page's script: plain ES2020, no template literals (this file's string is one).
const SCRIPT = `
"use strict";
(function () {
  var input = document.getElementById("token");
  var colours = document.getElementById("token-colours");
  var jwksInput = document.getElementById("jwks");
  var issuerInput = document.getElementById("issuer");
  var offlineInputs = document.getElementById("offline-inputs");
  var status = document.getElementById("status");
  var decodedView = document.getElementById("decoded");
  var result = document.getElementById("result");
  var ANCHOR = ${JSON.stringify(`#${stepAnchor(0).slice(0, -1)}`)};
  var run = 0;
  var timer;

${DOM_HELPERS}
  // ---- decoding, for display only (as POST /v1/inspect decodes) ----
  function base64url(segment) {
    try {
      var binary = atob(segment.replace(/-/g, "+").replace(/_/g, "/").replace(/[\\s=]/g, ""));
      return Uint8Array.from(binary, function (c) { return c.charCodeAt(0); });
    } catch (e) { return undefined; }
  }

  function jsonObject(segment) {
    var bytes = segment ? base64url(segment) : undefined;
    if (!bytes) return undefined;
    try {
      var value = JSON.parse(new TextDecoder().decode(bytes));
      return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
    } catch (e) { return undefined; }
  }

  function decodeLocally(token) {
    var parts = token.split(".");
    var signature = parts.length > 2 ? base64url(parts[2]) : undefined;
    return { header: jsonObject(parts[0]), claims: jsonObject(parts[1]), parts: parts.length,
      signatureBytes: signature ? signature.length : undefined };
  }

  // ---- the token, coloured by segment, behind the transparent text of the field ----
  function paint(token) {
    var nodes = [];
    token.split(".").forEach(function (part, i) {
      if (i > 0) nodes.push(el("span", { class: "seg-dot", text: "." }));
      nodes.push(el("span", { class: ["seg-h", "seg-p", "seg-s"][i] || "seg-extra", text: part }));
    });
    nodes.push(" ");
    colours.replaceChildren.apply(colours, nodes);
  }

  // ---- times: NumericDate claims as dates ----
  var TIMES = { iat: "Issued at", nbf: "Not before", exp: "Expires" };
  var relative = typeof Intl === "object" && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat("en", { numeric: "auto" }) : null;

  function when(seconds) {
    var date = new Date(seconds * 1000);
    if (!isFinite(seconds) || isNaN(date.getTime())) return null;
    var iso = date.toISOString().replace(".000Z", "Z");
    var delta = seconds - Date.now() / 1000;
    var units = [["year", 31536000], ["month", 2592000], ["day", 86400], ["hour", 3600], ["minute", 60], ["second", 1]];
    var unit = units.filter(function (u) { return Math.abs(delta) >= u[1]; })[0] || units[5];
    var ago = relative ? relative.format(Math.round(delta / unit[1]), unit[0]) : "";
    return { iso: iso, local: date.toLocaleString(), relative: ago };
  }

  function jsonView(value) {
    var lines = JSON.stringify(value, null, 2).split("\\n");
    var code = el("code");
    lines.forEach(function (line, i) {
      code.appendChild(document.createTextNode((i ? "\\n" : "") + line));
      var time = /^  "(iat|nbf|exp)": (-?[0-9]+),?$/.exec(line);
      var at = time && when(Number(time[2]));
      if (at) code.appendChild(el("span", { class: "when", text: "  // " + at.iso + " (" + at.relative + ")" }));
    });
    return el("pre", { tabindex: "0" }, [code]);
  }

  function timesList(claims) {
    var keys = Object.keys(TIMES).filter(function (k) { return claims && typeof claims[k] === "number"; });
    if (keys.length === 0) return null;
    return el("dl", { class: "times", id: "times" }, [].concat.apply([], keys.map(function (k) {
      var at = when(claims[k]);
      return [el("dt", { text: TIMES[k] + " (" + k + ")" }),
        el("dd", {}, at ? [el("time", { datetime: at.iso, class: "mono", text: at.iso }), " · " + at.local + " · " + at.relative]
          : ["out of range"])];
    })));
  }

  function panel(id, cls, title, children) {
    return el("section", { id: id, class: "panel", "aria-labelledby": id + "-title" },
      [el("h2", { id: id + "-title" }, [el("span", { class: cls, text: title })])].concat(children));
  }

  function showDecoded(decoded, trusted) {
    var warning = trusted ? null : el("p", { class: "hint", text: "Decoded for display only: not verified, do not trust it." });
    var nodes = [
      panel("header", "seg-h", "Header", decoded.header === undefined
        ? [el("p", { class: "muted", text: "Not decodable: the first segment is not a base64url-encoded JSON object." })]
        : [warning, jsonView(decoded.header)]),
      panel("claims", "seg-p", "Claims (payload)", decoded.claims === undefined
        ? [el("p", { class: "muted", text: "Not decodable: the second segment is not a base64url-encoded JSON object." })]
        : [warning && warning.cloneNode(true), jsonView(decoded.claims), timesList(decoded.claims)]),
      panel("signature", "seg-s", "Signature", [el("p", { text: decoded.signatureBytes === undefined
        ? "No decodable third segment."
        : decoded.signatureBytes + " bytes; verified with the carrier's public key at step 7." })])
    ];
    if (decoded.parts > 3) nodes.push(el("p", { class: "bad-text", text: decoded.parts + " segments: a compact JWS has 3." }));
    decodedView.replaceChildren.apply(decodedView, nodes);
    decodedView.hidden = false;
  }

  // ---- the verification ----
  function message(kind, title, lines) {
    return el("div", { id: "verdict", class: "message " + kind, "aria-labelledby": "verdict-title" },
      [el("h2", { id: "verdict-title", tabindex: "-1", text: title })].concat(lines.map(function (line) {
        return el("p", {}, [line]);
      })));
  }

  var STATUS = {
    passed: { icon: "✓", word: "Passed", cls: "ok-text" },
    failed: { icon: "✗", word: "Failed", cls: "bad-text" },
    not_reached: { icon: "–", word: "Not reached", cls: "muted" },
    not_checked: { icon: "?", word: "Not checked", cls: "muted" }
  };

  function specLink(step) {
    return el("a", { href: ANCHOR + step.step, text: "§" + String(step.section) });
  }

  function stepsTable(steps) {
    var rows = steps.map(function (step) {
      var s = STATUS[step.status] || STATUS.not_reached;
      var code = el("td", { "data-label": "Error code" }, step.code ? [el("code", { text: step.code })] : []);
      if (step.detail) code.appendChild(el("div", { class: "hint", text: step.detail }));
      return el("tr", { "data-step": String(step.step), "data-status": String(step.status) }, [
        el("td", { "data-label": "Step", text: String(step.step) }),
        el("td", { text: String(step.title) }),
        el("td", { class: s.cls }, [el("span", { class: "icon", "aria-hidden": "true", text: s.icon }), s.word]),
        code,
        el("td", { "data-label": "Specification" }, [specLink(step)])
      ]);
    });
    return el("section", { id: "steps", "aria-labelledby": "steps-title" }, [
      el("h2", { id: "steps-title", text: "Verification steps" }),
      el("div", { class: "table-scroll" }, [el("table", { class: "steps-table" }, [
        el("caption", { text: "Each step of the verification algorithm, in order; verification stops at the first failure. Each links to its text in the specification, below." }),
        el("thead", {}, [el("tr", {}, ["Step", "Check", "Outcome", "Error code", "Specification"].map(function (h) {
          return el("th", { scope: "col", text: h });
        }))]),
        el("tbody", {}, rows)
      ])])
    ]);
  }

  function quantity(q) {
    return q && typeof q === "object" ? String(q.amount) + " " + String(q.unit) : "—";
  }

  function balanceCards(balance) {
    function card(label, q, main) {
      return el("div", { class: main ? "card main" : "card" }, [
        el("dt", { text: label }),
        el("dd", {}, [String(q && q.amount), el("span", { class: "unit", text: String(q && q.unit) })])
      ]);
    }
    return el("section", { id: "balance", "aria-labelledby": "balance-title" }, [
      el("h2", { id: "balance-title", text: "Balance" }),
      el("dl", { class: "cards" }, [card("Remaining", balance.remaining, true), card("Face value", balance.face_value),
        card("Committed", balance.committed), card("Reserved", balance.reserved)])
    ]);
  }

  function history(redemptions) {
    var body = !redemptions || redemptions.length === 0
      ? [el("p", { class: "muted", text: "No redemptions yet." })]
      : [el("div", { class: "table-scroll" }, [el("table", {}, [
        el("caption", { text: "Newest first, at most 20." }),
        el("thead", {}, [el("tr", {}, ["Created", "Status", "Provider", "Debited", "Credited", "Id"].map(function (h) {
          return el("th", { scope: "col", text: h });
        }))]),
        el("tbody", {}, redemptions.map(function (r) {
          return el("tr", {}, [
            el("td", { class: "mono nowrap", text: String(r.created_at) }),
            el("td", { text: String(r.status) }),
            el("td", { class: "nowrap", text: String(r.provider) }),
            el("td", { text: quantity(r.debited) }),
            el("td", { text: quantity(r.credited) }),
            el("td", {}, [el("code", { class: "clip", title: String(r.id), text: String(r.id) })])
          ]);
        }))
      ])])];
    return el("section", { id: "redemptions", "aria-labelledby": "redemptions-title" },
      [el("h2", { id: "redemptions-title", text: "Redemption history" })].concat(body));
  }

  // ---- where the balance lives (spec §11.2) and the token's grants here ----
  function grantsTable(issued, grants) {
    if (!grants || grants.length === 0)
      return el("p", { class: "muted", text: issued ? "No grants issued for this token." : "No grants held for this token." });
    var heads = ["Id", "Status", "Amount", "Used", "Report", issued ? "Visited gateway" : "Home", "Valid until", "Report by"];
    return el("div", { class: "table-scroll" }, [el("table", { id: "grants" }, [
      el("caption", { text: (issued ? "Grants this gateway issued for the token" : "Grants this gateway holds from the home") + ", newest first, at most 20." }),
      el("thead", {}, [el("tr", {}, heads.map(function (h) { return el("th", { scope: "col", text: h }); }))]),
      el("tbody", {}, grants.map(function (g) {
        return el("tr", { "data-status": String(g.status) }, [
          el("td", {}, [el("code", { class: "clip", title: String(g.id), text: String(g.id) })]),
          el("td", { text: String(g.status) }),
          el("td", { text: quantity(g.amount) }),
          el("td", { text: quantity(g.used) }),
          el("td", { text: String(g.seq) }),
          el("td", { class: "nowrap", text: String(issued ? g.visited : g.home) }),
          el("td", { class: "mono nowrap", text: String(g.valid_until) }),
          el("td", { class: "mono nowrap", text: String(g.report_by) })
        ]);
      }))
    ])]);
  }

  function homeSection(home, grants) {
    var where = home.kind === "here"
      ? "This gateway (" + String(home.id) + ") is the token's home: its balance lives here, and visited gateways redeem it against grants from here."
      : home.kind === "peer"
        ? "The token's home is " + String(home.id) + " (" + String(home.url) + "): its balance lives there, and this gateway redeems it against grants from that gateway. The balance above is what this gateway holds."
        : "The token names no home: each gateway that redeems it keeps its balance in its own ledger.";
    var nodes = [el("h2", { id: "home-title", text: "Where the balance lives" }), el("p", { id: "home-where", text: where })];
    if (home.kind === "here" || home.kind === "peer") nodes.push(grantsTable(home.kind === "here", grants));
    return el("section", { id: "home", "aria-labelledby": "home-title" }, nodes);
  }

  function verdictOf(answer, where) {
    var failed = (answer.steps || []).filter(function (s) { return s.status === "failed"; })[0];
    var unchecked = (answer.steps || []).filter(function (s) { return s.status === "not_checked"; });
    if (answer.valid === true && unchecked.length > 0) {
      var issuer = unchecked.some(function (s) { return s.step === 5; });
      var listed = unchecked.some(function (s) { return s.step === 9; });
      var what = issuer && listed ? "the issuer and the token's status were not checked"
        : issuer ? "the issuer was not checked" : "the token's status was not checked";
      var hints = [where, "Every other step passed."];
      if (issuer) hints.push("Name the issuer the key set speaks for to check step 5.");
      if (listed) hints.push("Offline, the status list the token names is not fetched: ask the gateway to check step 9.");
      status.textContent = "Valid against these keys; " + what + ".";
      return message("ok", "✓ Valid against these keys; " + what, hints);
    }
    if (answer.valid === true) {
      status.textContent = "Valid token: every verification step passed.";
      var lines = [where];
      if (answer.balance) lines.push("Remaining balance: " + quantity(answer.balance.remaining) + ".");
      return message("ok", "✓ Valid: every verification step passed", lines);
    }
    if (failed) {
      status.textContent = "Refused at step " + failed.step + " with " + failed.code + ".";
      return message("bad", "✗ Refused: " + failed.code, [
        "Failed at step " + failed.step + " (" + failed.title + ", §" + failed.section + "): " + (failed.detail || failed.code) + ".",
        "The steps after it were not reached. " + where
      ]);
    }
    status.textContent = "Refused with " + String(answer.error) + ".";
    return message("bad", "✗ Refused: " + String(answer.error), [
      "Every step of §6.2 passed, but " + String(answer.detail || "the token is refused") +
        (answer.error === "home_unknown" ? " (§11.2). " : " (§6.3). ") + where
    ]);
  }

  function show(nodes, focus) {
    result.replaceChildren.apply(result, nodes);
    result.hidden = false;
    if (focus) document.getElementById("verdict-title").focus();
  }

  function fail(title, lines, focus) {
    status.textContent = title;
    show([message("bad", title, lines)], focus);
  }

  async function viaGateway(token, mine, focus) {
    var response, answer;
    try {
      response = await fetch("/v1/inspect", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ token: token }),
        cache: "no-store"
      });
      answer = await response.json();
    } catch (error) {
      if (mine === run) fail("The gateway could not be reached", [String(error && error.message || error)], focus);
      return;
    }
    if (mine !== run) return;
    if (!response.ok) {
      var lines = [String(answer && answer.detail || "HTTP " + response.status)];
      if (answer && answer.code) lines.push("Error code: " + answer.code + " (HTTP " + response.status + ").");
      return fail(String(answer && answer.title || "The request was refused"), lines, focus);
    }
    showDecoded({ header: answer.header, claims: answer.claims, parts: token.split(".").length,
      signatureBytes: decodeLocally(token).signatureBytes }, answer.valid === true);
    var nodes = [verdictOf(answer, "Verified by this gateway (POST /v1/inspect)."), stepsTable(answer.steps || [])];
    if (answer.valid === true && answer.balance) nodes.push(balanceCards(answer.balance));
    if (answer.valid === true && answer.home) nodes.push(homeSection(answer.home, answer.grants));
    if (answer.valid === true && answer.redemptions) nodes.push(history(answer.redemptions));
    // A bound token's balance is its holder's: shown only to a request with a DPoP proof (spec §6.6).
    else if (answer.valid === true)
      nodes.push(el("p", { id: "holder-bound", class: "muted",
        text: "This token is bound to a holder key (cnf): its balance and redemptions are shown only to a request carrying the holder's DPoP proof (spec §2.6, §6.6)." }));
    show(nodes, focus);
  }

  var offline;
  function offlineVerifier() {
    offline = offline || new Promise(function (resolve, reject) {
      var script = el("script", { src: "${OFFLINE_SCRIPT}" });
      script.addEventListener("load", function () { resolve(window.OctOffline); });
      script.addEventListener("error", function () { offline = undefined; reject(new Error("the offline verifier could not be loaded")); });
      document.body.appendChild(script);
    });
    return offline;
  }

  async function viaJwks(token, mine, focus) {
    if (jwksInput.value.trim() === "") {
      status.textContent = "Paste the carrier's public JWK Set to verify offline.";
      return show([el("p", { id: "verdict", class: "muted", text: "Paste the carrier's public JWK Set to verify offline." })], false);
    }
    var answer;
    try {
      var verifier = await offlineVerifier();
      answer = await verifier.inspect(token, jwksInput.value, issuerInput.value, Date.now());
    } catch (error) {
      if (mine === run) fail("The token could not be verified here", [String(error && error.message || error)], focus);
      return;
    }
    if (mine !== run) return;
    if (!answer.usable) return fail("The JWK Set cannot be used", [answer.problem], focus);
    var where = "Verified offline in this browser against the pasted JWK Set, trusted for " + answer.issuer + ".";
    show([verdictOf(answer, where), stepsTable(answer.steps)], focus);
  }

  function mode() {
    return document.querySelector('input[name="mode"]:checked').value;
  }

  function inspect(focus) {
    clearTimeout(timer);
    var token = input.value.trim();
    var mine = ++run;
    paint(input.value);
    if (token === "") {
      decodedView.hidden = true;
      result.hidden = true;
      status.textContent = "";
      return;
    }
    showDecoded(decodeLocally(token), false);
    status.textContent = "Verifying…";
    return mode() === "offline" ? viaJwks(token, mine, focus) : viaGateway(token, mine, focus);
  }

  function soon() {
    paint(input.value);
    clearTimeout(timer);
    timer = setTimeout(function () { inspect(false); }, 250);
  }

  input.addEventListener("input", soon);
  jwksInput.addEventListener("input", soon);
  issuerInput.addEventListener("input", soon);
  Array.prototype.forEach.call(document.querySelectorAll('input[name="mode"]'), function (radio) {
    radio.addEventListener("change", function () {
      offlineInputs.hidden = mode() !== "offline";
      inspect(false);
    });
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      inspect(true);
    }
  });
  document.getElementById("clear").addEventListener("click", function () {
    input.value = "";
    inspect(false);
    input.focus();
  });
  // a step's link opens its text in the specification section below
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('a[href^="' + ANCHOR + '"]');
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (target) setTimeout(function () { target.focus(); }, 0);
  });
  offlineInputs.hidden = mode() !== "offline";
  if (input.value.trim() !== "") inspect(false);
})();
`;

/** The inspector page, served at `GET /`. */
export const INSPECTOR_HTML = pageDocument({
  title: "Token inspector",
  current: "/",
  styles: PAGE_STYLES + INSPECTOR_STYLES,
  body: `<main id="main" class="wrap">
<h1>Token inspector</h1>
<p class="lede">Paste an Open Compute Token: it is decoded as you paste, then verified step by step
(specification §6.2) by this gateway, or offline in this browser against a JWK Set you paste.</p>
<div class="columns">
<div>
<label for="token">Encoded token <span class="muted">(JWS compact serialization)</span></label>
<div class="token-field">
<div id="token-colours" class="token-colours" aria-hidden="true"></div>
<textarea id="token" name="token" rows="6" spellcheck="false" autocomplete="off" autocapitalize="off"
 aria-describedby="token-hint" placeholder="eyJhbGciOiJFZERTQSIsInR5cCI6Im9jdCtqd3QiLCJraWQiOi…"></textarea>
</div>
<p id="token-hint" class="hint legend"><span><span class="seg-h">header</span><span class="seg-dot">.</span><span class="seg-p">payload</span><span class="seg-dot">.</span><span class="seg-s">signature</span></span>
<span>Decoded and verified as you type; Ctrl+Enter verifies at once.</span></p>
<fieldset>
<legend>Verify</legend>
<label><input type="radio" name="mode" value="gateway" checked> with this gateway <span class="muted">(POST /v1/inspect: also the balance, where it lives, grants and history; the token is sent only here, never stored)</span></label>
<label><input type="radio" name="mode" value="offline"> offline, in this browser, against a carrier's JWK Set <span class="muted">(nothing is sent)</span></label>
</fieldset>
<div id="offline-inputs" hidden>
<label for="jwks">Carrier's public JWK Set</label>
<textarea id="jwks" name="jwks" rows="5" spellcheck="false" autocomplete="off" autocapitalize="off"
 aria-describedby="jwks-hint" placeholder='{ "keys": [ { "kty": "OKP", "crv": "Ed25519", "kid": "…", "x": "…" } ] }'></textarea>
<p id="jwks-hint" class="hint">The public keys only, as the carrier publishes them (or one JWK).</p>
<label for="issuer">Issuer it speaks for <span class="muted">(optional)</span></label>
<input type="text" id="issuer" name="issuer" spellcheck="false" autocomplete="off" autocapitalize="off"
 aria-describedby="issuer-hint" placeholder="https://tokens.carrier-a.example">
<p id="issuer-hint" class="hint">Step 5 checks the token's iss against it; left empty, the keys are taken as its own iss's, and step 5 is not checked.</p>
</div>
<div class="actions"><button type="button" id="clear" class="secondary">Clear</button></div>
<div id="status" class="visually-hidden" role="status" aria-live="polite"></div>
</div>
<div id="decoded" hidden></div>
</div>
<div id="result" hidden></div>
${specStepsSection()}
</main>`,
  script: SCRIPT,
});
