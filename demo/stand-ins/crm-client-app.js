/*
 * TEST DOUBLE of a customer's "Client Application" for Avaya's CRM Connector
 * (Avaya Workspaces for CRM) — NOT vendor code. Written from the documented
 * behaviour (docs/protocols.md#crm-connector), it behaves like the published
 * ones: it embeds the connector frame, speaks only when spoken to, checks
 * event.origin AND event.source, posts with the exact target origin (never
 * "*"), and reads the fields the real ones read (so a message that lacks them
 * fails here as it fails there).
 *
 * Page: demo/stand-ins/crm-client-app.html?connector=<URL>[&...]
 *   connector        (required) URL of the connector frame (the widget in frame
 *                    mode). Loaded in <iframe id="crmConnectIframeId">; its
 *                    origin is the only origin listened to and posted to.
 *   connectorOrigin  (optional) the connector's origin when it differs from
 *                    the URL's (e.g. after a redirect). Must be an exact origin.
 *   mode             (optional) CCDef omnichannel mode sent in crmData: S | C (default S).
 *   crm              (optional) capabilities.name in crmData (default "Stand-in CRM").
 *   userId, userName (optional) currentUser.Id / Name in crmData (default "u-1", "Jane Agent").
 *   presence         (optional) the CRM presence before any request (default "Busy").
 *
 * Test control: window.clientApp
 *   .log                 every message received from the connector, in order:
 *                        {action, data, at} (data as posted; absent data is undefined)
 *   .rejected            messages refused: {origin, reason, data}
 *   .sent                every message posted: {type, action, data}
 *   .errors              what failed, as a real Client Application would have
 *                        thrown: {action, message}
 *   .state               {ready, clickToDialEnabled, presence, screenPops: [ani],
 *                         navigations: [recordId], reportsOpened, savedLogs: [record]}
 *   .clickToDial(number, record?)  the agent clicks a number in the CRM: posts
 *                        clickToDialResponse in Avaya's documented shape;
 *                        false (nothing sent) while click-to-dial is not enabled
 *                        or the handshake has not happened
 *   .setPresence(statusId)  the CRM user presence changes: posts omnichannelResponse
 *   .error(text)         posts displayErrorNotification in the documented shape
 *   .connectorOrigin     the origin listened to and posted to
 */
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.search);
  var connectorUrl = params.get("connector");
  var connectorOrigin = null;
  try {
    connectorOrigin = new URL(params.get("connectorOrigin") || connectorUrl).origin;
  } catch {
    connectorOrigin = null;
  }
  var mode = (params.get("mode") || "S").toUpperCase() === "C" ? "C" : "S";
  var crmName = params.get("crm") || "Stand-in CRM";
  var userId = params.get("userId") || "u-1";
  var userName = params.get("userName") || "Jane Agent";

  var app = {
    log: [],
    rejected: [],
    sent: [],
    errors: [],
    connectorOrigin: connectorOrigin,
    state: {
      ready: false,
      clickToDialEnabled: false,
      presence: params.get("presence") || "Busy",
      screenPops: [],
      navigations: [],
      reportsOpened: 0,
      savedLogs: [],
    },
  };
  window.clientApp = app;

  var status = document.getElementById("status");
  function show(text) {
    if (status) {
      status.textContent = text;
    }
  }

  if (!connectorUrl || !connectorOrigin || connectorOrigin === "null") {
    show("Missing or invalid ?connector=<URL>");
    return;
  }

  var frame = document.createElement("iframe");
  frame.id = "crmConnectIframeId";
  frame.src = connectorUrl;
  frame.width = "360";
  frame.height = "640";
  frame.allow = "camera; microphone";
  frame.title = "CRM Connector";
  document.body.appendChild(frame);

  var DIRECTORY = [
    { id: "381226748", name: "Jane Doe", phone: "+14155550123", email: "jane.doe@example.com" },
    { id: "381226749", name: "John Roe", phone: "+14155550188", email: "john.roe@example.com" },
  ];

  function publish(action, data) {
    var msg = { type: "ClientAppMessage", action: action, data: data === undefined ? {} : data };
    app.sent.push(msg);
    frame.contentWindow.postMessage(msg, connectorOrigin);
  }

  function fail(action, message) {
    app.errors.push({ action: action, message: message });
    show("Error on " + action + ": " + message);
  }

  // The log record a Client Application composes (Avaya's sample reads these
  // fields; a missing `interaction` or `logDetails.customFields` throws there).
  function composeLog(data) {
    var body = data.message.body;
    if (!body || !body.interactionId || !body.interactionData) {
      throw new TypeError("message.body.interactionId / interactionData missing");
    }
    var details = body.interactionData;
    if (!details.interaction || typeof details.interaction !== "object") {
      throw new TypeError("interactionData.interaction missing");
    }
    if (!details.logDetails || !Array.isArray(details.logDetails.customFields)) {
      throw new TypeError("interactionData.logDetails.customFields missing");
    }
    var intrinsics = details.interaction.intrinsics || {};
    var fields = {
      interaction_type: details.logDetails.subject,
      caller: details.updatedOriginatingAddress,
      called: details.updatedDestinationAddress,
      start_time: intrinsics.START_TIME,
      start_date: intrinsics.START_DATE,
      topic: details.interaction.topic,
      comments: details.logDetails.comments,
    };
    details.logDetails.customFields.forEach(function (f) {
      fields[f.logFieldName] = f.currentValue;
    });
    return { external_id: body.interactionId, fields: fields };
  }

  var handlers = {
    ready: function () {
      app.state.ready = true;
      publish("ready");
      show("Connected to " + connectorOrigin);
    },
    requestCrmData: function () {
      publish("crmData", {
        callCenterSettings: {
          ReqGeneralInfo: { reqInternalName: "StandInClientApp", reqDisplayName: crmName },
          reqOmnichannel: { reqOmnichannelMode: mode },
        },
        currentUser: {
          attributes: { type: "agent" },
          Name: userName,
          Username: "jane.agent@example.com",
          Id: userId,
          LanguageLocaleKey: "en_US",
        },
        capabilities: { directoryAvailable: true, name: crmName, reloadsOnNavigation: false },
      });
    },
    requestGetCrmDirectory: function () {
      publish("crmDirectory", { count: String(DIRECTORY.length), results: DIRECTORY });
    },
    requestEnableClickToDial: function (data) {
      app.state.clickToDialEnabled = Boolean(data.isEnabled);
    },
    requestNavigateToClickToDialResult: function (data) {
      app.state.navigations.push(data.recordId);
    },
    requestPerformInteractionScreenPop: function (data) {
      if (!data || !data.aniValues) {
        return;
      }
      app.state.screenPops.push(data.aniValues[0] || data.aniValues[1]);
    },
    requestOpenReports: function () {
      app.state.reportsOpened += 1;
    },
    requestSaveInteractionLog: function (data) {
      var record = composeLog(data);
      if (record.fields.caller === undefined) {
        fail("requestSaveInteractionLog", "interactionData.updatedOriginatingAddress missing");
      }
      app.state.savedLogs.push(record);
      var reply = Object.assign({}, data, {
        logParameters: record.fields,
        msgData: { message: data.message, header: data.header },
      });
      publish("createHistoryItem", { taskId: record.external_id, data: reply });
    },
    requestCustomFieldsValues: function (data) {
      var voice = {};
      var digital = {};
      var describe = function (into) {
        return function (name) {
          if (name !== "") {
            into[name] = { customFieldInfo: { customFieldType: "STRING", customFieldLabel: name } };
          }
        };
      };
      data.object.voice.forEach(describe(voice));
      data.object.digital.forEach(describe(digital));
      // The documented response is a JSON *string*.
      publish("customFieldsDataResponse", JSON.stringify({ digital: digital, voice: voice }));
    },
    requestSyncOmnichannel: function (data) {
      if (!data) {
        return;
      }
      app.state.presence = data.statusId.split(";")[0];
      // The CRM's presence listener reports the change it made.
      publish("omnichannelResponse", { statusId: app.state.presence, success: true });
    },
  };

  window.addEventListener("message", function (event) {
    if (event.origin !== connectorOrigin) {
      app.rejected.push({ origin: event.origin, reason: "origin", data: event.data });
      return;
    }
    if (event.source !== frame.contentWindow) {
      app.rejected.push({ origin: event.origin, reason: "source", data: event.data });
      return;
    }
    var msg = event.data;
    if (!msg || typeof msg !== "object" || msg.type !== "CRMConnectMessage") {
      app.rejected.push({ origin: event.origin, reason: "type", data: msg });
      return;
    }
    app.log.push({ action: msg.action, data: msg.data, at: Date.now() });
    var handler = Object.prototype.hasOwnProperty.call(handlers, msg.action) ? handlers[msg.action] : null;
    if (!handler) {
      return;
    }
    try {
      handler(msg.data);
    } catch (e) {
      fail(msg.action, e && e.message ? e.message : String(e));
    }
  });

  app.clickToDial = function (number, record) {
    if (!app.state.ready || !app.state.clickToDialEnabled) {
      return false;
    }
    var result = {
      number: number,
      objectType: "End User",
      recordId: (record && record.id) || DIRECTORY[0].id,
      recordName: (record && record.name) || DIRECTORY[0].name,
      email: (record && record.email) || DIRECTORY[0].email,
      url: "https://crm.example.com/users/" + ((record && record.id) || DIRECTORY[0].id),
    };
    publish("clickToDialResponse", {
      onClickToDialResponse: result,
      clickToDialLogDetails: { id: result.recordId, name: result.recordName, personAccount: true, type: result.objectType },
      softphoneItems: [],
      doNotCall: false,
      crmEmails: result.email,
      crmPhones: [result.number],
      nameObjects: null,
      relatedToObjects: [{
        isName: false,
        isRelatedTo: true,
        pageInfo: { recordId: result.recordId, url: result.url, recordName: result.recordName, objectType: result.objectType },
      }],
      pageInfo: result,
    });
    return true;
  };

  app.setPresence = function (statusId) {
    app.state.presence = statusId;
    if (app.state.ready) {
      publish("omnichannelResponse", { statusId: statusId, success: true });
    }
  };

  app.error = function (text) {
    if (app.state.ready) {
      publish("displayErrorNotification", {
        type: "transient", severity: "ERROR", textArray: [text], title: crmName,
        dialogId: 1, persist: false, store: true,
      });
    }
  };

  show("Waiting for the connector at " + connectorOrigin);
})();
