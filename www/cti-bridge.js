/*! cti-bridge host script: drop it into a CRM page as a classic <script src> (defines
 * window.CtiBridge) or import it (see cti-bridge.mjs). It creates the widget iframe, runs the
 * handshake, then talks to the widget on a private MessagePort. A thin shell: decoding, the
 * sync engine and every decision live in the widget (Rust/wasm).
 */
(function (global) {
  "use strict";

  // Channel protocol: 2 carries bursts as one port message ({t: "batch", m: [...]}) both ways;
  // a version-1 widget gets (and sends) one message per post.
  var PROTOCOL_VERSION = 2;
  var BATCH_BYTES = 63 * 1024; // a batch stays under the widget's 64 KiB inbound limit
  var VERSION = "0.1.0"; // this drop-in script's version (bridge.diagnose() reports it)
  var MAX_BUFFERED = 1000; // events kept for kinds nobody listens to yet
  var MAX_TRACE_BUFFERED = 500; // trace entries kept until a "trace" handler is added
  var MAX_QUEUED = 1000; // host -> widget messages kept while (re)connecting
  var HELLO_GRACE_MS = 250; // a hello crossing our connect waits this long for its ready

  /** Milliseconds on a clock that never goes back. */
  function now() {
    return global.performance ? global.performance.now() : Date.now();
  }

  /** A typed error: `code` is one of timeout | refused | origin | disposed | aborted | rejected | notSupported | invalid | invalidParams | unknownMethod | forbidden. */
  function CtiBridgeError(code, message, detail) {
    var e = new Error(message);
    e.name = "CtiBridgeError";
    e.code = code;
    if (detail !== undefined) e.detail = detail;
    return e;
  }

  // ---- Logging: one logger with levels; phone numbers, names and tokens are redacted by default.

  var LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
  var logLevel = "warn";
  var NAME_FIELDS = /^(name|firstname|lastname|fullname|displayname|username|agentname|callername|customername|contactname|email)$/i;
  var SECRET_FIELDS = /^(token|accesstoken|refreshtoken|idtoken|password|secret|authorization|apikey|clientsecret|sessionid)$/i;
  var BEARER = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9\-._~+/=]+/gi;
  // JWTs, and long opaque strings mixing letters and digits (API keys, session ids).
  var TOKEN_LIKE = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)?|\b(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{24,}\b/g;
  // Six or more digits, optionally with the separators phone numbers use: keep the last two digits.
  // (No look-behind: the script must parse in older browsers; the prefix is captured instead.)
  var DIGITS = /(^|[^\d+(])(\+?\(?\d(?:[\d \-.()]*\d){5,})(?!\w)/g;

  function redactString(text) {
    return String(text)
      .replace(BEARER, "[redacted]")
      .replace(TOKEN_LIKE, "[redacted]")
      .replace(DIGITS, function (m, before, number) {
        var digits = number.replace(/\D/g, "");
        if (digits.length < 6) return m;
        return before + "*".repeat(digits.length - 2) + digits.slice(-2);
      });
  }

  /**
   * Returns a copy of `value` safe to log: digit runs of 6+ (phone numbers) keep their last two
   * digits, bearer / token-like strings and secret fields become "[redacted]", name fields too.
   */
  function redact(value, depth) {
    depth = depth || 0;
    if (value == null || typeof value === "number" || typeof value === "boolean") return value;
    if (typeof value === "string") return redactString(value);
    if (depth > 8) return "[deep]";
    // Errors (from any realm) log as name, code and a redacted message.
    if (value instanceof Error || (typeof value.message === "string" && typeof value.stack === "string")) {
      var copy = { name: value.name, message: redactString(value.message) };
      if (value.code) copy.code = value.code;
      return copy;
    }
    if (Array.isArray(value)) return value.map(function (v) { return redact(v, depth + 1); });
    if (typeof value === "object") {
      var out = {};
      for (var key in value) {
        if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
        var v = value[key];
        if (SECRET_FIELDS.test(key) && v != null) out[key] = "[redacted]";
        else if (NAME_FIELDS.test(key) && typeof v === "string") out[key] = "[redacted]";
        else out[key] = redact(v, depth + 1);
      }
      return out;
    }
    return "[" + typeof value + "]";
  }

  function setLogLevel(level) {
    if (!Object.prototype.hasOwnProperty.call(LEVELS, level)) throw CtiBridgeError("invalid", "unknown log level: " + level);
    logLevel = level;
  }

  /**
   * Writes one log record when `level` passes the threshold. `sink` is the `logger` option: a
   * function (level, message, detail) or an object with debug/info/warn/error methods; the
   * console otherwise. Details are redacted unless the bridge was given `redact: false`.
   */
  function log(sink, level, message, detail, raw) {
    if (LEVELS[level] < LEVELS[logLevel]) return;
    var safe = raw ? detail : redact(detail);
    var text = raw ? message : redactString(message);
    try {
      if (typeof sink === "function") return sink(level, text, safe);
      if (sink && typeof sink[level] === "function") return sink[level](text, safe);
      var c = global.console;
      if (c && typeof c[level] === "function") c[level]("cti-bridge: " + text, safe === undefined ? "" : safe);
    } catch {
      // a broken logger must not break the bridge
    }
  }

  /** Every option connect() knows; any other is refused (a typo is an error, not a silent default). */
  var CONNECT_OPTIONS = ["widgetUrl", "container", "allowedOrigins", "mode", "timeoutMs", "requestTimeoutMs", "title", "crm",
    "contactCentre", "signal", "liveness", "logger", "redact", "panel", "theme", "locale"];
  /** Theme keys: each sets the widget panel's CSS custom property --cti-<key> (kebab-case). */
  var THEME_KEYS = ["bg", "fg", "muted", "surface", "border", "accent", "accentFg", "danger", "ok", "warn", "focus", "radius", "font", "fontSize"];

  /** Why the panel options (panel, theme, locale) are wrong, or null. */
  function panelOptionsError(options) {
    if (options.panel !== undefined && typeof options.panel !== "boolean") return "panel must be true or false";
    if (options.locale !== undefined && (typeof options.locale !== "string" || !/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(options.locale))) {
      return "locale must be a language tag such as \"en\" or \"fr-FR\"";
    }
    var theme = options.theme;
    if (theme === undefined) return null;
    if (!theme || typeof theme !== "object") return "theme must be an object";
    for (var key in theme) {
      if (THEME_KEYS.indexOf(key) < 0) return "unknown theme key: " + key + " (known: " + THEME_KEYS.join(", ") + ")";
      if (typeof theme[key] !== "string" || !/^[#(),.%\w\s'"-]{1,80}$/.test(theme[key]) || /url\s*\(/i.test(theme[key])) {
        return "theme." + key + " must be a CSS colour, length or font list";
      }
    }
    return null;
  }

  /** The widget URL with the panel options in its fragment (`#cti=<json>`): the widget reads them before it renders. */
  function withPanelOptions(options) {
    var panel = {};
    if (options.panel !== undefined) panel.panel = options.panel;
    if (options.locale !== undefined) panel.locale = options.locale;
    if (options.theme !== undefined) panel.theme = options.theme;
    if (!Object.keys(panel).length) return options.widgetUrl;
    return options.widgetUrl.split("#")[0] + "#cti=" + encodeURIComponent(JSON.stringify(panel));
  }

  function exactOrigin(url) {
    var u = new URL(url, global.location.href);
    if (u.protocol !== "https:" && u.protocol !== "http:") {
      throw CtiBridgeError("invalid", "widgetUrl must be http(s): " + url);
    }
    return u.origin;
  }

  /**
   * Creates the widget iframe and resolves to a bridge once the handshake is done.
   * options: { widgetUrl, container, allowedOrigins?, mode?, timeoutMs?, requestTimeoutMs?, crm?, contactCentre?, logger?, redact?, signal?, panel?, theme?, locale? }
   * Any other key rejects with `invalid`. panel: false hides the agent's panel; theme: CSS custom properties; locale: its language.
   * signal: an AbortSignal; aborting before the handshake rejects with "aborted" and removes the iframe.
   * contactCentre: { credentials(what) } answers the widget's live client: what is "token" (AXP: a bearer
   * token string) or "login" (xuc: {login, password}); a value or a promise of one. It goes to the widget only.
   */
  function connect(options) {
    options = options || {};
    var unknown = Object.keys(options).filter(function (k) { return CONNECT_OPTIONS.indexOf(k) < 0; });
    if (unknown.length) return Promise.reject(CtiBridgeError("invalid", "unknown connect() option: " + unknown.join(", ")));
    var panelError = panelOptionsError(options);
    if (panelError) return Promise.reject(CtiBridgeError("invalid", panelError));
    if (!options.widgetUrl) return Promise.reject(CtiBridgeError("invalid", "widgetUrl is required"));
    var widgetOrigin;
    try {
      widgetOrigin = exactOrigin(options.widgetUrl);
    } catch (e) {
      return Promise.reject(e);
    }
    var allowed = (options.allowedOrigins || [widgetOrigin]).slice();
    if (allowed.indexOf("*") >= 0) return Promise.reject(CtiBridgeError("invalid", 'allowedOrigins may not contain "*"'));
    if (allowed.indexOf(widgetOrigin) < 0) {
      return Promise.reject(CtiBridgeError("origin", "the widget origin " + widgetOrigin + " is not in allowedOrigins"));
    }
    var container = typeof options.container === "string" ? document.querySelector(options.container) : options.container;
    if (!container) return Promise.reject(CtiBridgeError("invalid", "container not found"));

    var iframe = document.createElement("iframe");
    iframe.src = withPanelOptions(options);
    iframe.title = options.title || "Contact centre";
    iframe.setAttribute("allow", "microphone; autoplay");
    iframe.className = "cti-bridge-widget";
    var signal = options.signal;
    if (signal && signal.aborted) return Promise.reject(CtiBridgeError("aborted", "connect() was aborted"));
    var bridge = new Bridge(iframe, widgetOrigin, options);
    if (signal && typeof signal.addEventListener === "function") {
      // Aborting a connect still in progress removes the iframe and the listeners at once.
      signal.addEventListener("abort", function () {
        if (bridge._connected) return;
        bridge._rejectFirst(CtiBridgeError("aborted", "connect() was aborted"));
        bridge.dispose();
      }, { once: true });
    }
    container.appendChild(iframe);
    return bridge._firstConnection;
  }

  function Bridge(iframe, widgetOrigin, options) {
    var self = this;
    this._iframe = iframe;
    this._widgetOrigin = widgetOrigin;
    this._options = options;
    this._handlers = {};
    this._buffer = [];
    this._traceBuffer = [];
    this._queue = [];
    this._outgoing = []; // port messages of this task, posted together at its end
    this._batch = false; // the widget speaks protocol 2: batches both ways
    this._pending = new Map(); // id -> call, in start order
    this._lanes = new Map(); // time-out -> Map(id -> call), in deadline order
    this._deadlineTimer = null;
    this._deadlineAt = Infinity;
    this._nextId = 1;
    // Request ids are unique per host instance; the widget answers a re-sent id once.
    this._hostId = Math.random().toString(36).slice(2) + Date.now().toString(36);
    this._epoch = null;
    this._lastSeq = 0;
    this._port = null;
    this._disposed = false;
    this._snapshot = null;
    this._stats = { droppedOrigin: 0, droppedSource: 0, duplicates: 0, reloads: 0 };
    // Liveness: a ping on the port every intervalMs; after `misses` unanswered
    // pings in a row the widget is taken for dead (a trap, out of memory): its
    // iframe is reloaded and the new widget resumes from our lastSeq.
    var liveness = options.liveness || {};
    this._pingEveryMs = liveness.intervalMs || 2000;
    this._pingMisses = liveness.misses || 3;
    this._pingTimer = null;
    this._pingOut = 0;
    this._missed = 0;
    this._firstConnection = new Promise(function (resolve, reject) {
      self._resolveFirst = resolve;
      self._rejectFirst = reject;
    });
    var timeoutMs = options.timeoutMs || 10000;
    this._connectTimer = setTimeout(function () {
      self._log("error", "no handshake with " + widgetOrigin + " within " + timeoutMs + " ms");
      self._rejectFirst(CtiBridgeError("timeout", "no handshake with " + widgetOrigin + " within " + timeoutMs + " ms"));
    }, timeoutMs);
    this._onWindowMessage = function (event) {
      // Exact origin AND the widget's own window: anything else is dropped and counted.
      if (event.origin !== self._widgetOrigin) {
        self._stats.droppedOrigin++;
        self._log("debug", "dropped a message from origin " + event.origin);
        return;
      }
      if (event.source !== self._iframe.contentWindow) {
        self._stats.droppedSource++;
        self._log("debug", "dropped a message from a frame that is not the widget");
        return;
      }
      var data = event.data;
      if (!data || typeof data !== "object") return;
      if (data.cti === "hello") self._onHello();
      else if (data.cti === "refused") {
        self._log("error", "the widget refused the connection", data);
        // data.code names the fix (docs/troubleshooting.md), e.g. "origin.host"; data.fix says it.
        var why = "the widget refused the connection: " + data.reason + (data.code ? " [" + data.code + "]" : "") + (data.fix ? ". Fix: " + data.fix : "");
        self._rejectFirst(CtiBridgeError("refused", why, data));
      } else if (typeof data.type === "string" && typeof data.action === "string") {
        self._onCrm(data); // CRM Connector envelope before a port exists
      }
    };
    // The widget says hello when it starts (and again every second until
    // connected); a hello gets a handshake on a fresh MessageChannel (see _onHello).
    global.addEventListener("message", this._onWindowMessage);
    // The handshake from this side too: `connect` as soon as the widget's page has loaded (each
    // time it loads), before its wasm runs; the page keeps it for the widget, which then answers
    // at once instead of saying hello and waiting for this page's answer. Not while a handshake
    // is under way or a port is live (a page whose load came late, after its hello): a widget
    // that is not attached says hello anyway.
    this._onLoad = function () {
      if (!self._port && !self._candidate) self._handshake();
    };
    iframe.addEventListener("load", this._onLoad);
    this._helloTimer = null;
    if (options.crm) this._crm = new CrmClient(this, options.crm, options.mode);
  }

  Bridge.prototype._log = function (level, message, detail) {
    log(this._options.logger, level, message, detail, this._options.redact === false);
  };

  /**
   * A hello is answered at once unless our connect is on its way (the hello crossed it: a second
   * connect would replace the port the widget answers on); then only if no ready came within
   * HELLO_GRACE_MS (that connect went to a page that has gone).
   */
  Bridge.prototype._onHello = function () {
    var self = this;
    var pending = this._candidate;
    if (!pending || this._port) return this._handshake();
    if (this._helloTimer) return;
    this._helloTimer = setTimeout(function () {
      self._helloTimer = null;
      if (self._candidate === pending && !self._port) self._handshake();
    }, HELLO_GRACE_MS);
  };

  Bridge.prototype._handshake = function () {
    if (this._disposed || !this._iframe.contentWindow) return;
    var self = this;
    var channel = new MessageChannel();
    if (this._port) this._port.close();
    if (this._candidate) this._candidate.close(); // an unanswered connect is given up
    this._port = null;
    this._candidate = channel.port1;
    channel.port1.onmessage = function (event) {
      // The widget going away (after its "bye") may still post the events it was handling:
      // they carry their seq, so they are taken once and never twice.
      if (self._candidate === channel.port1 || self._port === channel.port1 || self._leaving === channel.port1) {
        self._onPortMessage(channel.port1, event.data);
      }
    };
    this._iframe.contentWindow.postMessage(
      { cti: "connect", v: PROTOCOL_VERSION, epoch: this._epoch, lastSeq: this._lastSeq, hostId: this._hostId },
      this._widgetOrigin,
      [channel.port2]
    );
  };

  Bridge.prototype._onPortMessage = function (port, message) {
    // The widget posts JSON text (cheaper than a structured clone of an object built from wasm).
    if (typeof message === "string") {
      try {
        message = JSON.parse(message);
      } catch {
        this._log("warn", "dropped a port message that is not JSON");
        return;
      }
    }
    if (!message || typeof message !== "object") return;
    // A burst from one task of the widget: its messages in order (each event keeps its seq).
    if (message.t === "batch" && Array.isArray(message.m)) {
      for (var i = 0; i < message.m.length; i++) {
        var item = message.m[i];
        if (item && typeof item === "object" && item.t !== "batch") this._onPortItem(port, item);
      }
      return;
    }
    this._onPortItem(port, message);
  };

  Bridge.prototype._onPortItem = function (port, message) {
    switch (message.t) {
      case "ready":
        if (message.v !== PROTOCOL_VERSION && message.v !== 1) return;
        this._batch = message.v >= 2;
        this._port = port;
        this._candidate = null;
        this._leaving = null; // a new widget numbers on from here: nothing more from the old one
        if (message.epoch !== this._epoch) {
          // A restarted widget continues our numbering; one that numbers
          // behind us (it served another host) starts a new sequence.
          if (message.lastSeq < this._lastSeq) this._lastSeq = 0;
          this._epoch = message.epoch;
        }
        this._snapshot = message.snapshot;
        this._log("info", "connected to the widget", { epoch: message.epoch, lastSeq: message.lastSeq });
        clearTimeout(this._connectTimer);
        var queued = this._queue.splice(0);
        for (var i = 0; i < queued.length; i++) this._post(queued[i], false);
        // Calls still unanswered (sent to a widget that went away) are sent again.
        this._pending.forEach(function (call) { this._post(call.text, true); }, this);
        this._emit({ kind: "connection", status: "ready", epoch: message.epoch, lastSeq: message.lastSeq, snapshot: message.snapshot });
        if (this._unresponsive) {
          this._unresponsive = false;
          this._emit({ kind: "health", status: "live", dropped: this._lastDropped || { origin: 0, source: 0, malformed: 0, version: 0 } });
        }
        this._startPings();
        this._connected = true;
        this._resolveFirst(this);
        break;
      case "event":
        if (message.seq <= this._lastSeq) {
          this._stats.duplicates++;
          return;
        }
        this._lastSeq = message.seq;
        if (!message.event || typeof message.event !== "object") return;
        // Per event: no string built unless debug records are written.
        if (LEVELS.debug >= LEVELS[logLevel]) this._log("debug", "event " + message.event.kind, message.event);
        // The channel's number in its own field: an event's `seq` stays the bridge's.
        message.event.channelSeq = message.seq;
        if (message.event.kind === "health" && message.event.dropped) this._lastDropped = message.event.dropped;
        if (message.event.kind === "tabs") this._tabs = { role: message.event.role, count: message.event.count, leaderSince: message.event.leaderSince };
        this._emit(message.event);
        break;
      case "notice":
        // For this host only, outside the numbered stream: a gap in what could be replayed.
        if (!message.event || typeof message.event !== "object") return;
        if (message.event.kind === "gap") this._log("warn", "events " + message.event.from + ".." + message.event.to + " can no longer be replayed", message.event);
        this._emit(message.event);
        break;
      case "pong":
        if (message.n === this._pingOut) {
          this._pingOut = 0;
          this._missed = 0;
        }
        break;
      case "response":
        var call = this._untrack(message.id);
        if (!call) return;
        if (message.error) this._log("warn", "request " + message.id + " failed: " + message.error.code, message.error);
        if (message.error) call.reject(CtiBridgeError(message.error.code, message.error.message, message.result));
        else call.resolve(message.result);
        break;
      case "crm":
        this._onCrm(message.msg);
        break;
      case "ask":
        this._answer(port, message.id, message.what);
        break;
      case "trace":
        this._emitTrace(message.entry);
        break;
      case "bye":
        if (this._port === port) {
          this._port = null;
          this._leaving = port;
        }
        this._stopPings();
        this._log("warn", "the widget went away; reconnecting");
        this._emit({ kind: "connection", status: "reconnecting" });
        break;
    }
  };

  Bridge.prototype._startPings = function () {
    var self = this;
    this._stopPings();
    this._pingTimer = setInterval(function () { self._ping(); }, this._pingEveryMs);
  };

  Bridge.prototype._stopPings = function () {
    if (this._pingTimer) clearInterval(this._pingTimer);
    this._pingTimer = null;
    this._pingOut = 0;
    this._missed = 0;
  };

  /** One liveness ping; a widget that left `misses` pings in a row unanswered is reloaded. */
  Bridge.prototype._ping = function () {
    if (!this._port || this._disposed) return;
    if (this._pingOut) this._missed++;
    if (this._missed >= this._pingMisses) return this._reloadWidget();
    this._pingN = (this._pingN || 0) + 1;
    this._pingOut = this._pingN;
    this._port.postMessage(JSON.stringify({ t: "ping", n: this._pingN }));
  };

  /** The widget stopped answering: reload its iframe; the new one resumes by sequence number. */
  Bridge.prototype._reloadWidget = function () {
    this._stopPings();
    this._stats.reloads++;
    this._unresponsive = true;
    this._log("warn", "the widget stopped answering; reloading it");
    if (this._port) this._port.close();
    this._port = null;
    this._emit({ kind: "health", status: "unresponsive", dropped: this._lastDropped || { origin: 0, source: 0, malformed: 0, version: 0 } });
    // Setting src navigates again, even to the same address.
    // eslint-disable-next-line no-self-assign -- the assignment is the reload
    this._iframe.src = this._iframe.src;
  };

  /** The widget's contact-centre client needs credentials: asks the host's provider, answers on the port. */
  Bridge.prototype._answer = function (port, id, what) {
    var self = this;
    var provider = this._options.contactCentre && this._options.contactCentre.credentials;
    var reply = function (value, error) {
      var answer = error ? { t: "answer", id: id, error: String(error) } : { t: "answer", id: id, value: value };
      if (!self._disposed) port.postMessage(JSON.stringify(answer));
    };
    if (typeof provider !== "function") {
      this._log("warn", "the widget asked for " + what + " but contactCentre.credentials is not set");
      return reply(null, "the host page gives no credentials (contactCentre.credentials)");
    }
    this._log("info", "the widget asked for " + what);
    Promise.resolve()
      .then(function () { return provider(what); })
      .then(function (value) { reply(value === undefined ? null : value); },
        function (e) { reply(null, (e && e.message) || "the credentials provider failed"); });
  };

  /** Trace entries go to "trace" handlers only (a small buffer of their own: never crowding out events). */
  Bridge.prototype._emitTrace = function (entry) {
    if (!entry || typeof entry !== "object") return;
    var list = this._handlers.trace;
    if (!list || !list.length) {
      if (this._traceBuffer.length >= MAX_TRACE_BUFFERED) this._traceBuffer.shift();
      this._traceBuffer.push(entry);
      return;
    }
    for (var i = 0; i < list.length; i++) {
      try { list[i](entry); } catch (e) { this._log("error", "a trace handler threw", { message: e && e.message }); }
    }
  };

  Bridge.prototype._onCrm = function (envelope) {
    if (this._crm) this._crm.onConnectorMessage(envelope);
    this._emit({ kind: "crmMessage", direction: "in", message: envelope });
  };

  Bridge.prototype._send = function (message) {
    var text = JSON.stringify(message);
    if (this._port) this._post(text, message.t === "request");
    else if (message.t !== "request" && this._queue.length < MAX_QUEUED) this._queue.push(text);
    return text;
  };

  /**
   * Posts one message on the port: at once to a version-1 widget; else with the others of this
   * task, in one batch at its end (a microtask: a lone message goes alone and waits for nothing).
   */
  Bridge.prototype._post = function (text, request) {
    if (!this._batch) return this._port.postMessage(text);
    var self = this;
    this._outgoing.push({ text: text, request: request });
    if (this._outgoing.length === 1) Promise.resolve().then(function () { self._flush(); });
  };

  /** Posts this task's messages in order, as few batches as fit under the widget's limit. */
  Bridge.prototype._flush = function () {
    var out = this._outgoing;
    this._outgoing = [];
    if (!this._port) {
      // The widget went away meanwhile: calls are sent again on "ready"; the rest waits for it.
      for (var q = 0; q < out.length; q++) {
        if (!out[q].request && this._queue.length < MAX_QUEUED) this._queue.push(out[q].text);
      }
      return;
    }
    var group = [];
    var size = 0;
    var port = this._port;
    var post = function () {
      if (group.length === 1) port.postMessage(group[0]);
      else if (group.length) port.postMessage('{"t":"batch","m":[' + group.join(",") + "]}");
      group = [];
      size = 0;
    };
    for (var i = 0; i < out.length; i++) {
      var text = out[i].text;
      // UTF-8 bytes: at most 3 per UTF-16 unit; exact for ASCII.
      var bytes = /[\u0080-\uffff]/.test(text) ? text.length * 3 : text.length;
      if (group.length && size + bytes + 32 > BATCH_BYTES) post();
      group.push(text);
      size += bytes + 1;
    }
    post();
  };

  Bridge.prototype._call = function (method, params, timeoutMs) {
    if (this._disposed) return Promise.reject(CtiBridgeError("disposed", "the bridge was disposed"));
    var self = this;
    var id = this._nextId++;
    timeoutMs = timeoutMs || this._options.requestTimeoutMs || 15000;
    return new Promise(function (resolve, reject) {
      var call = { id: id, resolve: resolve, reject: reject, text: null, method: method, ms: timeoutMs, deadline: now() + timeoutMs };
      self._track(id, call);
      // Unanswered calls are re-sent after a re-handshake (see "ready").
      call.text = self._send({ t: "request", id: id, method: method, params: params || {} });
    });
  };

  // Call time-outs: one timer for all calls, armed for the earliest deadline. Calls of one
  // time-out start in deadline order, so a lane per time-out has its earliest at its front.

  Bridge.prototype._track = function (id, call) {
    var lane = this._lanes.get(call.ms);
    if (!lane) this._lanes.set(call.ms, (lane = new Map()));
    lane.set(id, call);
    this._pending.set(id, call);
    if (call.deadline < this._deadlineAt) this._arm(call.deadline);
  };

  /** Forgets a call (answered or timed out); undefined for an unknown id. */
  Bridge.prototype._untrack = function (id) {
    var call = this._pending.get(id);
    if (!call) return;
    this._pending.delete(id);
    var lane = this._lanes.get(call.ms);
    lane.delete(id);
    if (!lane.size) this._lanes.delete(call.ms);
    return call;
  };

  Bridge.prototype._arm = function (at) {
    var self = this;
    if (this._deadlineAt < Infinity) clearTimeout(this._deadlineTimer);
    this._deadlineAt = at;
    // Rounded up: a timer that fires early is armed again for the rest.
    this._deadlineTimer = setTimeout(function () { self._expire(); }, Math.max(0, Math.ceil(at - now())));
  };

  /** Rejects every call whose deadline has come, then arms for the next. */
  Bridge.prototype._expire = function () {
    var t = now();
    var next = Infinity;
    var due = [];
    this._deadlineAt = Infinity;
    this._lanes.forEach(function (lane) {
      for (var it = lane.values(), s = it.next(); !s.done; s = it.next()) {
        if (s.value.deadline > t) {
          next = Math.min(next, s.value.deadline);
          break;
        }
        due.push(s.value);
      }
    });
    for (var i = 0; i < due.length; i++) {
      this._untrack(due[i].id);
      due[i].reject(CtiBridgeError("timeout", due[i].method + " got no answer within " + due[i].ms + " ms"));
    }
    if (next < Infinity) this._arm(next);
  };

  Bridge.prototype._emit = function (event) {
    var list = this._handlers[event.kind];
    var any = this._handlers["*"];
    if ((!list || !list.length) && (!any || !any.length)) {
      if (this._buffer.length >= MAX_BUFFERED) this._buffer.shift();
      this._buffer.push(event);
      return;
    }
    // The handlers there were when the event came, without a copy per event: on() appends
    // after these counts, off() replaces the list.
    var n = list ? list.length : 0;
    var m = any ? any.length : 0;
    for (var i = 0; i < n + m; i++) {
      try {
        (i < n ? list[i] : any[i - n])(event);
      } catch (e) {
        this._log("error", "handler for " + event.kind + " failed", e);
      }
    }
  };

  /** Subscribes to a normalized event kind ("*" for all); earlier undelivered events of that kind come first, in order. */
  Bridge.prototype.on = function (kind, handler) {
    (this._handlers[kind] = this._handlers[kind] || []).push(handler);
    if (kind === "trace") {
      var traced = this._traceBuffer.splice(0);
      for (var t = 0; t < traced.length; t++) this._emitTrace(traced[t]);
      return this;
    }
    var keep = [];
    var deliver = [];
    for (var i = 0; i < this._buffer.length; i++) {
      var e = this._buffer[i];
      (kind === "*" || e.kind === kind ? deliver : keep).push(e);
    }
    this._buffer = keep;
    for (var j = 0; j < deliver.length; j++) this._emit(deliver[j]);
    return this;
  };

  /** Removes a handler added with on(). */
  Bridge.prototype.off = function (kind, handler) {
    var list = this._handlers[kind];
    if (list) this._handlers[kind] = list.filter(function (h) { return h !== handler; });
    return this;
  };

  /** The widget's current snapshot (agent state, presence, work items, interactions, pending commands) and diagnostics. */
  Bridge.prototype.snapshot = function () {
    return this._call("snapshot");
  };

  /** Asks the contact centre for "ready" | "notReady"; settles when the change is confirmed, rejected or superseded. */
  Bridge.prototype.setAgentState = function (state, reason) {
    return this._call("setAgentState", reason === undefined ? { state: state } : { state: state, reason: reason });
  };

  /** Asks the CRM for "ready" | "notReady" presence; settles like setAgentState. */
  Bridge.prototype.setPresence = function (state) {
    return this._call("setPresence", { state: state });
  };

  /**
   * This tab's part in multi-tab (widget config `multiTab: "shared"`): `{role: "leader" | "follower",
   * count, leaderSince}` as of the last `tabs` event; `null` when the widget runs no shared connection.
   */
  Bridge.prototype.tabs = function () {
    return this._tabs ? { role: this._tabs.role, count: this._tabs.count, leaderSince: this._tabs.leaderSince } : null;
  };

  /** Changes the sync mode: "synchronized" | "complementary" | "off". */
  Bridge.prototype.setMode = function (mode) {
    return this._call("setMode", { mode: mode });
  };

  /**
   * One command on the widget's own contact-centre link (xuc: "loginAgent", "pauseAgent", ...,
   * positional arguments); resolves when sent, rejects with "notSupported" (AXP, or no contact centre) or "invalidParams".
   */
  Bridge.prototype.ccCommand = function (name) {
    return this._call("ccCommand", { name: name, args: Array.prototype.slice.call(arguments, 1) });
  };

  /** Feeds a raw vendor message to the widget (only when the widget allows injection: demo and tests). */
  Bridge.prototype.inject = function (source, msg) {
    return this._call("inject", { source: source, msg: msg });
  };

  /**
   * Runs the widget's checks (origins, CSP, framing, storage, the contact centre, clock skew):
   * resolves to {checks: [{id, status, detail, fix}], versions, at} within a few seconds.
   */
  Bridge.prototype.diagnose = function () {
    return this._call("diagnose", { dropIn: VERSION, widgetOriginAllowed: true }, 10000);
  };

  /** The widget's redacted log: entries {at, level, source, message} since `since` (ms) at `level` or above. */
  Bridge.prototype.logs = function (query) {
    var params = {};
    if (query && query.since !== undefined) params.since = query.since;
    if (query && query.level !== undefined) params.level = query.level;
    return this._call("logs", params).then(function (r) { return r.entries; });
  };

  /** The support bundle as JSON Lines text: the diagnose report, then one log entry per line. */
  Bridge.prototype.exportLogs = function () {
    return this._call("exportLogs", { dropIn: VERSION, widgetOriginAllowed: true }, 10000).then(function (r) { return r.text; });
  };

  /** Host-side counters: messages dropped for a wrong origin or source, duplicates skipped. */
  Bridge.prototype.hostStats = function () {
    return { droppedOrigin: this._stats.droppedOrigin, droppedSource: this._stats.droppedSource, duplicates: this._stats.duplicates, reloads: this._stats.reloads, epoch: this._epoch, lastSeq: this._lastSeq, connected: !!this._port };
  };

  /** The widget iframe element. */
  Bridge.prototype.iframe = function () {
    return this._iframe;
  };

  /** Removes the iframe, the listeners and the port; pending calls reject with "disposed". */
  Bridge.prototype.dispose = function () {
    if (this._disposed) return;
    this._disposed = true;
    clearTimeout(this._connectTimer);
    this._stopPings();
    global.removeEventListener("message", this._onWindowMessage);
    this._iframe.removeEventListener("load", this._onLoad);
    clearTimeout(this._helloTimer);
    if (this._port) this._port.close();
    if (this._candidate) this._candidate.close();
    if (this._crm) this._crm.dispose();
    clearTimeout(this._deadlineTimer);
    var pending = this._pending;
    this._pending = new Map();
    this._lanes = new Map();
    pending.forEach(function (call) { call.reject(CtiBridgeError("disposed", "the bridge was disposed")); });
    if (this._iframe.parentNode) this._iframe.parentNode.removeChild(this._iframe);
    this._rejectFirst(CtiBridgeError("disposed", "the bridge was disposed"));
  };

  /**
   * The CRM Connector "Client Application", ready-made. The CRM developer gives three functions:
   *   getPresence() -> statusId (or a promise of it)
   *   setPresence(statusId) -> promise of true / false
   *   onPresenceChange(callback(statusId)) -> optional unsubscribe function
   * and optionally currentUser, callCenterSettings and directory() / onClickToDial hooks.
   */
  function CrmClient(bridge, crm, mode) {
    var self = this;
    this._bridge = bridge;
    this._crm = crm;
    this._mode = mode;
    if (typeof crm.onPresenceChange === "function") {
      this._unsubscribe = crm.onPresenceChange(function (statusId) {
        self._reply("omnichannelResponse", { statusId: String(statusId), success: true });
      });
    }
  }

  CrmClient.prototype._reply = function (action, data) {
    this._bridge._send({ t: "crm", msg: { type: "ClientAppMessage", action: action, data: data } });
  };

  CrmClient.prototype.onConnectorMessage = function (envelope) {
    if (!envelope || envelope.type !== "CRMConnectMessage") return;
    var self = this;
    var crm = this._crm;
    var data = envelope.data || {};
    switch (envelope.action) {
      case "ready":
        this._reply("ready", {});
        break;
      case "requestCrmData":
        var settings = Object.assign({}, crm.callCenterSettings || {});
        if (this._mode === "synchronized") settings.omnichannelMode = "S";
        else if (this._mode === "complementary") settings.omnichannelMode = "C";
        this._reply("crmData", { callCenterSettings: settings, currentUser: crm.currentUser || {}, capabilities: crm.capabilities || { directoryAvailable: !!crm.directory } });
        Promise.resolve(crm.getPresence ? crm.getPresence() : null).then(function (statusId) {
          if (statusId != null) self._reply("omnichannelResponse", { statusId: String(statusId), success: true });
        });
        break;
      case "requestSyncOmnichannel":
        var requested = String(data.statusId || "");
        var id = requested.split(";")[0];
        Promise.resolve()
          .then(function () { return crm.setPresence(id); })
          .then(function (ok) {
            if (ok === false) self._reply("omnichannelResponse", { statusId: requested, success: false });
            else if (typeof crm.onPresenceChange !== "function") self._reply("omnichannelResponse", { statusId: requested, success: true });
          }, function () {
            self._reply("omnichannelResponse", { statusId: requested, success: false });
          });
        break;
      case "requestGetCrmDirectory":
        if (crm.directory) {
          Promise.resolve(crm.directory()).then(function (results) {
            self._reply("crmDirectory", { count: results.length, results: results });
          });
        }
        break;
      default:
        if (typeof crm.onRequest === "function") crm.onRequest(envelope.action, data);
    }
  };

  CrmClient.prototype.dispose = function () {
    if (typeof this._unsubscribe === "function") this._unsubscribe();
  };

  global.CtiBridge = {
    connect: connect,
    version: PROTOCOL_VERSION,
    scriptVersion: VERSION,
    CtiBridgeError: CtiBridgeError,
    setLogLevel: setLogLevel,
    getLogLevel: function () { return logLevel; },
    redact: function (value) { return redact(value); },
  };
})(typeof window !== "undefined" ? window : globalThis);
