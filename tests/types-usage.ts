// Compile-only check (tsc --noEmit) that the declarations describe the API as used.
import CtiBridge, { connect, type Bridge, type BridgeEvent } from "../www/cti-bridge";

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
  bridge.dispose();
}
void example;
