// The widget page: loads the wasm core and hands it its configuration
// (widget-config.json, served by the widget's own origin: the host cannot choose it).
//
// Two ways the same page runs:
// - embedded by a CRM page (the drop-in script): `startWidget(config)`, the host channel;
// - inside a vendor's desktop (an AgentDesktop widget, a ServiceNow OpenFrame panel): the
//   configuration has `vendor: {scripts, config}`; the page loads the vendor's SDK scripts
//   (same origin, or allowed by its CSP) and runs `startVendor(vendor.config)` on them.
//
// Start-up (issue 14): one round of fetches with the page, then the handshake; nothing else
// before it.
// 1. widget.html preloads the wasm module of the build the deployment names there and loads
//    that build's entry script (pkg/<build>/widget.js: this script with the build's glue and the
//    list of builds in it, scripts/widget-entry.mjs; the glue is self-contained,
//    scripts/inline-snippets.mjs), and preloads the configuration: all fetched with the page.
//    (Loaded as www/widget.js itself, the page's `data-build` preload names the build, whose glue
//    this script imports.)
//    This script starts compiling that module as soon as it runs (`WebAssembly.compileStreaming`,
//    the server must send `application/wasm`; Chromium hands a preloaded response to fetch()
//    once it has ended, so the compilation starts after its last byte), while the configuration
//    is read.
// 2. The configuration decides the build (`buildFor`). The named one is used only if it is that
//    build; otherwise (a wrong hint: it cost a download and a compilation, nothing else) the
//    list of builds (pkg/builds.json, by scripts/build.sh: carried by the entry script, or asked
//    for right after the configuration, in the same round) says which exist, and the right build
//    is fetched: its wasm, its glue and the glue's snippet modules at once.
// Then `startWidget` answers the host page's `connect` (sent when the iframe loaded, kept here
// until the module runs) or says hello to it; the style sheets and the panel (panel.js,
// panel.css) are loaded and mounted once the host's `connect` has been answered (or after
// PANEL_WAIT_MS without one).
// Per-deployment builds: `bash scripts/build.sh` also builds www/pkg/<features>/ for the
// deployments it is told (CTI_BUILDS, e.g. `crm-connector+xuc`); the page loads the smallest
// build its configuration needs and falls back to the full one in www/pkg/.

/**
 * The build this script carries, or null (www/widget.js itself). scripts/widget-entry.mjs writes
 * each build's entry script, `pkg/<build>/widget.js` (`pkg/widget.js` for the full build): the
 * build's glue in a scope, then this script with CARRIED set to `{name, glue, builds}` (the
 * build's name, "" the full one; the glue's exports; the list of builds, pkg/builds.json as
 * scripts/build.sh wrote it), BASE to www/ and PKG to the folder of the builds, both relative to
 * the entry's own URL (scripts/build.sh writes the entries twice: in pkg/ and in pkg/<hash>/).
 * widget.html loads the entry of the build it names: one script instead of two (this one and the
 * glue), and no pkg/builds.json to ask for: two requests fewer on the way to the handshake.
 */
const CARRIED = null;
/** The widget's folder (www/): panel.js is found from it. */
const BASE = new URL("./", import.meta.url);
/**
 * The folder of the builds: www/pkg/; in an entry script, the one its build sits in (pkg/, or
 * the content-hashed copy pkg/<hash>/ that widget.html names: scripts/build.sh).
 */
const PKG = new URL("pkg/", BASE);

/** Feature order of the build names (scripts/build.sh): "crm-connector+xuc". */
const FEATURES = ["crm-connector", "openframe", "agentdesktop", "axp", "xuc"];

/**
 * The build a configuration needs (features joined by "+"), or "" for the full one: the
 * CRM side (`bridge.crm.source`, the CRM Connector by default) and the contact centre
 * (`contactCentre.kind` or `bridge.cc.source`). An in-page vendor brings OpenFrame and
 * AgentDesktop (one vendor hub). Injected messages may come from any protocol: full build.
 */
export function buildFor(config) {
  const vendor = config.vendor;
  const inner = vendor ? vendor.config || {} : config;
  const bridge = inner.bridge || {};
  const cc = (inner.contactCentre && inner.contactCentre.kind) || (bridge.cc && bridge.cc.source);
  const crm = (bridge.crm && bridge.crm.source) || (vendor ? "openframe" : "crm-connector");
  if (config.allowInject || (!vendor && !cc)) return "";
  const needed = new Set(vendor ? ["openframe", "agentdesktop"] : [crm]);
  if (cc) needed.add(cc);
  if (![...needed].every((f) => FEATURES.includes(f))) return "";
  return FEATURES.filter((f) => needed.has(f)).join("+");
}

/**
 * The builds there are (pkg/builds.json, written by scripts/build.sh): build name (features
 * joined by "+", "" for the full build) -> the snippet modules its glue imports (paths in its
 * folder). Used only when widget.html's hint is not the build the configuration needs.
 */
async function builtDeployments() {
  try {
    const response = await fetch("pkg/builds.json");
    const built = response.ok ? await response.json() : {};
    return built && typeof built === "object" && !Array.isArray(built) ? built : {};
  } catch {
    return {};
  }
}

/** Starts fetching a module the page will import (`<link rel="modulepreload">`). */
function preloadModule(url) {
  const link = document.createElement("link");
  link.rel = "modulepreload";
  link.href = url;
  document.head.append(link);
}

/**
 * The wasm module at `url`, compiled from its response as it comes (`WebAssembly.compileStreaming`
 * needs the server to send `Content-Type: application/wasm`; otherwise compiled from its bytes):
 * while it downloads when this fetch() makes the request (a wrong hint), after its last byte
 * when it takes widget.html's preload.
 */
async function compileWasm(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  const type = (response.headers.get("Content-Type") || "").trim().toLowerCase();
  if (typeof WebAssembly.compileStreaming === "function" && type === "application/wasm") {
    return WebAssembly.compileStreaming(response);
  }
  console.warn(`cti-bridge: ${url} is served as "${type}", not application/wasm: compiled after it downloaded (slower start)`);
  return WebAssembly.compile(await response.arrayBuffer());
}

/**
 * The build widget.html preloads (`data-build` on its wasm preload: the deployment's hint,
 * "" for the full build), or null when it names none.
 */
function hintedBuild() {
  const link = document.querySelector('link[rel="preload"][data-build]');
  const name = link && link.getAttribute("data-build");
  return typeof name === "string" && /^[a-z+-]*$/.test(name) ? name : null;
}

/** The folder of a build ("" the full one), relative to this script. */
const buildDir = (name) => new URL(name ? `${name}/` : "./", PKG);

/**
 * Starts loading the build in `dir` (its snippet modules preloaded alongside): the module
 * compiles while it downloads and while the glue loads. `{compiled, glue}`, two promises.
 */
function startBuild(dir, snippets) {
  const compiled = compileWasm(new URL("cti_bridge_bg.wasm", dir));
  compiled.catch(() => {}); // reported by initBuild, if this build is used
  const glue = import(new URL("cti_bridge.js", dir).href);
  glue.catch(() => {});
  for (const path of snippets) {
    if (typeof path === "string" && /^snippets\/[\w./-]+\.js$/.test(path) && !path.includes("..")) preloadModule(new URL(path, dir));
  }
  return { compiled, glue };
}

/**
 * The build this entry script carries (its glue is already here): only its module to compile,
 * from widget.html's preload.
 */
function carriedBuild({ name, glue }) {
  const compiled = compileWasm(new URL("cti_bridge_bg.wasm", buildDir(name)));
  compiled.catch(() => {}); // reported by initBuild, if this build is used
  return { compiled, glue: Promise.resolve(glue) };
}

/**
 * The glue of a started build, initialized with its compiled module: instantiated at once, in
 * the task that has both (`initSync`; the module is already compiled, so nothing big runs on
 * this thread), not one more task later.
 */
async function initBuild({ compiled, glue }) {
  const [core, module] = await Promise.all([glue, compiled]);
  core.initSync({ module });
  return core;
}

/**
 * The build widget.html names, started as this script runs (its download began with the page),
 * before the configuration is read: compiled while the configuration is parsed. Used only if
 * the configuration needs that build; otherwise it costs the CPU of one compilation, nothing else.
 */
const HINT = CARRIED ? CARRIED.name : hintedBuild();
const hinted = CARRIED ? carriedBuild(CARRIED) : HINT === null ? null : startBuild(buildDir(HINT), []);
/**
 * The list of builds: carried by an entry script; otherwise asked for right after the
 * configuration (`main`), in the same round: needed only when the hint is not the build the
 * configuration needs, which then costs one round, not two. Asked for after the configuration,
 * not before: each `fetch()` call takes the page's thread for a while (1-3 ms on a loaded
 * machine), and the configuration is needed first.
 */
let builtList = CARRIED ? Promise.resolve(CARRIED.builds) : null;

/**
 * The wasm module for `config`, initialized: its deployment's build if there is one, else the
 * full build. The configuration decides; widget.html's hint only started the work early. The
 * build it names is used when the configuration needs that build (no list of builds needed:
 * the page named it); otherwise, or when it cannot be loaded (not built), the list
 * (pkg/builds.json) says which builds exist, and the build is fetched now. The page's root
 * element says which build runs (`data-build`, "" the full one).
 */
async function loadCore(config) {
  const name = buildFor(config);
  let core = null;
  let chosen = name;
  if (hinted && HINT === name) {
    try {
      core = await initBuild(hinted);
    } catch (e) {
      if (!name) throw e;
      console.warn(`cti-bridge: the build ${name} named by widget.html could not be loaded (${e.message}): using the builds list`);
    }
  }
  if (!core) {
    const built = await builtList;
    chosen = Object.prototype.hasOwnProperty.call(built, name) ? name : "";
    core = await initBuild(startBuild(buildDir(chosen), Array.isArray(built[chosen]) ? built[chosen] : []));
  }
  document.documentElement.setAttribute("data-build", chosen);
  return core;
}

/**
 * Window messages that arrive before the module is running (the host page sends `connect` when
 * the iframe has loaded): kept, at most EARLY_MAX, and handed to `startWidget`, which checks them
 * like any other (origin, source, shape) and handles as many (its own EARLY_MAX, in
 * src/web/widget/mod.rs; tests/js/early-bound.test.mjs checks the two agree).
 */
const EARLY_MAX = 16;
const early = [];
const keepEarly = (event) => {
  if (early.length < EARLY_MAX) early.push(event);
};
window.addEventListener("message", keepEarly);
/** The messages kept so far; no more are kept. */
function takeEarly() {
  window.removeEventListener("message", keepEarly);
  return early.splice(0);
}

const status = document.getElementById("status");
const log = document.getElementById("log");

/** Adds a style sheet and resolves when it has loaded (or failed: the page goes on without it). */
function loadStyle(href) {
  return new Promise((resolve) => {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    link.onload = link.onerror = () => resolve();
    document.head.append(link);
  });
}

/** Loads one classic script (the vendor's SDK) and resolves when it has run. */
function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
}

function show(item) {
  if (!log) return;
  const li = document.createElement("li");
  li.textContent = item.kind === "vendorCall"
    ? `${item.target} ${item.namespace ? `${item.namespace}.` : ""}${item.method}`
    : item.kind === "vendorNotice"
      ? `${item.source} ${item.level}: ${item.text}`
      : `${item.kind} ${item.state || item.phase || item.status || ""}`;
  log.prepend(li);
  while (log.children.length > 50) log.lastChild.remove();
}

async function startInVendor(startVendor, vendor) {
  for (const src of vendor.scripts || []) await loadScript(src);
  const outputs = [];
  const integration = startVendor(vendor.config || {}, (item) => {
    if (outputs.length >= 1000) outputs.shift();
    outputs.push(item);
    show(item);
    if (item.kind === "agentState") status.textContent = `agent ${item.state}${item.reason ? ` (${item.reason})` : ""}`;
  });
  window.ctiVendor = integration;
  window.ctiVendorOutputs = outputs;
  status.textContent = `running in ${integration.vendors().join(" + ")}`;
}

/** The host page's panel options (`connect({panel, theme, locale})`), from `#cti=<json>`. */
function hostOptions() {
  const match = /[#&]cti=([^&]*)/.exec(location.hash);
  if (!match) return {};
  try {
    const value = JSON.parse(decodeURIComponent(match[1]));
    return value && typeof value === "object" ? value : {};
  } catch {
    return {};
  }
}

/** How long the panel waits for the host page's `connect` before it is mounted anyway (no host). */
const PANEL_WAIT_MS = 500;

/** The host page's `connect` (answered by the widget's own listener, which ran first). */
const isConnect = (event) => event.source === window.parent && !!event.data && event.data.cti === "connect";

/**
 * Resolves in the task after the one that handled the host page's first `connect` (one of
 * `handled`, the messages `startWidget` was given, or one still to come), or after `ms`.
 */
function afterHandshake(handled, ms) {
  return new Promise((resolve) => {
    let timer = 0;
    const done = () => {
      window.removeEventListener("message", onMessage);
      clearTimeout(timer);
      setTimeout(resolve, 0);
    };
    const onMessage = (event) => {
      if (isConnect(event)) done();
    };
    if (handled.some(isConnect)) return done();
    window.addEventListener("message", onMessage);
    timer = setTimeout(done, ms);
  });
}

async function main() {
  // Fetched with the page (widget.html preloads it). `?config=NAME` picks one of the
  // configurations the widget's server offers.
  const asked = fetch("widget-config.json" + location.search, { cache: "no-store" });
  if (!builtList) builtList = builtDeployments();
  const response = await asked;
  if (!response.ok) throw new Error("widget-config.json: " + response.status);
  const config = await response.json();
  const core = await loadCore(config);
  const { startWidget, startVendor } = core;
  if (config.vendor) {
    takeEarly();
    loadStyle("widget.css");
    await startInVendor(startVendor, config.vendor);
    return;
  }
  const handled = takeEarly();
  const widget = startWidget(config, handled);
  window.ctiWidget = widget;
  status.textContent = "waiting for the host page";
  // Nothing else before the handshake: the panel's script and style are loaded after it.
  // (As Avaya's CRM Connector frame, no drop-in sends `connect`: nothing to wait for.)
  await afterHandshake(handled, config.crmConnectorFrame ? 0 : PANEL_WAIT_MS);
  // The agent's panel, unless the host page said `connect({panel: false})` (its options ride in the fragment).
  const host = hostOptions();
  const [{ mountPanel, applyTheme }] = await Promise.all([import(new URL("panel.js", BASE).href), loadStyle("widget.css"), host.panel !== false && loadStyle("panel.css")]);
  applyTheme(host.theme);
  if (host.panel !== false) {
    mountPanel(widget, document.getElementById("panel"), document.getElementById("announcer"), { locale: host.locale });
    status.hidden = true;
  }
  // Show whether a host page is attached (the handshake runs in Rust). A widget that stopped
  // (freed, or trapped: every call then throws) is not asked again; the host page's liveness
  // ping notices it and reloads this frame.
  let shown = 0;
  const showConnection = () => {
    try {
      const d = widget.diagnostics();
      status.textContent = d.connected ? `connected to ${d.hostOrigin}` : "waiting for the host page";
    } catch {
      clearInterval(shown);
      status.textContent = "stopped";
    }
  };
  showConnection();
  shown = setInterval(showConnection, 1000);
}

main().catch((e) => {
  loadStyle("widget.css");
  status.textContent = "failed to start: " + e.message;
  console.error(e);
});
