// The diagnostics page for support engineers: starts the widget with its configuration (the
// widget origin's widget-config.json, same `?config=` as widget.html), runs the checks in the
// widget itself (`widget.diagnose()`: the same report as `bridge.diagnose()`), shows them, and
// downloads the support bundle (`widget.exportLogs()`: JSON Lines, redacted). No inline script
// or style: the page runs under the widget's strict CSP.
import init, { startWidget } from "./pkg/cti_bridge.js";

const summary = document.getElementById("summary");
const body = document.querySelector("#checks tbody");
const versions = document.getElementById("versions");
const rerun = document.getElementById("rerun");
const download = document.getElementById("download");

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  row.append(td);
}

function show(report) {
  body.replaceChildren();
  for (const check of report.checks) {
    const row = document.createElement("tr");
    row.dataset.id = check.id;
    cell(row, check.id);
    cell(row, check.status, `status-${check.status}`);
    cell(row, check.detail);
    cell(row, check.fix || "");
    body.append(row);
  }
  const failing = report.checks.filter((c) => c.status === "fail").map((c) => c.id);
  const warning = report.checks.filter((c) => c.status === "warn").map((c) => c.id);
  summary.textContent = failing.length
    ? `${failing.length} check(s) fail: ${failing.join(", ")}`
    : warning.length ? `all pass; warnings: ${warning.join(", ")}` : "all checks pass";
  versions.textContent = `widget ${report.versions.widget}, channel protocol ${report.versions.protocol}, ` +
    `report made ${new Date(report.at).toISOString()}`;
  document.body.dataset.done = "true";
}

async function main() {
  const response = await fetch("widget-config.json" + location.search, { cache: "no-store" });
  if (!response.ok) throw new Error("widget-config.json: " + response.status);
  const config = await response.json();
  await init();
  const widget = startWidget(config);
  window.ctiWidget = widget;
  const run = async () => {
    rerun.disabled = true;
    summary.textContent = "running the checks…";
    try {
      show(await widget.diagnose());
    } finally {
      rerun.disabled = false;
    }
  };
  rerun.addEventListener("click", () => { run().catch(fail); });
  download.addEventListener("click", async () => {
    const text = await widget.exportLogs();
    const url = URL.createObjectURL(new Blob([text], { type: "application/x-ndjson" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `cti-bridge-support-${new Date().toISOString().replace(/[:.]/g, "-")}.jsonl`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
  download.disabled = false;
  await run();
}

function fail(e) {
  summary.textContent = "the widget could not start: " + e.message;
  document.body.dataset.done = "true";
  console.error(e);
}

main().catch(fail);
