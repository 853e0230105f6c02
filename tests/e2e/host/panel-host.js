// Test host page for the agent's panel (tests/e2e/panel.test.mjs).
// Query: widget=ORIGIN, config=xuc|axp, credential=none (no provider: the host declines, the
// panel signs in) or login:password, panel=0, locale, accent (a theme colour), narrow=1, bogus=1
// (an unknown connect() option).
/* global CtiBridge -- window.CtiBridge, defined by cti-bridge.js (a classic script the page loads first) */
const params = new URLSearchParams(location.search);
const credential = params.get("credential") || "none";
const test = { events: [], asked: [], error: null, bridge: null };
window.test = test;

const options = {
  widgetUrl: `${params.get("widget")}/widget.html?config=${params.get("config") || "xuc"}`,
  container: "#widget",
  timeoutMs: 15000,
  crm: {
    getPresence: () => "Available",
    setPresence: async () => true,
    onPresenceChange: () => () => {},
  },
};
if (credential !== "none") {
  options.contactCentre = {
    credentials: async (what) => {
      test.asked.push(what);
      if (what === "token") return "sim-token";
      const [login, password] = credential.split(":");
      return { login, password };
    },
  };
}
if (params.get("panel") === "0") options.panel = false;
if (params.get("locale")) options.locale = params.get("locale");
if (params.get("accent")) options.theme = { accent: params.get("accent") };
if (params.get("bogus")) options.bogus = true;

CtiBridge.connect(options).then(
  (bridge) => {
    test.bridge = bridge;
    if (params.get("narrow")) bridge.iframe().classList.add("narrow");
    bridge.on("*", (event) => test.events.push(event));
  },
  (error) => {
    test.error = { code: error.code, message: error.message };
  },
);
