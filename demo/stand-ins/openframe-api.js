/*
 * TEST DOUBLE of ServiceNow's openFrameAPI — NOT the real vendor script.
 *
 * In a real ServiceNow OpenFrame panel the page loads ServiceNow's library from
 * the instance (https://<instance>/scripts/openframe/latest/openFrameAPI.min.js).
 * This stand-in has exactly the documented method names and AWA event shapes
 * (docs/protocols.md#openframe) so the demo and the browser tests run without an
 * instance. The values of openFrameAPI.EVENTS / FRAME_MODE are placeholders:
 * code must use the constants, never the strings.
 *
 * Test control: window.openFrameTest
 *   .calls                      every call made to openFrameAPI: {method, args}
 *   .emit(eventName, payload)   runs the handlers subscribed to an AWA event name
 *   .communication(event)       runs the COMMUNICATION_EVENT handlers (click-to-dial)
 *   .subscribed(name)           how many handlers a name has
 *   init behaviour: ?openframe-init=ok (default) | fail | hang in the page URL
 */
(function () {
  "use strict";
  var MAX_STRING = 256;
  var MAX_URL = 2083;
  var MAX_PAYLOAD = 4400;
  var AWA_EVENTS = [
    "openframe_awa_agent_presence",
    "openframe_awa_workitem_offered",
    "openframe_awa_workitem_accepted",
    "openframe_awa_workitem_rejected",
    "openframe_agent_off_interaction",
  ];
  var EVENTS = {
    HEADER_ICON_CLICKED: "openframe_header_icon_clicked",
    OPENFRAME_SHOWN: "openframe_shown",
    OPENFRAME_HIDDEN: "openframe_hidden",
    OPENFRAME_BEFORE_DESTROY: "openframe_before_destroy",
    COMMUNICATION_EVENT: "openframe_communication_event",
    COMMUNICATION_FAILURE: "openframe_communication_failure",
    EXPAND: "openframe_expand",
    COLLAPSE: "openframe_collapse",
  };
  var known = AWA_EVENTS.concat(Object.keys(EVENTS).map(function (k) { return EVENTS[k]; }));
  var handlers = {};
  var calls = [];
  var initialized = false;
  var visible = false;

  function record(method, args) {
    calls.push({ method: method, args: JSON.parse(JSON.stringify(Array.prototype.slice.call(args))) });
  }
  function checkString(name, value) {
    if (typeof value === "string" && value.length > MAX_STRING) {
      throw new Error(name + " longer than " + MAX_STRING + " characters");
    }
  }
  function checkPayload(args) {
    if (JSON.stringify(Array.prototype.slice.call(args)).length > MAX_PAYLOAD) {
      throw new Error("payload longer than " + MAX_PAYLOAD + " characters");
    }
  }
  function needInit() {
    if (!initialized) throw new Error("openFrameAPI: init must be called first");
  }

  var api = {
    EVENTS: EVENTS,
    FRAME_MODE: { EXPAND: "expand", COLLAPSE: "collapse" },
    init: function (config, onSuccess, onFailure) {
      record("init", [config]);
      var mode = new URLSearchParams(location.search).get("openframe-init") || "ok";
      setTimeout(function () {
        if (mode === "ok") {
          initialized = true;
          if (onSuccess) onSuccess({ config: config });
        } else if (mode === "fail") {
          if (onFailure) onFailure("OpenFrame configuration not found");
        }
        // "hang": neither callback, like an instance that never answers.
      }, 10);
    },
    version: function () { record("version", arguments); return "stand-in"; },
    subscribe: function (eventName, handler) {
      record("subscribe", [eventName]);
      if (known.indexOf(eventName) < 0) throw new Error("openFrameAPI: unknown event " + eventName);
      (handlers[eventName] = handlers[eventName] || []).push(handler);
    },
    show: function () { record("show", arguments); needInit(); visible = true; },
    hide: function () { record("hide", arguments); needInit(); visible = false; },
    isVisible: function (cb) { record("isVisible", []); cb(visible); },
    setTitle: function (t) { record("setTitle", arguments); checkString("title", t); },
    setSubtitle: function (t) { record("setSubtitle", arguments); checkString("subtitle", t); },
    setSize: function () { record("setSize", arguments); },
    setWidth: function () { record("setWidth", arguments); },
    setHeight: function () { record("setHeight", arguments); },
    setIcons: function () { record("setIcons", arguments); checkPayload(arguments); },
    setTitleIcon: function () { record("setTitleIcon", arguments); checkPayload(arguments); },
    openServiceNowForm: function (details) {
      record("openServiceNowForm", arguments);
      needInit();
      checkPayload(arguments);
      checkString("entity", details && details.entity);
      checkString("query", details && details.query);
    },
    openServiceNowList: function (details) {
      record("openServiceNowList", arguments);
      checkPayload(arguments);
      checkString("entity", details && details.entity);
      checkString("query", details && details.query);
    },
    openCustomURL: function (url) {
      record("openCustomURL", arguments);
      if (typeof url !== "string" || url.length > MAX_URL || url.charAt(0) !== "/") {
        throw new Error("openCustomURL: relative URL of at most " + MAX_URL + " characters expected");
      }
    },
    openInteraction: function () { record("openInteraction", arguments); },
    setFrameMode: function () { record("setFrameMode", arguments); },
    setPresenceIndicator: function (text, color) {
      record("setPresenceIndicator", arguments);
      needInit();
      checkString("text", text);
      if (["green", "red", "orange", "grey"].indexOf(color) < 0) throw new Error("unknown color " + color);
    },
    getAWAAgentPresence: function (ok) { record("getAWAAgentPresence", []); if (ok) ok({}); },
  };

  window.openFrameAPI = api;
  window.openFrameTest = {
    calls: calls,
    emit: function (eventName, payload) {
      (handlers[eventName] || []).slice().forEach(function (h) { h(payload); });
    },
    communication: function (event) {
      (handlers[EVENTS.COMMUNICATION_EVENT] || []).slice().forEach(function (h) { h(event); });
    },
    subscribed: function (name) { return (handlers[name] || []).length; },
    names: function (method) {
      return calls.filter(function (c) { return !method || c.method === method; });
    },
  };
})();
