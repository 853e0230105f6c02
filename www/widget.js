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
  window.ctiWidget = startWidget(config);
  status.textContent = "waiting for the host page";
}

main().catch((e) => {
  status.textContent = "failed to start: " + e.message;
  console.error(e);
});
