// Test host page: a fake CRM with a presence API (getter, setter, change
// listener, like the CRMFramework of docs/protocols.md#crm-connector-omnichannel) wired to the widget through the
// drop-in script's ready-made Client Application. Driven by the e2e tests
// through window.test.
/* global CtiBridge -- window.CtiBridge, defined by cti-bridge.js (a classic script the page loads first) */
const params = new URLSearchParams(location.search);
const widgetOrigin = params.get("widget");
const mode = params.get("mode") || "synchronized";

const listeners = new Set();
const fakeCrm = {
  status: params.get("presence") || "Available",
  setCalls: [],
  /** The user changes presence in the CRM. */
  userSets(status) {
    fakeCrm.status = status;
    document.getElementById("presence").textContent = status;
    for (const l of listeners) l(status);
  },
};
document.getElementById("presence").textContent = fakeCrm.status;

const test = { events: [], fakeCrm, forged: [], error: null, bridge: null };
window.test = test;

// Messages the forger frames report back (a test-only channel, not the bridge's).
window.addEventListener("message", (e) => {
  if (e.data && e.data.forgerDone) test.forged.push(e.data);
});

/** Adds a frame (another origin, or this one) that forges messages at the widget and at this page. */
window.addForger = (url) => {
  const frame = document.createElement("iframe");
  frame.src = url;
  document.getElementById("others").appendChild(frame);
};

CtiBridge.connect({
  widgetUrl: `${widgetOrigin}${params.get("widgetPath") || "/widget.html"}`,
  container: "#widget",
  mode,
  timeoutMs: Number(params.get("timeoutMs") || 15000),
  ...(params.get("livenessMs") ? { liveness: { intervalMs: Number(params.get("livenessMs")), misses: 3 } } : {}),
  crm: {
    getPresence: () => fakeCrm.status,
    setPresence: async (statusId) => {
      fakeCrm.setCalls.push(statusId);
      if (statusId === "Refused") return false;
      fakeCrm.userSets(statusId);
      return true;
    },
    onPresenceChange: (callback) => {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    currentUser: { Id: "0051x000001", Name: "Ada Agent", Username: "ada@example.test" },
  },
}).then(
  (bridge) => {
    test.bridge = bridge;
    bridge.on("*", (event) => test.events.push(event));
  },
  (error) => {
    test.error = { code: error.code, message: error.message };
  },
);
