/*
 * TEST DOUBLE of the AgentDesktop widget SDK (Enghouse Interactive Italy,
 * formerly Reitek) — NOT the real vendor script.
 *
 * AgentDesktop loads a widget page into its desktop and the page loads the
 * AgentDesktop SDK, which defines window.AGENTDESKTOP. This stand-in has the
 * documented namespaces (TAB, ALERT, WIDGET, CONTACT, AGENT, CHAT, UI), the
 * known method names and the documented event object shape (docs/protocols.md#agentdesktop)
 * ({event, id, uuid, type, media_type, ani, dnis, isACD, CallData: [{name, value}] ...}).
 * AGENT.Ready / AGENT.Pause, ALERT.Show and CHAT.SendMessage are ASSUMED
 * names: the vendor documents those namespaces, not their methods
 * (docs/protocols.md#unconfirmed); the bridge checks at start-up that the SDK
 * on the page has them (?agentdesktop-omit=AGENT.Ready,... leaves them out here).
 *
 * Test control: window.agentDesktopTest
 *   .calls            every SDK call: {path: "AGENT.Pause", args}
 *   .emit(event)      delivers an event object to the bound contact callbacks
 *   .bound()          how many contact callbacks are bound
 *   .echoAgentState   when true (default), AGENT.Ready / Pause answer with
 *                     LOGGEDIN / PAUSE (or "PAUSESUBSTATE [code]") shortly after
 *   .callbackStyle    how callbacks are called: "object" (default, the documented
 *                     event object), "jquery" ((eventType, object), as the vendor's
 *                     CT toolbar SDK does) or "json" ((eventType, JSON text))
 */
(function () {
  "use strict";
  var calls = [];
  var callbacks = [];
  var control;

  function record(path, args) {
    calls.push({ path: path, args: JSON.parse(JSON.stringify(Array.prototype.slice.call(args))) });
  }
  function emit(event) {
    callbacks.slice().forEach(function (cb) {
      if (control.callbackStyle === "jquery") cb("contactEvent", event);
      else if (control.callbackStyle === "json") cb("contactEvent", JSON.stringify(event));
      else cb(event);
    });
  }
  function later(event) {
    if (control.echoAgentState) setTimeout(function () { emit(event); }, 20);
  }
  function fn(path, body) {
    return function () {
      record(path, arguments);
      return body ? body.apply(null, arguments) : undefined;
    };
  }

  window.AGENTDESKTOP = {
    TAB: {},
    ALERT: { Show: fn("ALERT.Show") },
    WIDGET: {
      getToken: fn("WIDGET.getToken", function () { return "stand-in-token"; }),
      getTokenOneShot: fn("WIDGET.getTokenOneShot", function () { return "stand-in-one-shot"; }),
      getContainerID: fn("WIDGET.getContainerID", function () { return "stand-in-container"; }),
      bindContactCallback: fn("WIDGET.bindContactCallback", function (cb) {
        if (typeof cb !== "function") throw new Error("bindContactCallback: function expected");
        callbacks.push(cb);
      }),
      unbindContactCallback: fn("WIDGET.unbindContactCallback", function (cb) {
        callbacks = callbacks.filter(function (c) { return c !== cb; });
      }),
    },
    CONTACT: {
      MakeCall: fn("CONTACT.MakeCall"),
      Hangup: fn("CONTACT.Hangup"),
      HangupByContactID: fn("CONTACT.HangupByContactID"),
      Hold: fn("CONTACT.Hold"),
      Answer: fn("CONTACT.Answer"),
      OfflineEnd: fn("CONTACT.OfflineEnd"),
      OfflineEnable: fn("CONTACT.OfflineEnable"),
      SetCallData: fn("CONTACT.SetCallData"),
      StartRecording: fn("CONTACT.StartRecording"),
      StopRecording: fn("CONTACT.StopRecording"),
    },
    AGENT: {
      Ready: fn("AGENT.Ready", function () { later({ event: "LOGGEDIN" }); }),
      Pause: fn("AGENT.Pause", function (code) {
        later({ event: code ? "PAUSESUBSTATE [" + code + "]" : "PAUSE" });
      }),
    },
    CHAT: { SendMessage: fn("CHAT.SendMessage") },
    UI: {},
  };
  new URLSearchParams(location.search).get("agentdesktop-omit")?.split(",").forEach(function (path) {
    var parts = path.split(".");
    var ns = window.AGENTDESKTOP[parts[0]];
    if (ns && parts[1]) delete ns[parts[1]];
  });

  control = window.agentDesktopTest = {
    calls: calls,
    emit: emit,
    bound: function () { return callbacks.length; },
    echoAgentState: true,
    callbackStyle: "object",
    paths: function (path) {
      return calls.filter(function (c) { return !path || c.path === path; });
    },
  };
})();
