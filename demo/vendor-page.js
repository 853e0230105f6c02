// Shared by servicenow.html, agentdesktop.html and servicenow-agentdesktop.html:
// loads the widget wasm and starts the in-page vendor integration on whatever
// SDK objects the page has (the vendor scripts, or their stand-ins, load first).
//
// Query parameters (demo and tests): mode, openOn (e.g. "offered,accepted"),
// table, initTimeoutMs, commandTimeoutMs, notReadyReason, alerts=0, chat=1.
import init, { startVendor } from "./pkg/cti_bridge.js";
import { prependLine } from "./dom.js";

const params = new URLSearchParams(location.search);
const status = document.getElementById("status");
const log = document.getElementById("log");
window.test = { outputs: [], vendor: null, error: null };

function configFromQuery() {
  const config = { mode: params.get("mode") || "synchronized" };
  const openframe = {};
  if (params.get("openOn")) openframe.openOn = params.get("openOn").split(",").filter(Boolean);
  if (params.get("table")) openframe.table = params.get("table");
  if (Object.keys(openframe).length) config.openframe = openframe;
  if (params.get("initTimeoutMs")) config.initTimeoutMs = Number(params.get("initTimeoutMs"));
  if (params.get("alerts") === "0") config.alerts = false;
  if (params.get("chat") === "1") config.chat = true;
  const bridge = {};
  if (params.get("commandTimeoutMs")) bridge.commandTimeoutMs = Number(params.get("commandTimeoutMs"));
  if (params.get("notReadyReason")) bridge.cc = { notReadyReason: params.get("notReadyReason") };
  if (Object.keys(bridge).length) config.bridge = bridge;
  return config;
}

function show(item) {
  const what = item.kind === "vendorCall"
    ? `${item.target} ${item.namespace ? item.namespace + "." : ""}${item.method}(${item.args.map((a) => JSON.stringify(a)).join(", ")})`
    : item.kind === "vendorNotice"
      ? `${item.source} ${item.level}: ${item.text}`
      : `${item.kind} ${JSON.stringify(item)}`;
  prependLine(log, what, item.kind, 200);
}

async function main() {
  await init();
  const vendor = startVendor(configFromQuery(), (item) => {
    window.test.outputs.push(item);
    show(item);
  });
  window.test.vendor = vendor;
  status.textContent = "vendors: " + vendor.vendors().join(", ");
}

main().catch((e) => {
  window.test.error = String(e && e.message ? e.message : e);
  status.textContent = "failed to start: " + window.test.error;
});
