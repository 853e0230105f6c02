// Bench host page (host origin): time to ready, event latency and the full
// channel, each next to its floor, measured in the same page and run.
/* global CtiBridge, Penpal -- defined by cti-bridge.js and penpal.min.js, classic scripts the page loads first */
"use strict";
(function () {
  var params = new URLSearchParams(location.search);
  var widgetOrigin = params.get("widget");
  var slot = function () { return document.getElementById("slot"); };
  var xuc = function (i) {
    return { msgType: "AgentStateEvent", ctiMessage: { name: i % 2 ? "AgentOnPause" : "AgentReady", agentId: 19, phoneNb: "1000", since: 0, queues: [1] } };
  };

  function loadFrame(url, parent) {
    return new Promise(function (resolve) {
      var f = document.createElement("iframe");
      f.onload = function () { resolve(f); };
      f.src = url;
      (parent || slot()).appendChild(f);
    });
  }

  var bench = {
    /** One blank cross-origin iframe from `from` loaded (run `i`, a URL of its own) and removed: ms. */
    blank: async function (from, i) {
      var t0 = performance.now();
      await loadFrame(from + "/bench/blank.html?run=" + i);
      var t = performance.now() - t0;
      slot().textContent = "";
      return t;
    },

    /**
     * n interleaved runs: a blank cross-origin iframe load, then CtiBridge.connect() to resolved,
     * both from `origin` (the bench widget's by default); `page` the widget page (widget.html),
     * `first` the first run's number (0).
     */
    ready: async function (n, origin, page, first) {
      var from = origin || widgetOrigin;
      var blank = [];
      var connect = [];
      for (var i = first || 0; i < (first || 0) + n; i++) {
        blank.push(await bench.blank(from, i));
        var t0 = performance.now();
        var bridge = await CtiBridge.connect({ widgetUrl: from + "/" + (page || "widget.html"), container: slot(), timeoutMs: 20000 });
        connect.push(performance.now() - t0);
        bridge.dispose();
        slot().textContent = "";
      }
      return { blank: blank, connect: connect };
    },

    /** A long-lived bridge used by the latency, throughput and memory figures. */
    open: async function () {
      var bridge = await CtiBridge.connect({ widgetUrl: widgetOrigin + "/widget.html", container: document.getElementById("keep"), timeoutMs: 20000 });
      bench.bridge = bridge;
      bench.received = 0;
      bench.waiter = null;
      bridge.on("agentState", function () {
        bench.received++;
        if (bench.waiter && bench.received >= bench.waiter.count) {
          var w = bench.waiter;
          bench.waiter = null;
          w.resolve();
        }
      });
      bench.seq = 0;
      return true;
    },

    _waitFor: function (count, timeoutMs) {
      if (bench.received >= count) return Promise.resolve(true);
      return new Promise(function (resolve) {
        var timer = setTimeout(function () { bench.waiter = null; resolve(false); }, timeoutMs);
        bench.waiter = { count: count, resolve: function () { clearTimeout(timer); resolve(true); } };
      });
    },

    /**
     * Round trip: bridge.inject() (host -> widget port, decode, sync engine) to the host's
     * agentState handler. Measured as the bare port's loop is: one promise per sample and no
     * timer of the bench's own per sample (one deadline for the whole loop).
     */
    injectLatency: async function (n) {
      var out = [];
      var late = false;
      var deadline = setTimeout(function () {
        late = true;
        if (bench.waiter) {
          var w = bench.waiter;
          bench.waiter = null;
          w.resolve();
        }
      }, 5000 + n * 20);
      for (var i = 0; i < n && !late; i++) {
        var target = bench.received + 1;
        var t0 = performance.now();
        bench.bridge.inject("xuc", xuc(bench.seq++));
        if (bench.received < target) {
          await new Promise(function (resolve) { bench.waiter = { count: target, resolve: resolve }; });
        }
        out.push(performance.now() - t0);
      }
      clearTimeout(deadline);
      return out;
    },

    /**
     * Round trip on a bare cross-site window postMessage hop and on a MessageChannel port (echo
     * frame), each after `warm` round trips not recorded (as the inject loop is warmed up).
     */
    bareLatency: async function (n, warm) {
      warm = warm || 0;
      var frame = await loadFrame(widgetOrigin + "/bench/echo.html", document.getElementById("keep"));
      var win = [];
      for (var i = -warm; i < n; i++) {
        var t0 = performance.now();
        await new Promise(function (resolve) {
          var on = function (e) {
            if (e.source !== frame.contentWindow || !e.data || e.data.i === undefined) return;
            window.removeEventListener("message", on);
            resolve();
          };
          window.addEventListener("message", on);
          frame.contentWindow.postMessage({ i: i, payload: xuc(i) }, widgetOrigin);
        });
        if (i >= 0) win.push(performance.now() - t0);
      }
      var channel = new MessageChannel();
      var port = channel.port1;
      var next = null;
      port.onmessage = function (e) { if (next) { var r = next; next = null; r(e.data); } };
      await new Promise(function (resolve) {
        next = resolve;
        frame.contentWindow.postMessage({ port: true }, widgetOrigin, [channel.port2]);
      });
      var ch = [];
      for (var j = -warm; j < n; j++) {
        var t1 = performance.now();
        await new Promise(function (resolve) {
          next = resolve;
          port.postMessage(JSON.stringify({ t: "request", id: j, method: "inject", params: { source: "xuc", msg: xuc(j) } }));
        });
        if (j >= 0) ch.push(performance.now() - t1);
      }
      port.close();
      frame.remove();
      return { window: win, port: ch };
    },

    /**
     * Widget -> host message format on a MessageChannel port (bench only): k widget event
     * messages pipelined through the echo frame, as objects (structured clone both ways) and as
     * JSON text (JSON.stringify before posting, JSON.parse on arrival; the echo returns the
     * string). Interleaved rounds; returns the ms of each format per round.
     */
    portFormats: async function (k, rounds) {
      var frame = await loadFrame(widgetOrigin + "/bench/echo.html", document.getElementById("keep"));
      var channel = new MessageChannel();
      var port = channel.port1;
      var onData = null;
      port.onmessage = function (e) { if (onData) onData(e.data); };
      await new Promise(function (resolve) {
        onData = function () { resolve(); };
        frame.contentWindow.postMessage({ port: true }, widgetOrigin, [channel.port2]);
      });
      var message = function (seq) {
        return {
          t: "event", seq: seq,
          event: { seq: seq, kind: "agentState", source: "xuc", state: seq % 2 ? "notReady" : "ready", agentId: "19",
            vendorState: seq % 2 ? "AgentOnPause" : "AgentReady", phoneNumber: "1000", queues: ["1", "4"], data: { since: 0 } },
        };
      };
      var run = function (asText) {
        return new Promise(function (resolve) {
          var got = 0;
          var sum = 0;
          var t0 = performance.now();
          onData = function (data) {
            var m = asText ? JSON.parse(data) : data;
            sum += m.event.seq;
            if (++got === k) resolve({ ms: performance.now() - t0, sum: sum });
          };
          for (var i = 0; i < k; i++) port.postMessage(asText ? JSON.stringify(message(i)) : message(i));
        });
      };
      await run(false);
      await run(true);
      var out = { clone: [], text: [] };
      for (var r = 0; r < rounds; r++) {
        out.clone.push((await run(false)).ms);
        out.text.push((await run(true)).ms);
      }
      onData = null;
      port.close();
      frame.remove();
      return out;
    },

    /** Fires k injects without waiting; time until k agentState events reached the handler (loss = k - delivered). */
    channelThroughput: async function (k, timeoutMs) {
      var start = bench.received;
      var t0 = performance.now();
      var calls = [];
      for (var i = 0; i < k; i++) calls.push(bench.bridge.inject("xuc", xuc(bench.seq++)).catch(function (e) { return e; }));
      var complete = await bench._waitFor(start + k, timeoutMs);
      var ms = performance.now() - t0;
      await Promise.all(calls);
      return { sent: k, delivered: bench.received - start, ms: ms, complete: complete, stats: bench.bridge.hostStats() };
    },

    /**
     * A supervisor's stream: `agents` agents (ids from 1000) each changing state once, injected
     * at once through the full channel with the sync engine off (a stream to watch, no CRM
     * presence to follow); time until all reached the host's handler.
     */
    scale: async function (agents, timeoutMs) {
      await bench.bridge.setMode("off");
      var start = bench.received;
      var t0 = performance.now();
      var calls = [];
      for (var i = 0; i < agents; i++) {
        var msg = { msgType: "AgentStateEvent", ctiMessage: { name: i % 2 ? "AgentOnPause" : "AgentReady", agentId: 1000 + i, phoneNb: String(2000 + i), since: 0, queues: [1] } };
        calls.push(bench.bridge.inject("xuc", msg).catch(function (e) { return e; }));
      }
      var complete = await bench._waitFor(start + agents, timeoutMs);
      var ms = performance.now() - t0;
      await Promise.all(calls);
      await bench.bridge.setMode("synchronized");
      return { sent: agents, delivered: bench.received - start, ms: ms, complete: complete };
    },

    /** Reference: penpal (window messenger) carrying k normalized events from the widget origin to a host handler. */
    penpalThroughput: async function (k) {
      var frame = document.createElement("iframe");
      frame.src = widgetOrigin + "/bench/penpal-child.html?host=" + encodeURIComponent(location.origin);
      document.getElementById("keep").appendChild(frame);
      var delivered = 0;
      var connection = Penpal.connect({
        messenger: new Penpal.WindowMessenger({ remoteWindow: frame.contentWindow, allowedOrigins: [widgetOrigin] }),
        methods: { event: function (e) { if (e.kind === "agentState") delivered++; } },
        timeout: 20000,
      });
      var child = await connection.promise;
      await child.send(Math.min(k, 100)); // warm-up
      delivered = 0;
      var t0 = performance.now();
      await child.send(k);
      var ms = performance.now() - t0;
      connection.destroy();
      frame.remove();
      return { sent: k, delivered: delivered, ms: ms };
    },
  };
  window.bench = bench;
})();
