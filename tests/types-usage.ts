// Compile-only check (tsc --noEmit) that the declarations describe the API as used.
import CtiBridge, { connect, type Bridge, type BridgeEvent, type CcFault, type CcHealthState, type TraceEntry } from "../www/cti-bridge";

async function example(): Promise<void> {
  const bridge: Bridge = await connect({
    widgetUrl: "https://widget.example.com/widget.html",
    container: "#cti",
    mode: "synchronized",
    crm: {
      getPresence: () => "Available",
      setPresence: async (statusId: string) => statusId !== "Offline",
      onPresenceChange: (cb) => {
        const timer = setInterval(() => cb("Busy"), 1000);
        return () => clearInterval(timer);
      },
    },
  });
  bridge.on("agentState", (e) => {
    const state: string = e.state;
    void state;
  });
  bridge.on("*", (e: BridgeEvent) => void e.kind);
  const command = await bridge.setAgentState("notReady", "lunch");
  const status: "pending" | "confirmed" | "rejected" | "superseded" | "notSupported" = command.status;
  void status;
  const { snapshot } = await bridge.snapshot();
  void snapshot.agentState?.state;
  void CtiBridge.version;
  const version: string = CtiBridge.scriptVersion;
  void version;
  const report = await bridge.diagnose();
  for (const check of report.checks) {
    const status: "ok" | "warn" | "fail" = check.status;
    const fix: string | null = check.fix;
    void [check.id === "cc.rest", check.detail, status, fix];
  }
  void [report.versions.widget, report.versions.dropIn, report.versions.protocol, report.at];
  const entries = await bridge.logs({ since: Date.now() - 60000, level: "warn" });
  for (const entry of entries) void [entry.at, entry.level === "error", entry.source, entry.message];
  await bridge.logs();
  const bundle: string = await bridge.exportLogs();
  void bundle.split("\n");
  bridge.dispose();
}
void example;

// The logger and the <cti-bridge> element (issue 8).
import CtiBridgeElementClass from "../www/cti-bridge-element";

function elementExample(): void {
  CtiBridge.setLogLevel("debug");
  const level: "debug" | "info" | "warn" | "error" | "silent" = CtiBridge.getLogLevel();
  void level;
  void CtiBridge.redact({ phone: "0612345678" });
  void connect({ widgetUrl: "https://w.example", container: "#x", logger: (lvl, message, detail) => void [lvl, message, detail], redact: true });
  void connect({ widgetUrl: "https://w.example", container: "#x", logger: console });
  const el = document.querySelector("cti-bridge");
  if (!el) return;
  el.addEventListener("cti-bridge:event", (e) => void e);
  void el.bridge?.hostStats().connected;
  void el.setAgentState("notReady", "lunch").then((c) => c.status);
  void el.setPresence("ready");
  void el.ready;
  const made = new CtiBridgeElementClass();
  void made.snapshot;
}
void elementExample;

// The widget's own contact centre: credentials asked of the host, typed commands, health, trace.
export async function contactCentreUsage(): Promise<void> {
  const bridge = await connect({
    widgetUrl: "https://widget.example.com/widget.html?config=xuc",
    container: "#cti",
    contactCentre: { credentials: async (what) => (what === "token" ? "t" : { login: "a", password: "p" }) },
  });
  const sent: { sent: string } = await bridge.ccCommand("loginAgent", "1000", 19);
  bridge.on("ccHealth", (h) => {
    const state: CcHealthState = h.state;
    const fault: CcFault | undefined = h.fault;
    console.log(state, h.reason, h.source, sent.sent, fault === "badCredentials", h.code === "cc.auth", h.fix?.length);
  });
  bridge.on("trace", (t: TraceEntry) => console.log(t.dir, t.peer, t.type, t.dropped ?? ""));
  const { diagnostics } = await bridge.snapshot();
  console.log(diagnostics.contactCentre?.health?.state);
}

// Gaps, the channel's numbering and liveness.
export async function resumptionUsage(): Promise<void> {
  const bridge = await connect({ widgetUrl: "https://widget.example.com/widget.html", container: "#cti", liveness: { intervalMs: 1000, misses: 3 } });
  bridge.on("gap", (g) => console.log(`missed ${g.from}..${g.to}`));
  bridge.on("agentState", (e) => console.log(e.channelSeq, e.seq));
  bridge.on("health", (h) => console.log(h.status, h.dropped.malformed));
  console.log(bridge.hostStats().reloads);
}

// Multi-tab: this tab's part, and its changes.
export async function tabsUsage(): Promise<void> {
  const bridge = await connect({ widgetUrl: "https://widget.example.com/widget.html", container: "#cti" });
  const info = bridge.tabs();
  if (info) console.log(info.role === "leader" ? "leads" : "follows", info.count, info.leaderSince ?? "unknown");
  bridge.on("tabs", (t) => console.log(t.role, t.count, t.leaderSince, t.channelSeq));
  bridge.on("gap", (g) => console.log("scope" in g ? g.scope : "outbox", g.from, g.to));
}
