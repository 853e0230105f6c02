// The widget page: loads the wasm core and hands it its configuration
// (widget-config.json, served by the widget's own origin: the host cannot choose it).
//
// Two ways the same page runs:
// - embedded by a CRM page (the drop-in script): `startWidget(config)`, the host channel;
// - inside a vendor's desktop (an AgentDesktop widget, a ServiceNow OpenFrame panel): the
//   configuration has `vendor: {scripts, config}`; the page loads the vendor's SDK scripts
//   (same origin, or allowed by its CSP) and runs `startVendor(vendor.config)` on them.
//
// Start-up (issue 14): nothing waits for what can come later. The configuration and the list
// of builds are fetched at once; the module is compiled while it downloads; the panel's script
// (preloaded by widget.html) is imported alongside and mounted only after `startWidget` has said
// hello to the host page.
// Per-deployment builds: `bash scripts/build.sh` also builds www/pkg/<features>/ for the
// deployments it is told (CTI_BUILDS, e.g. `crm-connector+xuc`); the page loads the smallest
// build its configuration needs and falls back to the full one in www/pkg/.

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

/** The per-deployment builds there are (pkg/builds.json, written by scripts/build.sh). */
async function builtDeployments() {
  try {
    const response = await fetch("pkg/builds.json");
    return response.ok ? await response.json() : [];
  } catch {
    return [];
  }
}

/**
 * The wasm module for `config`, initialized: its deployment's build if there is one, else the
 * full build. The module is fetched alongside its glue and compiled while it downloads
 * (wasm-bindgen's init takes the Response to `WebAssembly.instantiateStreaming`).
 */
async function loadCore(config, built) {
  const name = buildFor(config);
  const dir = built.includes(name) ? `./pkg/${name}/` : "./pkg/";
  const wasm = fetch(new URL(`${dir}cti_bridge_bg.wasm`, import.meta.url));
  const core = await import(`${dir}cti_bridge.js`);
  await core.default({ module_or_path: wasm });
  return core;
}

const status = document.getElementById("status");
const log = document.getElementById("log");

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

async function main() {
  // `?config=NAME` picks one of the configurations the widget's server offers. The list of
  // builds is fetched alongside.
  const built = builtDeployments();
  const panel = import("./panel.js");
  panel.catch(() => {}); // a vendor desktop never mounts it; a failure is reported where it is used
  const response = await fetch("widget-config.json" + location.search, { cache: "no-store" });
  if (!response.ok) throw new Error("widget-config.json: " + response.status);
  const config = await response.json();
  const core = await loadCore(config, await built);
  const { startWidget, startVendor } = core;
  if (config.vendor) {
    await startInVendor(startVendor, config.vendor);
    return;
  }
  const widget = startWidget(config);
  window.ctiWidget = widget;
  // The agent's panel, unless the host page said `connect({panel: false})` (its options ride in the fragment).
  const host = hostOptions();
  const { mountPanel, applyTheme } = await panel;
  applyTheme(host.theme);
  if (host.panel !== false) {
    mountPanel(widget, document.getElementById("panel"), document.getElementById("announcer"), { locale: host.locale });
    status.hidden = true;
  }
  status.textContent = "waiting for the host page";
  // Show whether a host page is attached (the handshake runs in Rust).
  setInterval(() => {
    const d = widget.diagnostics();
    status.textContent = d.connected ? `connected to ${d.hostOrigin}` : "waiting for the host page";
  }, 1000);
}

main().catch((e) => {
  status.textContent = "failed to start: " + e.message;
  console.error(e);
});
