/**
 * @module The token inspector page (`GET /`): paste a token, see its header
 * and claims, each verification step of `spec/oct.md` §6.2 passed or failed
 * with its code and section, the balance and the redemption history. One
 * self-contained document (inline CSS and JS, no CDN) over `POST /v1/inspect`;
 * everything the gateway answers is written as text, never as HTML.
 */
import { PAGE_STYLES } from "./styles.ts";
import { DOM_HELPERS } from "./dom.ts";
import { pageDocument } from "./page.ts";

// The page's script: plain ES2020, no template literals (this file's string is one).
const SCRIPT = `
"use strict";
(function () {
  var form = document.getElementById("form");
  var input = document.getElementById("token");
  var button = document.getElementById("inspect");
  var status = document.getElementById("status");
  var result = document.getElementById("result");

${DOM_HELPERS}
  function section(id, title, children) {
    return el("section", { id: id, "aria-labelledby": id + "-title" },
      [el("h2", { id: id + "-title", text: title })].concat(children));
  }

  function message(kind, id, title, lines) {
    var heading = el("h2", { id: id + "-title", tabindex: "-1", text: title });
    return el("div", { id: id, class: "message " + kind, "aria-labelledby": id + "-title" },
      [heading].concat(lines.map(function (line) { return el("p", {}, [line]); })));
  }

  function show(nodes, focusId) {
    result.replaceChildren.apply(result, nodes);
    result.hidden = false;
    var target = focusId && document.getElementById(focusId + "-title");
    if (target) target.focus();
  }

  function fail(title, lines) {
    status.textContent = title;
    show([message("bad", "verdict", title, lines)], "verdict");
  }

  function quantity(q) {
    return q && typeof q === "object" ? String(q.amount) + " " + String(q.unit) : "—";
  }

  function json(value) {
    return el("pre", { tabindex: "0" }, [el("code", { text: JSON.stringify(value, null, 2) })]);
  }

  var STATUS = {
    passed: { icon: "✓", word: "Passed", cls: "ok-text" },
    failed: { icon: "✗", word: "Failed", cls: "bad-text" },
    not_reached: { icon: "–", word: "Not reached", cls: "muted" }
  };

  function stepsTable(steps) {
    var rows = steps.map(function (step) {
      var s = STATUS[step.status] || STATUS.not_reached;
      var outcome = el("td", { class: s.cls }, [
        el("span", { class: "icon", "aria-hidden": "true", text: s.icon }), s.word
      ]);
      var code = el("td", {}, step.code ? [el("code", { text: step.code })] : []);
      if (step.detail) code.appendChild(el("div", { class: "hint", text: step.detail }));
      return el("tr", { "data-step": String(step.step), "data-status": String(step.status) }, [
        el("td", { text: String(step.step) }),
        el("td", { text: String(step.title) }),
        outcome,
        code,
        el("td", { text: "§" + String(step.section) })
      ]);
    });
    return el("div", { class: "table-scroll" }, [el("table", {}, [
      el("caption", { text: "Each step of the verification algorithm, in order; verification stops at the first failure." }),
      el("thead", {}, [el("tr", {}, ["Step", "Check", "Outcome", "Error code", "Specification"].map(function (h) {
        return el("th", { scope: "col", text: h });
      }))]),
      el("tbody", {}, rows)
    ])]);
  }

  var TIMES = { iat: "Issued at (iat)", nbf: "Not before (nbf)", exp: "Expires (exp)" };

  function decoded(id, title, value, valid, absent) {
    var children = [];
    if (value === undefined) {
      children.push(el("p", { class: "muted", text: absent }));
    } else {
      if (!valid) children.push(el("p", { class: "bad-text", text: "Decoded for display only: not verified, do not trust it." }));
      children.push(json(value));
      var times = Object.keys(TIMES).filter(function (k) { return typeof value[k] === "number"; });
      if (times.length > 0) {
        children.push(el("ul", { class: "hint" }, times.map(function (k) {
          var date = new Date(value[k] * 1000);
          var text = isNaN(date.getTime()) ? "out of range" : date.toISOString().replace(".000Z", "Z");
          return el("li", {}, [TIMES[k] + ": ", el("span", { class: "mono", text: text })]);
        })));
      }
    }
    return section(id, title, children);
  }

  function balanceCards(balance) {
    function card(label, q, main) {
      return el("div", { class: main ? "card main" : "card" }, [
        el("dt", { text: label }),
        el("dd", {}, [String(q && q.amount), el("span", { class: "unit", text: String(q && q.unit) })])
      ]);
    }
    return section("balance", "Balance", [el("dl", { class: "cards" }, [
      card("Remaining", balance.remaining, true),
      card("Face value", balance.face_value),
      card("Committed", balance.committed),
      card("Reserved", balance.reserved)
    ])]);
  }

  function history(redemptions) {
    if (!redemptions || redemptions.length === 0) {
      return section("redemptions", "Redemption history", [el("p", { class: "muted", text: "No redemptions yet." })]);
    }
    var rows = redemptions.map(function (r) {
      return el("tr", {}, [
        el("td", { class: "mono nowrap", text: String(r.created_at) }),
        el("td", { text: String(r.status) }),
        el("td", { class: "nowrap", text: String(r.provider) }),
        el("td", { text: quantity(r.debited) }),
        el("td", { text: quantity(r.credited) }),
        el("td", {}, [el("code", { class: "clip", title: String(r.id), text: String(r.id) })])
      ]);
    });
    return section("redemptions", "Redemption history", [el("div", { class: "table-scroll" }, [el("table", {}, [
      el("caption", { text: "Newest first, at most 20." }),
      el("thead", {}, [el("tr", {}, ["Created", "Status", "Provider", "Debited", "Credited", "Id"].map(function (h) {
        return el("th", { scope: "col", text: h });
      }))]),
      el("tbody", {}, rows)
    ])])]);
  }

  function render(answer) {
    var steps = Array.isArray(answer.steps) ? answer.steps : [];
    var failed = steps.filter(function (s) { return s.status === "failed"; })[0];
    var verdict;
    if (answer.valid === true) {
      verdict = message("ok", "verdict", "✓ Valid: every verification step passed", [
        "The token verifies at this gateway. Remaining balance: " + quantity(answer.balance && answer.balance.remaining) + "."
      ]);
      status.textContent = "Valid token: every verification step passed.";
    } else if (failed) {
      var where = "Failed at step " + failed.step + " (" + failed.title + ", §" + failed.section + ")";
      verdict = message("bad", "verdict", "✗ Refused: " + failed.code, [
        where + ": " + (failed.detail || failed.code) + ".",
        "The steps after it were not reached."
      ]);
      status.textContent = "Refused at step " + failed.step + " with " + failed.code + ".";
    } else {
      verdict = message("bad", "verdict", "✗ Refused: " + String(answer.error), [
        "Every step of §6.2 passed, but " + String(answer.detail || "the token is refused") + " (§6.3)."
      ]);
      status.textContent = "Refused with " + String(answer.error) + ".";
    }
    var nodes = [verdict, section("steps", "Verification steps", [stepsTable(steps)]),
      el("div", { class: "grid" }, [
        decoded("header", "Header", answer.header, answer.valid === true,
          "Not decodable: the first segment is not a base64url-encoded JSON object."),
        decoded("claims", "Claims", answer.claims, answer.valid === true,
          "Not decodable: the second segment is not a base64url-encoded JSON object.")
      ])];
    if (answer.valid === true && answer.balance) nodes.push(balanceCards(answer.balance));
    if (answer.valid === true) nodes.push(history(answer.redemptions));
    show(nodes, "verdict");
  }

  async function inspect(token) {
    var response;
    try {
      response = await fetch("/v1/inspect", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ token: token }),
        cache: "no-store"
      });
    } catch (error) {
      return fail("The gateway could not be reached", [String(error && error.message || error)]);
    }
    var body;
    try {
      body = await response.json();
    } catch (error) {
      return fail("Unexpected answer from the gateway", ["HTTP " + response.status + ", not JSON."]);
    }
    if (!response.ok) {
      var lines = [String(body && body.detail || "HTTP " + response.status)];
      if (body && body.code) lines.push("Error code: " + body.code + " (HTTP " + response.status + ").");
      return fail(String(body && body.title || "The request was refused"), lines);
    }
    render(body);
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    var token = input.value.trim();
    if (token === "") {
      fail("Nothing to inspect", ["Paste a token in the box above first."]);
      input.focus();
      return;
    }
    button.disabled = true;
    status.textContent = "Inspecting…";
    try {
      await inspect(token);
    } catch (error) {
      fail("The answer could not be shown", [String(error && error.message || error)]);
    } finally {
      button.disabled = false;
    }
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  document.getElementById("clear").addEventListener("click", function () {
    input.value = "";
    result.hidden = true;
    result.replaceChildren();
    status.textContent = "";
    input.focus();
  });
})();
`;

/** The inspector page, served at `GET /`. */
export const INSPECTOR_HTML = pageDocument({
  title: "Token inspector",
  current: "/",
  styles: PAGE_STYLES,
  body: `<main id="main" class="wrap">
<h1>Token inspector</h1>
<p class="lede">Paste an Open Compute Token to see its header and claims, each step of the
verification algorithm (specification §6.2) with its outcome and error code, and, when it verifies,
its balance and redemption history.</p>
<form id="form" novalidate>
<label for="token">Token <span class="muted">(JWS compact serialization)</span></label>
<textarea id="token" name="token" rows="5" spellcheck="false" autocomplete="off" autocapitalize="off"
 aria-describedby="token-hint" placeholder="eyJhbGciOiJFZERTQSIsInR5cCI6Im9jdCtqd3QiLCJraWQiOi…"></textarea>
<p id="token-hint" class="hint">Sent only to this gateway (POST /v1/inspect), never stored; surrounding
whitespace is ignored. Press Ctrl+Enter to inspect.</p>
<div class="actions">
<button type="submit" id="inspect">Inspect</button>
<button type="button" id="clear" class="secondary">Clear</button>
</div>
</form>
<div id="status" class="visually-hidden" role="status" aria-live="polite"></div>
<div id="result" hidden></div>
</main>`,
  script: SCRIPT,
});
