// Browser plumbing for the widget's edge: documented in src/web/edge.rs.
const tell = (s, k, id, c, v) => s.open && s.on(k, id, c, v);
export const sinkOpen = (on) => ({ on, open: true });
export function sinkClose(s) {
  s.open = false;
}
export function socketOpen(url, id, s) {
  let ws;
  try {
    ws = new WebSocket(url);
  } catch {
    queueMicrotask(() => tell(s, 3, id, 1006, "could not create the socket"));
    return;
  }
  ws.onopen = () => tell(s, 0, id, 0);
  ws.onmessage = (e) => (typeof e.data == "string" ? tell(s, 1, id, 0, e.data) : tell(s, 2, id, 0));
  ws.onclose = (e) => tell(s, 3, id, e.code, e.reason);
  return ws;
}
export function socketSend(ws, text) {
  if (ws.readyState != 1) return false;
  try {
    ws.send(text);
  } catch {
    // its close event follows
  }
  return true;
}
export function socketClose(ws, code, reason) {
  ws.onopen = ws.onmessage = ws.onclose = null;
  if (ws.readyState > 1) return;
  try {
    ws.close(code, reason);
  } catch {
    ws.close();
  }
}
export const socketUrl = (ws) => ws.url;
export function httpFetch(method, url, headers, body, id, s) {
  const c = new AbortController();
  (async () => {
    const r = await fetch(url, { method, headers, body, signal: c.signal });
    return [r.status, await r.text().catch(() => {})];
  })().then(
    ([status, text]) => tell(s, 4, id, status, text),
    () => tell(s, 5, id, 0),
  );
  return c;
}
export const httpAbort = (c) => c.abort();
export function settle(value, id, s) {
  Promise.resolve(value).then(
    (v) => tell(s, 6, id, 0, v),
    (e) => tell(s, 7, id, 0, e),
  );
}
export function urlParts(text) {
  try {
    const u = new URL(text);
    return [u.href, u.protocol, u.username, u.password, u.hostname, u.port, u.origin, u.pathname];
  } catch (e) {
    return String(e?.message || "invalid URL");
  }
}
export function tabsOpen(name, on) {
  const locks = globalThis.navigator?.locks;
  if (typeof locks?.request != "function" || typeof BroadcastChannel != "function") return;
  let channel;
  try {
    channel = new BroadcastChannel(name);
  } catch {
    return;
  }
  const t = { channel, locks, on, releases: [], open: true };
  channel.onmessage = (e) => t.open && on(0, 0, 0, e.data);
  return t;
}
export function pageView() {
  const d = globalThis.document;
  return d ? (d.visibilityState == "visible") | (d.hasFocus() << 1) : 0;
}
export function tabsHold(t, name, elect) {
  let release;
  const held = new Promise((r) => (release = r));
  t.releases.push(release);
  t.locks
    .request(name, () => {
      if (elect && t.open) t.on(1);
      return held;
    })
    .catch(() => {});
}
export function tabsQuery(t) {
  Promise.resolve()
    .then(() => t.locks.query())
    .then(
      (q) => t.open && t.on(2, 0, 0, (q.held || []).map((l) => [l.name, l.clientId])),
      () => t.open && t.on(2, 0, 0, null),
    );
}
export function tabsPost(t, message) {
  try {
    if (t.open) t.channel.postMessage(message);
  } catch {
    // lost, as a message the channel drops
  }
}
export function tabsRelease(t) {
  for (const release of t.releases.splice(0)) release();
}
export function tabsClose(t) {
  tabsRelease(t);
  t.open = false;
  t.channel.onmessage = null;
  t.channel.close();
}
export function ancestorOrigin(last) {
  const a = globalThis.location?.ancestorOrigins;
  return a?.length ? a[last ? a.length - 1 : 0] : undefined;
}
export function observeBrowser(restUrl, socketUrl, timeout, id, s) {
  observe(restUrl, socketUrl, timeout).then(
    (v) => tell(s, 8, id, 0, v),
    () => tell(s, 8, id, 0, null),
  );
}
async function observe(restUrl, socketUrl, timeout) {
  const now = () => Date.now();
  const rest = async () => {
    const c = new AbortController();
    const timer = setTimeout(() => c.abort(), timeout);
    const start = now();
    try {
      const r = await fetch(restUrl, { signal: c.signal });
      return { start, ms: now() - start, status: r.status, date: r.headers.get("date") };
    } catch {
      return { start, ms: now() - start };
    } finally {
      clearTimeout(timer);
    }
  };
  const socket = () =>
    new Promise((done) => {
      let ws;
      try {
        ws = new WebSocket(socketUrl);
      } catch {
        return done({ opened: false, ms: 0 });
      }
      const start = now();
      let seen;
      const finish = () => {
        clearTimeout(timer);
        ws.onopen = ws.onerror = ws.onclose = null;
        ws.close(1000);
        done(seen || {});
      };
      const timer = setTimeout(finish, timeout);
      const on = (opened) => () => {
        seen ??= { opened, ms: now() - start };
        finish();
      };
      ws.onopen = on(true);
      ws.onerror = ws.onclose = on(false);
    });
  const access = async () => {
    try {
      return await document.hasStorageAccess();
    } catch {
      // unknown
    }
  };
  let session;
  try {
    const s = sessionStorage, key = "cti-bridge/diagnose-probe";
    try {
      s.setItem(key, "1");
      session = s.getItem(key) == "1";
    } catch {
      session = false;
    }
    s.removeItem(key);
  } catch {
    // no storage for this frame
  }
  const [r, w, hasAccess] = await Promise.all([restUrl && rest(), socketUrl && socket(), access()]);
  // A blocked request's violation report is queued as a task of its own.
  await new Promise((done) => setTimeout(done, 50));
  return {
    widgetOrigin: location.origin,
    framed: globalThis.parent !== globalThis,
    topOrigin: ancestorOrigin(true),
    session,
    hasAccess: typeof hasAccess == "boolean" ? hasAccess : undefined,
    locks: !!globalThis.navigator?.locks,
    broadcast: typeof BroadcastChannel == "function",
    rest: r,
    socket: w,
  };
}
export function getText(url, id, s) {
  (async () => {
    const r = await fetch(url, { headers: { Accept: "application/json" } });
    return [r.status, r.ok, r.ok ? await r.text().catch(() => {}) : undefined];
  })().then(
    (v) => tell(s, 9, id, 0, v),
    () => tell(s, 9, id, 0, null),
  );
}
export function later(s) {
  queueMicrotask(() => tell(s, 10, 0, 0));
}
// A listener (target 0: the window, 1: the document) or a timer (repeated when
// `every`), calling `on(0, 0, 0, event)`: each returns the function that removes or
// cancels it (`release`).
export function listen(target, type, on) {
  const t = target === 0 ? globalThis : target === 1 ? globalThis.document : target;
  const f = (e) => on(0, 0, 0, e);
  t?.addEventListener(type, f);
  return () => t?.removeEventListener(type, f);
}
export function timer(ms, every, on) {
  const f = () => on(0, 0, 0);
  const id = every ? setInterval(f, ms) : setTimeout(f, ms);
  return () => (every ? clearInterval : clearTimeout)(id);
}
export const release = (off) => off();
export function deferred() {
  let resolve, reject;
  const promise = new Promise((a, b) => ((resolve = a), (reject = b)));
  return [promise, resolve, reject];
}
// The inbound guard's walk (src/web/guard.rs): the JSON text of a value JSON can say, or
// why not: [0, reason], or [1] for one nested deeper than `depth`.
export function jsonOf(value, depth, most) {
  let nodes = 0;
  const path = [];
  const walk = (v, d) => {
    if (++nodes > most) throw [0, `more than ${most} values`];
    const t = typeof v;
    if (v == null || t == "string" || t == "number" || t == "boolean") return;
    if (t != "object") throw [0, `a ${t} is not JSON`];
    if (d > depth) throw path.includes(v) ? [0, "a cycle (an object containing itself)"] : [1];
    path.push(v);
    if (Array.isArray(v)) {
      if (v.length > most) throw [0, `an array of ${v.length} items`];
      for (let i = 0; i < v.length; i++) walk(v[i], d + 1);
    } else {
      const proto = Object.getPrototypeOf(v);
      if (proto !== null && proto !== Object.prototype) {
        let name;
        try {
          name = proto.constructor.name;
        } catch {
          // an exotic object
        }
        throw [0, `${String(name || "an exotic object").slice(0, 64)} is not a plain object`];
      }
      for (const key of Object.keys(v)) {
        nodes++;
        walk(v[key], d + 1);
      }
    }
    path.pop();
  };
  try {
    walk(value, 1);
    return JSON.stringify(value) ?? "null";
  } catch (e) {
    return Array.isArray(e) ? e : [0, "a value JSON cannot say"];
  }
}
// The widget's window: a message event's parts, the parent, session storage.
export function messageOf(e) {
  if (e instanceof MessageEvent) return [e.origin, e.source != null && e.source === globalThis.parent, e.ports[0], e.data];
}
export function postParent(message, origin) {
  try {
    globalThis.parent.postMessage(message, origin);
  } catch {
    // lost, as a message to a page that went away
  }
}
export const isWindow = () => typeof Window == "function" && globalThis instanceof Window;
export function storageRead(key) {
  let s;
  try {
    s = sessionStorage;
  } catch {
    return;
  }
  if (!s) return;
  try {
    return s.getItem(key);
  } catch {
    return null;
  }
}
export function storageWrite(key, text) {
  try {
    sessionStorage.setItem(key, text);
  } catch {
    // full or gone: the session is not kept
  }
}
