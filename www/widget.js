// The widget page: loads the wasm core and hands it its configuration
// (widget-config.json, served by the widget's own origin: the host cannot choose it).
import init, { startWidget } from "./pkg/cti_bridge.js";

const status = document.getElementById("status");

async function main() {
  // `?config=NAME` picks one of the configurations the widget's server offers.
  const response = await fetch("widget-config.json" + location.search, { cache: "no-store" });
  if (!response.ok) throw new Error("widget-config.json: " + response.status);
  const config = await response.json();
  await init();
  const widget = startWidget(config);
  window.ctiWidget = widget;
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
