// Bench reference (widget origin): penpal carrying already-normalized agentState events to the
// host, one remote call per event, the way a penpal-based bridge would deliver them.
/* global Penpal -- defined by penpal.min.js, a classic script the page loads first */
"use strict";
(function () {
  var host = new URLSearchParams(location.search).get("host");
  var remote = null;
  var event = function (i) {
    return { seq: i + 1, kind: "agentState", source: "xuc", state: i % 2 ? "notReady" : "ready", agentId: "19", vendorState: i % 2 ? "AgentOnPause" : "AgentReady", phoneNumber: "1000", queues: ["1"], data: { since: 0 } };
  };
  var connection = Penpal.connect({
    messenger: new Penpal.WindowMessenger({ remoteWindow: window.parent, allowedOrigins: [host] }),
    methods: {
      send: function (k) {
        var calls = [];
        for (var i = 0; i < k; i++) calls.push(remote.event(event(i)));
        return Promise.all(calls).then(function () { return k; });
      },
    },
  });
  connection.promise.then(function (r) { remote = r; });
})();
