// The widget page: loads the wasm core and hands it its configuration
// (widget-config.json, served by the widget's own origin: the host cannot choose it).
//
// Two ways the same page runs:
// - embedded by a CRM page (the drop-in script): `startWidget(config)`, the host channel;
// - inside a vendor's desktop (an AgentDesktop widget, a ServiceNow OpenFrame panel): the
//   configuration has `vendor: {scripts, config}`; the page loads the vendor's SDK scripts
//   (same origin, or allowed by its CSP) and runs `startVendor(vendor.config)` on them.
import init, { startWidget, startVendor } from "./pkg/cti_bridge.js";
import { mountPanel, applyTheme } from "./panel.js";

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

async function startInVendor(vendor) {
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
  // `?config=NAME` picks one of the configurations the widget's server offers.
  const response = await fetch("widget-config.json" + location.search, { cache: "no-store" });
  if (!response.ok) throw new Error("widget-config.json: " + response.status);
  const config = await response.json();
  await init();
  if (config.vendor) {
    await startInVendor(config.vendor);
    return;
  }
  const widget = startWidget(config);
  window.ctiWidget = widget;
  // The agent's panel, unless the host page said `connect({panel: false})` (its options ride in the fragment).
  const host = hostOptions();
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
