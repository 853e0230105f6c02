// Test page: the in-page OpenFrame integration (stand-in openFrameAPI) whose
// contact centre is a live xuc / AXP client against `cti-bridge sim`.
// Query: sim=ORIGIN, cc=xuc|axp.
import init, { startVendor } from "/pkg/cti_bridge.js";

const params = new URLSearchParams(location.search);
const sim = params.get("sim");
const cc = params.get("cc") || "xuc";
window.test = { outputs: [], asked: [], vendor: null, error: null };

const contactCentre = cc === "axp"
  ? { kind: "axp", restBase: `${sim}/api/notification/v1`, accountId: "DEMOAC", appKey: "demo-app-key" }
  : { kind: "xuc", baseUrl: sim, agentId: "19" };

async function main() {
  await init();
  window.test.vendor = startVendor(
    { mode: "synchronized", contactCentre, openframe: { openOn: ["accepted"] } },
    (item) => window.test.outputs.push(item),
    async (what) => {
      window.test.asked.push(what);
      return what === "token" ? "sim-token" : { login: "alice", password: "alice" };
    },
  );
  document.getElementById("status").textContent = "started";
}

main().catch((e) => {
  window.test.error = String(e && e.message ? e.message : e);
});
