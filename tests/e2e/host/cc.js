// Test host page for a widget that runs its own contact-centre client
// (widget-config.json?config=xuc|axp). The page gives the CRM presence API and
// the credentials provider; everything else happens in the widget.
// Query: widget=ORIGIN, config=xuc|axp, credential=... (what the provider answers;
// "throw" makes it reject), mode.
/* global CtiBridge -- window.CtiBridge, defined by cti-bridge.js (a classic script the page loads first) */
const params = new URLSearchParams(location.search);
const config = params.get("config") || "xuc";
const credential = params.get("credential");

const listeners = new Set();
const fakeCrm = {
  status: params.get("presence") || "Available",
  setCalls: [],
  userSets(status) {
    fakeCrm.status = status;
    document.getElementById("presence").textContent = status;
    for (const l of listeners) l(status);
  },
};
document.getElementById("presence").textContent = fakeCrm.status;

const test = { events: [], trace: [], asked: [], crmRequests: [], fakeCrm, error: null, bridge: null };
window.test = test;

CtiBridge.connect({
  widgetUrl: `${params.get("widget")}/widget.html?config=${config}`,
  container: "#widget",
  mode: params.get("mode") || "synchronized",
  timeoutMs: 15000,
  crm: {
    getPresence: () => fakeCrm.status,
    setPresence: async (statusId) => {
      fakeCrm.setCalls.push(statusId);
      fakeCrm.userSets(statusId);
      return true;
    },
    onPresenceChange: (callback) => {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    // CRM Connector requests made on the contact centre's behalf (screen pop, interaction log).
    onRequest: (action, data) => test.crmRequests.push({ action, data }),
  },
  contactCentre: {
    credentials: async (what) => {
      test.asked.push(what);
      if (credential === "throw") throw new Error("no single sign-on session");
      if (what === "token") return credential || "sim-token";
      const [login, password] = (credential || "alice:alice").split(":");
      return { login, password };
    },
  },
}).then(
  (bridge) => {
    test.bridge = bridge;
    bridge.on("*", (event) => test.events.push(event));
    bridge.on("trace", (entry) => test.trace.push(entry));
  },
  (error) => {
    test.error = { code: error.code, message: error.message };
  },
);
