// A hostile frame: it forges every kind of message at the widget (its
// sibling, frames[0]) and at the host page, then reports how many it sent.
const widget = parent.frames[0];
const N = 25;
let sent = 0;
const forged = [
  { type: "ClientAppMessage", action: "omnichannelResponse", data: { statusId: "Hacked", success: true } },
  { type: "ClientAppMessage", action: "ready", data: {} },
  { cti: "connect", v: 1, lastSeq: 0 },
  { __proto__: { polluted: true }, type: "ClientAppMessage", action: "crmData", data: {} },
];
for (let i = 0; i < N; i++) {
  for (const message of forged) {
    if (message.cti === "connect") {
      const channel = new MessageChannel();
      widget.postMessage(message, "*", [channel.port2]);
    } else {
      widget.postMessage(message, "*");
    }
    sent++;
  }
  // At the host page too: a fake widget hello and a fake port message.
  parent.postMessage({ cti: "hello", v: 1 }, "*");
  parent.postMessage({ t: "event", seq: 999999, event: { kind: "presence", name: "Hacked" } }, "*");
  sent += 2;
}
parent.postMessage({ forgerDone: true, origin: location.origin, sent }, "*");
