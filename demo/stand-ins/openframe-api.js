/*
 * TEST DOUBLE of ServiceNow's openFrameAPI — NOT the real vendor script.
 *
 * In a real ServiceNow OpenFrame panel the page loads ServiceNow's library from
 * the instance (https://<instance>/scripts/openframe/latest/openFrameAPI.min.js).
 * This stand-in follows what public sources confirm (docs/protocols.md#openframe):
 * the constants of the library itself (openFrameAPI 1.0.5: EVENTS, FRAME_MODE,
 * INDICATOR_COLORS, their string values), its validations and their messages
 * (subscribe throws for a name it does not know, setPresenceIndicator for an
 * unknown colour, openServiceNowForm for a redirecting query, openCustomURL for
 * an absolute URL, strings over 256 characters; a message over 4,400
 * characters is not sent and COMMUNICATION_FAILURE fires instead), init failing
 * after 3 s without an answer, and the AWA event names and payload shapes of the
 * openFrameAPI reference. Stricter than the library on one point, as its
 * reference says: init must come first.
 *
 * Test control: window.openFrameTest
 *   .calls                      every call made to openFrameAPI: {method, args}
 *   .emit(eventName, payload)   runs the handlers subscribed to an event name
 *   .communication(event)       runs the COMMUNICATION_EVENT handlers (click-to-dial)
 *   .subscribed(name)           how many handlers a name has
 *   init behaviour: ?openframe-init=ok (default) | fail | hang in the page URL
 *   ?openframe-omit=setPresenceIndicator   leaves a method out (an older library)
 */
(function () {
  "use strict";
  var MAX_STRING = 256;
  var MAX_URL = 2083;
  var MAX_PAYLOAD = 4400;
  var INIT_TIMEOUT_MS = 3000;
  // openFrameAPI 1.0.5 (the library's own constants).
  var EVENTS = {
    HEADER_ICON_CLICKED: "openframe_header_icon_clicked",
    ICON_CLICKED: "openframe_icon_clicked",
    TITLE_ICON_CLICKED: "openframe_title_icon_clicked",
    OPENFRAME_SHOWN: "openframe_shown",
    OPENFRAME_HIDDEN: "openframe_hidden",
    OPENFRAME_BEFORE_DESTROY: "openframe_before_destroy",
    COMMUNICATION_EVENT: "openframe_communication",
    COMMUNICATION_FAILURE: "openframe_communication_failure",
    EXPAND: "openframe_expand",
    COLLAPSE: "openframe_collapse",
  };
  var FRAME_MODE = { EXPAND: "expand", COLLAPSE: "collapse" };
  var INDICATOR_COLORS = { GREEN: "green", RED: "red", ORANGE: "orange", GREY: "grey" };
  // The other names the openFrameAPI reference lists for subscribe (AWA and later releases).
  var DOCUMENTED = [
    "openframe_awa_agent_presence",
    "openframe_awa_workitem_offered",
    "openframe_awa_workitem_accepted",
    "openframe_awa_workitem_rejected",
    "openframe_agent_off_interaction",
    "openframe_awa_client_offer",
    "openframe_heart_beat",
    "openframe_wrap_up_submitted",
    "interaction_control_action",
  ];
  function values(o) { return Object.keys(o).map(function (k) { return o[k]; }); }
  var known = values(EVENTS).concat(DOCUMENTED);
  var params = new URLSearchParams(location.search);
  var omitted = (params.get("openframe-omit") || "").split(",").filter(Boolean);
  var handlers = {};
  var calls = [];
  var initialized = false;
  var visible = false;

  function record(method, args) {
    calls.push({ method: method, args: JSON.parse(JSON.stringify(Array.prototype.slice.call(args))) });
  }
  function fail(message) { throw message; }
  function checkString(value, max) {
    if (typeof value !== "string") fail("Input is incorrect. Only string is supported");
    if (value.length > (max || MAX_STRING)) fail("Length cannot be more than " + (max || MAX_STRING));
  }
  function checkObject(value) {
    if (value === null || typeof value !== "object") fail("Input is incorrect. Only object is supported");
  }
  function emit(name, payload) {
    (handlers[name] || []).slice().forEach(function (h) { h(payload); });
  }
  // The library serializes every message; one over 4,400 characters is not
  // sent and COMMUNICATION_FAILURE handlers are told instead (no throw).
  function publish(args) {
    if (JSON.stringify(Array.prototype.slice.call(args)).length > MAX_PAYLOAD) {
      emit(EVENTS.COMMUNICATION_FAILURE, "Message payload exceeds the supported limit");
      return false;
    }
    return true;
  }
  function needInit() {
    if (!initialized) fail("openFrameAPI: init must be called first");
  }

  var api = {
    EVENTS: EVENTS,
    FRAME_MODE: FRAME_MODE,
    INDICATOR_COLORS: INDICATOR_COLORS,
    init: function (config, onSuccess, onFailure) {
      record("init", [config]);
      var mode = params.get("openframe-init") || "ok";
      setTimeout(function () {
        if (mode === "ok") {
          initialized = true;
          if (onSuccess) onSuccess({ configuration: "", config: config });
        } else if (mode === "fail") {
          if (onFailure) onFailure("OpenFrame configuration not found");
        }
      }, 10);
      // "hang": no answer from the TopFrame; the library gives up after 3 s.
      if (mode === "hang") {
        setTimeout(function () { if (onFailure) onFailure("Openframe init request timed out"); }, INIT_TIMEOUT_MS);
      }
    },
    version: function () { record("version", arguments); return "1.0.5-stand-in"; },
    subscribe: function (eventName, handler) {
      record("subscribe", [eventName]);
      if (known.indexOf(eventName) < 0) fail(eventName + " is not a valid event for subscription");
      (handlers[eventName] = handlers[eventName] || []).push(handler);
    },
    show: function () { record("show", arguments); needInit(); visible = true; },
    hide: function () { record("hide", arguments); needInit(); visible = false; },
    isVisible: function (cb) { record("isVisible", []); cb(visible); },
    setTitle: function (t) { record("setTitle", arguments); checkString(t); },
    setSubtitle: function (t) { record("setSubtitle", arguments); checkString(t); },
    setSize: function () { record("setSize", arguments); },
    setWidth: function () { record("setWidth", arguments); },
    setHeight: function () { record("setHeight", arguments); },
    setIcons: function (icons) { record("setIcons", arguments); checkObject(icons); publish(arguments); },
    setTitleIcon: function (icon) { record("setTitleIcon", arguments); checkObject(icon); publish(arguments); },
    openServiceNowForm: function (details) {
      record("openServiceNowForm", arguments);
      needInit();
      checkObject(details);
      if (!details.query) return;
      if (/sysparm_stack|sysparm_goto_url/.test(details.query)) fail("Url query string cannot have redirects");
      publish(arguments);
    },
    openServiceNowList: function (details) {
      record("openServiceNowList", arguments);
      checkObject(details);
      if (!details.query) return;
      if (/sysparm_stack|sysparm_goto_url/.test(details.query)) fail("Url query string cannot have redirects");
      publish(arguments);
    },
    openCustomURL: function (url) {
      record("openCustomURL", arguments);
      checkString(url, MAX_URL);
      if (/^(?:[a-z]+:)?\/\//i.test(url)) fail("Custom url cannot be absolute");
      publish(arguments);
    },
    openInteraction: function () { record("openInteraction", arguments); },
    setFrameMode: function (mode) { record("setFrameMode", arguments); return values(FRAME_MODE).indexOf(mode) >= 0; },
    setPresenceIndicator: function (state, color) {
      record("setPresenceIndicator", arguments);
      needInit();
      if (values(INDICATOR_COLORS).indexOf(color) < 0) fail(color + " is not a valid color for presence indicator");
      publish(arguments);
    },
    getAWAAgentPresence: function (ok) { record("getAWAAgentPresence", []); if (ok) ok({ presence: {} }); },
  };
  omitted.forEach(function (name) { delete api[name]; });

  window.openFrameAPI = api;
  window.openFrameTest = {
    calls: calls,
    emit: emit,
    communication: function (event) { emit(EVENTS.COMMUNICATION_EVENT, event); },
    subscribed: function (name) { return (handlers[name] || []).length; },
    names: function (method) {
      return calls.filter(function (c) { return !method || c.method === method; });
    },
  };
})();
