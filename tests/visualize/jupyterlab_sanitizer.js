// JupyterLab's own HTML sanitizer, run outside the browser: what an untrusted notebook shows of an output.
//
// usage: node jupyterlab_sanitizer.js JUPYTERLAB_STATIC_DIR < html-fragments.json > sanitized.json
//
// It loads the installed JupyterLab's built chunks (a minimal rspack/webpack module runtime), takes
// the bundled sanitize-html module, and cuts the Sanitizer class of @jupyterlab/apputils (with the
// CSS-value patterns it needs) out of the jlab_core bundle, so the rules are the installed ones, not a
// copy. Exit status 3 (and a message) when the bundle does not look as expected.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const dir = process.argv[2];
const modules = {};
const names = fs.readdirSync(dir).filter((f) => f.endsWith(".js"));
global.self = global;
for (const f of names) {
  const src = fs.readFileSync(path.join(dir, f), "utf8");
  const m = /^\(self\.(\w+)=self\.\1\|\|\[\]\)\.push\(/.exec(src);
  if (!m) continue;
  global[m[1]] = { push: ([, mods]) => Object.assign(modules, mods) };
  try {
    vm.runInThisContext(src, { filename: f });
  } catch (e) {
    // a chunk that needs a browser at load time: not one the sanitizer uses
  }
}
const cache = {};
function req(id) {
  if (cache[id]) return cache[id].exports;
  const m = (cache[id] = { exports: {}, id });
  if (!modules[id]) return m.exports;
  modules[id].call(m.exports, m, m.exports, req);
  return m.exports;
}
req.n = (m) => {
  const g = m && m.__esModule ? () => m.default : () => m;
  req.d(g, { a: g });
  return g;
};
req.d = (e, d) => {
  for (const k in d) if (!Object.prototype.hasOwnProperty.call(e, k)) Object.defineProperty(e, k, { enumerable: true, get: d[k] });
};
req.o = (o, p) => Object.prototype.hasOwnProperty.call(o, p);
req.r = (e) => Object.defineProperty(e, "__esModule", { value: true });
req.g = global;
req.b = "file:///";
req.p = "";
modules[65606] = modules[65606] || ((m) => (m.exports = process));

function fail(why) {
  process.stderr.write("jupyterlab_sanitizer.js: " + why + "\n");
  process.exit(3);
}

const core = names.find((f) => f.startsWith("jlab_core.") || f.startsWith("notebook_core."));
if (!core) fail("no jlab_core (JupyterLab) or notebook_core (Notebook 7) bundle in " + dir);
const src = fs.readFileSync(path.join(dir, core), "utf8");
const head = /(\w+)=\w\((\d+)\),(\w+)=\w\.n\(\1\);class (\w+)\{static reg\(/.exec(src);
if (!head) fail("the CSS-pattern class of the Sanitizer was not found");
const start = head.index + head[0].indexOf("class ");
const sanitizerAt = src.indexOf("{constructor(){this._autolink", start);
if (sanitizerAt < 0) fail("the Sanitizer class was not found");
const className = /class (\w+)$/.exec(src.slice(sanitizerAt - 40, sanitizerAt))[1];
let depth = 0, quote = null, end = sanitizerAt;
for (; end < src.length; end++) {
  const c = src[end];
  if (quote) {
    if (c === "\\") end++;
    else if (c === quote) quote = null;
  } else if (c === '"' || c === "'" || c === "`") quote = c;
  else if (c === "{") depth++;
  else if (c === "}" && --depth === 0) break;
}
const sanitizeHtml = req.n(req(Number(head[2])));
const Sanitizer = new Function(head[3], src.slice(start, end + 1) + "; return " + className + ";")(sanitizeHtml);
const sanitizer = new Sanitizer();
const fragments = JSON.parse(fs.readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(fragments.map((html) => sanitizer.sanitize(html))));
