// Bench echo frame (widget origin): sends every window message straight back to
// its sender, and every message on a transferred MessagePort back on that port.
"use strict";
window.addEventListener("message", function (event) {
  if (event.data && event.data.port === true && event.ports[0]) {
    var port = event.ports[0];
    port.onmessage = function (e) { port.postMessage(e.data); };
    port.postMessage("port-ready");
    return;
  }
  event.source.postMessage(event.data, event.origin);
});
parent.postMessage("echo-ready", "*");
