// Live contact-centre demo: the exported live clients against `cti-bridge sim`
// (started by scripts/demo.sh on http://127.0.0.1:8090; `?sim=` overrides).
// The simulator's demo credentials are public test values, never real ones.
import init, { AxpClient, XucClient } from "./pkg/cti_bridge.js";
import { $, prependLine } from "./dom.js";

const sim = new URLSearchParams(location.search).get("sim") || "http://127.0.0.1:8090";
$("sim").textContent = sim;

function panel(name) {
  const counts = { events: 0, errors: 0 };
  const log = $(`${name}-log`);
  const add = (text, cls) => prependLine(log, text, cls, 200);
  return {
    counts,
    onOutput(out) {
      if (out.type === "health") {
        $(`${name}-health`).textContent = out.data.state;
        $(`${name}-health`).className = `health ${out.data.state}`;
        $(`${name}-reason`).textContent = out.data.reason + (out.data.retryInMs ? ` (retry in ${out.data.retryInMs} ms)` : "");
        add(`health ${out.data.state}: ${out.data.reason}`, "health-row");
      } else if (out.type === "output") {
        const e = out.data;
        counts.events++;
        const what = e.kind === "agentState" ? `${e.state}${e.reason ? " (" + e.reason + ")" : ""}`
          : e.kind === "interaction" ? `${e.phase} ${e.media || ""} ${e.id || ""}`
          : e.kind === "command" ? `→ ${e.target} ${e.state} ${e.status}` : (e.status || "");
        add(`${e.seq ?? ""} ${e.kind} ${what}`);
      } else if (out.type === "error") {
        counts.errors++;
        add(`error: ${out.data.reason || JSON.stringify(out.data)}`, "error-row");
      }
    },
    show(client) {
      const s = client.stats();
      $(`${name}-counts`).textContent =
        `events ${s.events} · duplicates dropped ${s.duplicates} · decode errors ${Object.values(s.errors).reduce((a, b) => a + b, 0)}`;
    },
  };
}

async function fault(spec) {
  const [proto, name] = spec.split(":");
  await fetch(`${sim}/sim/fault/${name}?proto=${proto}`, { method: "POST" });
}

async function main() {
  await init();
  const axpPanel = panel("axp");
  const axp = new AxpClient(
    { restBase: `${sim}/api/notification/v1`, accountId: "DEMOAC", appKey: "demo-app-key", mode: "off" },
    (out) => { axpPanel.onOutput(out); axpPanel.show(axp); },
    () => "sim-token",
  );
  const xucPanel = panel("xuc");
  const xuc = new XucClient(
    { baseUrl: sim, agentId: "19", mode: "off" },
    (out) => { xucPanel.onOutput(out); xucPanel.show(xuc); },
    () => ({ login: "alice", password: "alice" }),
  );
  $("axp-start").onclick = () => axp.start();
  $("axp-stop").onclick = () => axp.stop();
  $("xuc-start").onclick = () => xuc.start();
  $("xuc-login").onclick = () => xuc.loginAgent("1000", 19);
  $("xuc-pause").onclick = () => xuc.pauseAgent(19, "lunch");
  $("xuc-unpause").onclick = () => xuc.unpauseAgent(19);
  for (const b of document.querySelectorAll("button[data-fault]")) b.onclick = () => fault(b.dataset.fault);
  axp.start();
  xuc.start();
  window.liveDemo = { axp, xuc };
}

main().catch((e) => {
  $("sim").textContent = `${sim} — failed: ${e.message}`;
  console.error(e);
});
