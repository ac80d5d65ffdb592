/**
 * @module The API reference page (`GET /docs`): fetches `/openapi.json` and
 * renders each operation with its parameters, request and response schemas
 * and their descriptions, then every spec schema. References are resolved
 * by `$id` as JSON Schema 2020-12 does. Self-contained (inline CSS and JS,
 * no CDN); the document's text is written as text, never as HTML.
 */
import { PAGE_STYLES } from "./styles.ts";
import { DOM_HELPERS } from "./dom.ts";
import { pageDocument } from "./page.ts";

const DOCS_STYLES = `
.layout { display: grid; grid-template-columns: 16rem minmax(0, 1fr); gap: 2rem; }
@media (max-width: 56rem) { .layout { grid-template-columns: minmax(0, 1fr); } }
.toc { position: sticky; top: 0; align-self: start; max-height: 100vh; overflow: auto; padding: 1rem 0; font-size: 0.9rem; }
.toc h2 { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); margin: 1rem 0 0.25rem; }
.toc ul { list-style: none; margin: 0; padding: 0; }
.toc li { margin: 0.1rem 0; }
.toc a { text-decoration: none; display: block; padding: 0.1rem 0; }
.op { border: 1px solid var(--line); border-radius: 8px; padding: 0 1rem 0.75rem; margin: 1rem 0; }
.op > h3 { display: flex; gap: 0.6rem; align-items: baseline; flex-wrap: wrap; margin-top: 0.9rem; }
.op > h3 code { font-size: 1rem; background: none; padding: 0; }
.method { font: 700 0.8rem/1.6 ui-monospace, monospace; padding: 0 0.45rem; border-radius: 4px; color: #fff; }
.method.get { background: #0550ae; } .method.post { background: #116329; }
.method.put, .method.patch { background: #7d4e00; } .method.delete { background: #a40e26; }
.op h4 { font-size: 0.95rem; margin: 1rem 0 0.35rem; }
.md p { margin: 0.5rem 0; } .md ul, .md ol { padding-left: 1.5rem; } .md table { margin: 0.5rem 0; }
.schema { border-left: 2px solid var(--line); padding-left: 0.75rem; margin: 0.25rem 0; }
.prop { margin: 0.45rem 0; }
.prop-head { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: baseline; }
.prop-name { font-weight: 600; }
.type { color: var(--muted); font-size: 0.875rem; }
.req { color: var(--bad); font-size: 0.75rem; font-weight: 700; }
.desc { margin: 0.1rem 0 0; font-size: 0.925rem; }
.facts { margin: 0.1rem 0 0; font-size: 0.85rem; color: var(--muted); }
details > summary { cursor: pointer; color: var(--accent); font-size: 0.875rem; }
.component { border-top: 1px solid var(--line); padding: 0.25rem 0; }
.component > summary { font-size: 1rem; padding: 0.4rem 0; }
.status-code { font-weight: 700; }
`;

const SCRIPT = `
"use strict";
(function () {
  var root = document.getElementById("content");
  var toc = document.getElementById("toc");
  var status = document.getElementById("status");
  var doc;
  var byId = {};
  var MAX_DEPTH = 7;

${DOM_HELPERS}
  // ---- a small Markdown renderer (the spec's prose), producing DOM nodes ----
  function inline(text) {
    var nodes = [];
    var pattern = /(\\x60[^\\x60]+\\x60|\\*\\*[^*]+\\*\\*)/g;
    var last = 0, match;
    while ((match = pattern.exec(text)) !== null) {
      if (match.index > last) nodes.push(text.slice(last, match.index));
      var token = match[0];
      if (token.charAt(0) === "\\x60") nodes.push(el("code", { text: token.slice(1, -1) }));
      else nodes.push(el("strong", {}, inline(token.slice(2, -2))));
      last = match.index + token.length;
    }
    if (last < text.length) nodes.push(text.slice(last));
    return nodes;
  }

  function cells(line) {
    return line.trim().replace(/^\\|/, "").replace(/\\|$/, "").split("|").map(function (c) { return c.trim(); });
  }

  function markdown(text) {
    var out = el("div", { class: "md" });
    var lines = String(text || "").split("\\n");
    var i = 0;
    while (i < lines.length) {
      var line = lines[i];
      if (/^\\s*$/.test(line)) { i++; continue; }
      if (/^\\x60\\x60\\x60/.test(line)) {
        var code = [];
        i++;
        while (i < lines.length && !/^\\x60\\x60\\x60/.test(lines[i])) code.push(lines[i++]);
        i++;
        out.appendChild(el("pre", { tabindex: "0" }, [el("code", { text: code.join("\\n") })]));
        continue;
      }
      var heading = /^(#{1,6}) (.*)$/.exec(line);
      if (heading) {
        out.appendChild(el("h" + Math.min(6, heading[1].length + 1), {}, inline(heading[2])));
        i++;
        continue;
      }
      if (/^\\|/.test(line)) {
        var rows = [];
        while (i < lines.length && /^\\|/.test(lines[i])) rows.push(lines[i++]);
        var head = cells(rows[0]);
        var body = rows.slice(2).map(cells);
        out.appendChild(el("div", { class: "table-scroll" }, [el("table", {}, [
          el("thead", {}, [el("tr", {}, head.map(function (h) { return el("th", { scope: "col" }, inline(h)); }))]),
          el("tbody", {}, body.map(function (r) {
            return el("tr", {}, r.map(function (c) { return el("td", {}, inline(c)); }));
          }))
        ])]));
        continue;
      }
      var bullet = /^(\\s*)(- |\\d+\\. )/.exec(line);
      if (bullet) {
        var ordered = bullet[2] !== "- ";
        var list = el(ordered ? "ol" : "ul");
        while (i < lines.length) {
          var item = /^(\\s*)(- |\\d+\\. )(.*)$/.exec(lines[i]);
          if (!item) break;
          var textLines = [item[3]];
          i++;
          while (i < lines.length && /^\\s+\\S/.test(lines[i]) && !/^\\s*(- |\\d+\\. )/.test(lines[i])) {
            textLines.push(lines[i++].trim());
          }
          list.appendChild(el("li", {}, inline(textLines.join(" "))));
        }
        out.appendChild(list);
        continue;
      }
      var para = [];
      while (i < lines.length && !/^\\s*$/.test(lines[i]) && !/^(\\x60\\x60\\x60|#|\\||\\s*- )/.test(lines[i])) para.push(lines[i++].trim());
      if (para.length === 0) para.push(lines[i++]);
      out.appendChild(el("p", {}, inline(para.join(" "))));
    }
    return out;
  }

  // ---- references, resolved as JSON Schema 2020-12 does: by $id, then by JSON Pointer ----
  function pointer(target, fragment) {
    if (!fragment) return target;
    return fragment.replace(/^\\//, "").split("/").reduce(function (node, part) {
      var key = decodeURIComponent(part).replace(/~1/g, "/").replace(/~0/g, "~");
      return node === undefined || node === null ? undefined : node[key];
    }, target);
  }

  function resolve(ref, base) {
    var hash = ref.indexOf("#");
    if (ref.charAt(0) === "#" && ref.indexOf("#/components/") === 0) {
      var found = pointer(doc, ref.slice(1));
      return found ? { schema: found, base: found.$id || "", name: ref.split("/").pop() } : undefined;
    }
    var absolute;
    try { absolute = new URL(ref, base || location.href).href; } catch (e) { return undefined; }
    var at = absolute.indexOf("#");
    var resource = at < 0 ? absolute : absolute.slice(0, at);
    var fragment = at < 0 ? "" : absolute.slice(at + 1);
    var target = byId[resource];
    if (!target) return undefined;
    var schema = pointer(target.schema, fragment);
    var name = target.name + (fragment ? fragment.replace(/^\\/\\$defs\\//, ".").replace(/^\\/properties\\//, ".") : "");
    return schema === undefined ? undefined : { schema: schema, base: resource, name: name, component: target.name };
  }

  function follow(schema, base) {
    var seen = 0;
    var description = schema && schema.description;
    while (schema && typeof schema === "object" && typeof schema.$ref === "string" && seen++ < 20) {
      var next = resolve(schema.$ref, base);
      if (!next) return { schema: schema, base: base, broken: schema.$ref, description: description };
      schema = next.schema;
      base = next.base;
      if (description === undefined) description = schema.description;
    }
    if (schema && schema.$id) base = schema.$id;
    return { schema: schema, base: base, description: description };
  }

  function typeOf(schema, base) {
    var f = follow(schema, base);
    var s = f.schema;
    if (f.broken) return "unresolved " + f.broken;
    if (s === true) return "anything";
    if (s === false) return "not allowed";
    if (!s || typeof s !== "object") return "";
    if (s.const !== undefined) return "const " + JSON.stringify(s.const);
    if (s.enum) return "one of " + s.enum.map(function (v) { return JSON.stringify(v); }).join(", ");
    var t = Array.isArray(s.type) ? s.type.join(" | ") : s.type;
    if (t === "array" && s.items) return "array of " + (typeOf(s.items, f.base) || "items");
    if (!t && (s.oneOf || s.anyOf)) return (s.oneOf ? "one of" : "any of") + " " + (s.oneOf || s.anyOf).length + " forms";
    return t || (s.properties ? "object" : "");
  }

  function facts(s) {
    var list = [];
    if (!s || typeof s !== "object") return list;
    if (s.pattern) list.push(["pattern", s.pattern]);
    if (s.format) list.push(["format", s.format]);
    ["minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems"].forEach(function (k) {
      if (s[k] !== undefined) list.push([k, String(s[k])]);
    });
    if (s.default !== undefined) list.push(["default", JSON.stringify(s.default)]);
    if (s.additionalProperties === false) list.push(["closed", "no other members"]);
    return list;
  }

  function conditions(s, base) {
    if (!s.if || !(s.then || s.else)) return null;
    var when = [];
    var props = (s.if && s.if.properties) || {};
    Object.keys(props).forEach(function (k) {
      if (props[k] && props[k].const !== undefined) when.push(k + " = " + JSON.stringify(props[k].const));
    });
    function rule(branch) {
      if (!branch || typeof branch !== "object") return "";
      var parts = [];
      if (branch.required && branch.required.length) parts.push("requires " + branch.required.join(", "));
      var forbidden = Object.keys(branch.properties || {}).filter(function (k) { return branch.properties[k] === false; });
      if (forbidden.length) parts.push("forbids " + forbidden.join(", "));
      return parts.join("; ");
    }
    var condition = when.join(" and ") || "the condition holds";
    var items = [];
    if (rule(s.then)) items.push(el("li", {}, ["When " + condition + ": " + rule(s.then) + "."]));
    if (rule(s.else)) items.push(el("li", {}, ["Otherwise: " + rule(s.else) + "."]));
    return items.length ? el("ul", { class: "facts" }, items) : null;
  }

  function schemaView(schema, base, depth, trail) {
    var f = follow(schema, base);
    var s = f.schema;
    var box = el("div", { class: "schema" });
    if (f.broken) { box.appendChild(el("p", { class: "bad-text", text: "Unresolved reference " + f.broken })); return box; }
    if (!s || typeof s !== "object") return box;
    if (trail.indexOf(s) >= 0 || depth > MAX_DEPTH) {
      box.appendChild(el("p", { class: "facts", text: "(see above)" }));
      return box;
    }
    trail = trail.concat([s]);
    var fs = facts(s);
    if (fs.length) box.appendChild(el("p", { class: "facts" }, fs.map(function (x, i) {
      return el("span", {}, [(i ? " · " : "") + x[0] + " ", el("code", { text: x[1] })]);
    })));
    var cond = conditions(s, f.base);
    if (cond) box.appendChild(cond);
    var required = s.required || [];
    Object.keys(s.properties || {}).forEach(function (name) {
      var p = s.properties[name];
      var pf = follow(p, f.base);
      var head = el("div", { class: "prop-head" }, [
        el("code", { class: "prop-name", text: name }),
        el("span", { class: "type", text: typeOf(p, f.base) }),
        required.indexOf(name) >= 0 ? el("span", { class: "req", text: "required" }) : null
      ]);
      var prop = el("div", { class: "prop" }, [head]);
      if (pf.description) prop.appendChild(el("p", { class: "desc", text: pf.description }));
      var ps = pf.schema;
      var fsp = facts(ps);
      if (fsp.length) prop.appendChild(el("p", { class: "facts" }, fsp.map(function (x, i) {
        return el("span", {}, [(i ? " · " : "") + x[0] + " ", el("code", { text: x[1] })]);
      })));
      var inner = ps && ps.type === "array" ? follow(ps.items, pf.base) : pf;
      if (inner.schema && typeof inner.schema === "object" && (inner.schema.properties || inner.schema.oneOf || inner.schema.anyOf)) {
        var more = el("details", {}, [el("summary", { text: "Members of " + name })]);
        more.appendChild(schemaView(inner.schema, inner.base, depth + 1, trail));
        prop.appendChild(more);
      }
      box.appendChild(prop);
    });
    ["oneOf", "anyOf", "allOf"].forEach(function (k) {
      if (!Array.isArray(s[k])) return;
      box.appendChild(el("p", { class: "facts", text: k === "allOf" ? "All of:" : (k === "oneOf" ? "Exactly one of:" : "Any of:") }));
      s[k].forEach(function (variant) { box.appendChild(schemaView(variant, f.base, depth + 1, trail)); });
    });
    if (s.type === "array" && s.items) {
      var items = follow(s.items, f.base);
      box.appendChild(el("p", { class: "facts", text: "Items: " + typeOf(s.items, f.base) }));
      if (items.schema && items.schema.properties) box.appendChild(schemaView(items.schema, items.base, depth + 1, trail));
    }
    return box;
  }

  function schemaBlock(schema, base) {
    var f = follow(schema, base);
    var wrap = el("div", {});
    var ref = schema && schema.$ref ? resolve(schema.$ref, base) : null;
    var line = [el("span", { class: "type", text: typeOf(schema, base) })];
    if (ref && ref.component) line.push(" ", el("a", { href: "#schema-" + ref.component, text: ref.name }));
    else if (ref && ref.name) line.push(" ", el("a", { href: "#schema-" + ref.name, text: ref.name }));
    wrap.appendChild(el("p", {}, line));
    if (f.schema && f.schema.title) wrap.appendChild(el("p", { class: "desc" }, [el("strong", { text: f.schema.title })]));
    if (f.description) wrap.appendChild(el("p", { class: "desc", text: f.description }));
    wrap.appendChild(schemaView(schema, base, 0, []));
    return wrap;
  }

  function content(media) {
    return Object.keys(media || {}).map(function (type) {
      return el("div", {}, [el("p", { class: "facts" }, ["Media type ", el("code", { text: type })]),
        schemaBlock(media[type].schema, "")]);
    });
  }

  function responseOf(response) {
    if (response && typeof response.$ref === "string") return pointer(doc, response.$ref.replace(/^#/, "")) || {};
    return response || {};
  }

  function operation(method, path, op) {
    var id = "op-" + (op.operationId || method + path).replace(/[^A-Za-z0-9_-]/g, "-");
    var title = el("h3", { id: id + "-title" }, [
      el("span", { class: "method " + method, text: method.toUpperCase() }), " ",
      el("code", { text: path }),
      el("span", { class: "muted", text: op.summary || "" }),
      op["x-oct-optional"] ? el("span", { class: "tag", text: "optional" }) : null
    ]);
    var box = el("section", { class: "op", id: id, "aria-labelledby": id + "-title" }, [title, markdown(op.description)]);
    if (op.parameters && op.parameters.length) {
      box.appendChild(el("h4", { text: "Parameters" }));
      box.appendChild(el("div", { class: "table-scroll" }, [el("table", {}, [
        el("thead", {}, [el("tr", {}, ["Name", "In", "Schema", "Description"].map(function (h) { return el("th", { scope: "col", text: h }); }))]),
        el("tbody", {}, op.parameters.map(function (p) {
          var pf = follow(p.schema, "");
          var fsp = facts(pf.schema).map(function (x) { return x[0] + " " + x[1]; }).join(" · ");
          return el("tr", {}, [
            el("td", {}, [el("code", { text: p.name }), p.required ? el("span", { class: "req", text: " required" }) : null]),
            el("td", { text: p.in }),
            el("td", {}, [typeOf(p.schema, ""), fsp ? el("div", { class: "facts", text: fsp }) : null]),
            el("td", { text: p.description || pf.description || "" })
          ]);
        }))
      ])]));
    }
    if (op.requestBody) {
      box.appendChild(el("h4", { text: "Request body" }));
      if (op.requestBody.description) box.appendChild(el("p", { class: "desc", text: op.requestBody.description }));
      content(op.requestBody.content).forEach(function (n) { box.appendChild(n); });
    }
    box.appendChild(el("h4", { text: "Responses" }));
    Object.keys(op.responses || {}).forEach(function (code) {
      var r = responseOf(op.responses[code]);
      var item = el("details", code.charAt(0) === "2" ? { open: "" } : {}, [
        el("summary", {}, [el("span", { class: "status-code", text: code }), " " + (r.description || "")])
      ]);
      content(r.content).forEach(function (n) { item.appendChild(n); });
      box.appendChild(item);
    });
    return { node: box, id: id };
  }

  function render() {
    var info = doc.info || {};
    var schemas = (doc.components && doc.components.schemas) || {};
    Object.keys(schemas).forEach(function (name) {
      if (schemas[name] && schemas[name].$id) byId[schemas[name].$id] = { schema: schemas[name], name: name };
    });
    var nodes = [el("h1", { text: info.title || "API reference" }),
      el("p", { class: "lede" }, ["OpenAPI " + doc.openapi + " · version " + info.version + " · ",
        el("a", { href: "/openapi.json", text: "/openapi.json" })])];
    if (info.summary) nodes.push(el("p", { text: info.summary }));
    var tags = (doc.tags || []).map(function (t) { return t.name; });
    var groups = {};
    Object.keys(doc.paths || {}).forEach(function (path) {
      Object.keys(doc.paths[path]).forEach(function (method) {
        var op = doc.paths[path][method];
        var tag = (op.tags && op.tags[0]) || "Other";
        if (tags.indexOf(tag) < 0) tags.push(tag);
        (groups[tag] = groups[tag] || []).push(operation(method, path, op));
        groups[tag][groups[tag].length - 1].label = method.toUpperCase() + " " + path;
      });
    });
    var tocNodes = [el("h2", { text: "Endpoints" })];
    tags.forEach(function (tag) {
      if (!groups[tag]) return;
      var meta = (doc.tags || []).filter(function (t) { return t.name === tag; })[0];
      var tagId = "tag-" + tag.replace(/[^A-Za-z0-9]/g, "-");
      nodes.push(el("h2", { id: tagId, text: tag }));
      if (meta && meta.description) nodes.push(el("p", { class: "muted", text: meta.description }));
      var links = [];
      groups[tag].forEach(function (o) {
        nodes.push(o.node);
        links.push(el("li", {}, [el("a", { href: "#" + o.id, text: o.label })]));
      });
      tocNodes.push(el("h2", { text: tag }), el("ul", {}, links));
    });
    var overview = el("details", {}, [el("summary", { text: "General rules and errors (Sections 7.1 and 7.2)" }), markdown(info.description)]);
    nodes.splice(3, 0, overview);
    nodes.push(el("h2", { id: "schemas", text: "Schemas" }));
    nodes.push(el("p", { class: "muted", text: "The specification's own JSON Schemas (draft 2020-12), each under its $id." }));
    Object.keys(schemas).forEach(function (name) {
      var s = schemas[name];
      var box = el("details", { class: "component", id: "schema-" + name }, [
        el("summary", {}, [el("code", { text: name }), " " + (s.title || "")])
      ]);
      if (s.description) box.appendChild(el("p", { class: "desc", text: s.description }));
      if (s.$id) box.appendChild(el("p", { class: "facts" }, ["$id ", el("code", { text: s.$id })]));
      box.appendChild(schemaView(s, s.$id || "", 0, []));
      Object.keys(s.$defs || {}).forEach(function (def) {
        var d = s.$defs[def];
        var sub = el("div", { class: "prop", id: "schema-" + name + "." + def }, [
          el("div", { class: "prop-head" }, [el("code", { class: "prop-name", text: "$defs/" + def }),
            el("span", { class: "type", text: typeOf(d, s.$id) })])
        ]);
        if (d.description) sub.appendChild(el("p", { class: "desc", text: d.description }));
        sub.appendChild(schemaView(d, s.$id, 1, []));
        box.appendChild(sub);
      });
      nodes.push(box);
    });
    tocNodes.push(el("h2", {}, [el("a", { href: "#schemas", text: "Schemas" })]));
    toc.replaceChildren.apply(toc, tocNodes);
    root.replaceChildren.apply(root, nodes);
    status.textContent = "API reference loaded.";
    if (location.hash) {
      var target = document.getElementById(location.hash.slice(1));
      if (target) target.scrollIntoView();
    }
  }

  function failure(text) {
    root.replaceChildren(el("div", { class: "message bad", role: "alert" }, [
      el("h2", { text: "The API reference could not be shown" }), el("p", { text: text })
    ]));
  }

  fetch("/openapi.json", { headers: { accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) throw new Error("GET /openapi.json answered HTTP " + response.status);
      return response.json();
    })
    .then(function (body) { doc = body; render(); })
    .catch(function (error) { failure(String(error && error.message || error)); });
})();
`;

/** The API reference page, served at `GET /docs`. */
export const DOCS_HTML = pageDocument({
  title: "API reference",
  current: "/docs",
  styles: PAGE_STYLES + DOCS_STYLES,
  body: `<div class="wrap layout">
<nav id="toc" class="toc" aria-label="Operations"></nav>
<main id="main">
<div id="content"><p class="muted">Loading /openapi.json…</p></div>
<div id="status" class="visually-hidden" role="status" aria-live="polite"></div>
</main>
</div>`,
  script: SCRIPT,
});
