/*
 * TEST DOUBLE of xuc's own client library `cti.js` (XiVO, published with
 * xucserver, see docs/protocols.md#xuc-heartbeat) — NOT the real script, and
 * no code of it: written here from the facts listed in docs/protocols.md.
 *
 * What it does as the real library does (the facts):
 * - `Cti.WebSocket.init(wsurl, username, phoneNumber)` opens the CTI socket;
 *   the client sends nothing when it opens: the server speaks first
 *   (`LoggedOn`, `RightProfile` ...).
 * - On open it publishes `LinkStatusUpdate` `{status: "opened"}` to the page
 *   (a page-side event, not a frame from the server), and starts its
 *   heartbeat: every period (5 s) it closes the link if three heartbeats in a
 *   row went out with no frame at all received since, and otherwise sends
 *   `{"claz":"ping"}` and counts it. Any frame received resets the count. So a
 *   server silent for three periods loses the client at the fourth tick
 *   ("Too many missed heartbeats").
 * - On close (its own or the server's) it stops the heartbeat and publishes
 *   `LinkStatusUpdate` `{status: "closed"}`.
 * - Frames are JSON `{msgType, ctiMessage}`; the `ctiMessage` goes to the
 *   handlers set for `msgType` (`Cti.setHandler`). A frame that is not JSON
 *   throws, as the real library does.
 * - Commands are `{claz: "web", command, ...arguments}` with cti.js's names.
 *
 * Stricter than the real thing (never more lenient): a command sent before
 * `init`, or while the socket is not open, throws instead of being dropped.
 *
 * Test control: window.xucCtiTest
 *   .sent              every frame sent, parsed
 *   .received          every frame received, parsed
 *   .linkStatus        every LinkStatusUpdate status published, in order
 *   .closedBy          "client" (missed heartbeats) or "server", once closed
 *   .closeReason       why the client closed ("Too many missed heartbeats.")
 *   .missed()          heartbeats in a row without a frame received
 *   .lastFrameAt       performance.now() of the last frame received
 *   .readyState()      the socket's readyState (or -1 before init)
 * and Cti.WebSocket.pingIntervalMs (5000) may be set before init, so that
 * tests can run the same rule with short periods.
 */
(function () {
  "use strict";

  var handlers = {};
  var link = null;
  var control = {
    sent: [],
    received: [],
    linkStatus: [],
    closedBy: null,
    closeReason: null,
    lastFrameAt: null,
    missed: function () { return link ? link.missed : 0; },
    readyState: function () { return link ? link.socket.readyState : -1; },
  };

  function publish(type, payload) {
    (handlers[type] || []).slice().forEach(function (handler) { handler(payload); });
  }

  function linkStatus(status) {
    control.linkStatus.push(status);
    publish("LinkStatusUpdate", { status: status });
  }

  function send(message) {
    if (!link) throw new Error("xuc cti stand-in: send before Cti.WebSocket.init");
    if (link.socket.readyState !== 1) {
      throw new Error("xuc cti stand-in: the CTI socket is not open (readyState " + link.socket.readyState + ")");
    }
    control.sent.push(JSON.parse(JSON.stringify(message)));
    link.socket.send(JSON.stringify(message));
  }

  function web(command, args) {
    var message = { claz: "web", command: command };
    Object.keys(args || {}).forEach(function (key) {
      if (args[key] !== undefined) message[key] = args[key];
    });
    send(message);
  }

  function stopHeartbeat(current) {
    if (current.timer !== null) {
      clearInterval(current.timer);
      current.timer = null;
    }
  }

  function closed(current, by) {
    if (current.closed) return;
    current.closed = true;
    stopHeartbeat(current);
    if (control.closedBy === null) control.closedBy = by;
    linkStatus("closed");
  }

  function open(wsurl, WSClass) {
    var WS = WSClass || window.WebSocket;
    var current = { socket: new WS(wsurl), timer: null, missed: 0, closed: false };
    link = current;
    control.closedBy = null;
    control.closeReason = null;
    var period = Cti.WebSocket.pingIntervalMs;
    current.socket.onopen = function () {
      linkStatus("opened");
      current.missed = 0;
      current.timer = setInterval(function () {
        if (current.missed >= 3) {
          control.closeReason = "Too many missed heartbeats.";
          current.socket.close();
          closed(current, "client");
          return;
        }
        send({ claz: "ping" });
        current.missed += 1;
      }, period);
    };
    current.socket.onmessage = function (event) {
      current.missed = 0;
      control.lastFrameAt = performance.now();
      var message;
      try {
        message = JSON.parse(event.data);
      } catch {
        throw new TypeError("xuc cti stand-in: a frame that is not JSON: " + String(event.data).slice(0, 80));
      }
      control.received.push(message);
      publish(message.msgType, message.ctiMessage);
    };
    current.socket.onclose = function () { closed(current, "server"); };
    current.socket.onerror = function () { /* the close follows */ };
  }

  var Cti = {
    MessageType: {
      ERROR: "Error",
      LOGGEDON: "LoggedOn",
      LINKSTATUSUPDATE: "LinkStatusUpdate",
      RIGHTPROFILE: "RightProfile",
      AGENTSTATEEVENT: "AgentStateEvent",
      AGENTCONFIG: "AgentConfig",
      AGENTDIRECTORY: "AgentDirectory",
      AGENTERROR: "AgentError",
      PHONEEVENT: "PhoneEvent",
      QUEUEMEMBER: "QueueMember",
      SHEET: "Sheet",
    },
    setHandler: function (type, handler) {
      if (typeof handler !== "function") throw new TypeError("setHandler: a function is required");
      var list = handlers[type] || (handlers[type] = []);
      if (list.indexOf(handler) < 0) list.push(handler);
    },
    unsetHandler: function (type, handler) {
      handlers[type] = (handlers[type] || []).filter(function (h) { return h !== handler; });
    },
    clearHandlers: function () { handlers = {}; },
    close: function () {
      if (link) link.socket.close();
    },
    loginAgent: function (agentPhoneNumber, agentId) {
      web("agentLogin", { agentphonenumber: agentPhoneNumber, agentid: agentId });
    },
    logoutAgent: function (agentId) { web("agentLogout", { agentid: agentId }); },
    pauseAgent: function (agentId, reason) { web("pauseAgent", { agentid: agentId, reason: reason }); },
    unpauseAgent: function (agentId) { web("unpauseAgent", { agentid: agentId }); },
    dial: function (destination, variables) { web("dial", { destination: destination, variables: variables }); },
    answer: function (uniqueId) { web("answer", { uniqueId: uniqueId || undefined }); },
    hangup: function (uniqueId) { web("hangup", { uniqueId: uniqueId || undefined }); },
    hold: function (uniqueId) { web("hold", { uniqueId: uniqueId || undefined }); },
    getAgentDirectory: function () { web("getAgentDirectory"); },
    subscribeToAgentStats: function () { web("subscribeToAgentStats"); },
    WebSocket: {
      pingIntervalMs: 5000,
      init: function (wsurl, username, phoneNumber, WSClass) {
        if (typeof wsurl !== "string" || !/^wss?:\/\//.test(wsurl)) {
          throw new TypeError("Cti.WebSocket.init: a ws:// or wss:// URL is required");
        }
        Cti.username = username;
        Cti.agentNumber = phoneNumber;
        open(wsurl, WSClass);
      },
    },
  };

  window.Cti = Cti;
  window.xucCtiTest = control;
})();
