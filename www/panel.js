// The agent's panel: renders the view the wasm core decides (crates/core/src/panel/)
// and turns the agent's clicks into `widget.panelAction(...)`. No decisions here:
// what to show, which actions each card allows and every notice come from the view.
// Strict CSP: DOM built with createElement, no inline style; words per language below.
// Drawing updates what changed only: each part of the view is described with `h` and `patch`
// keeps the nodes already there (matched by key, else by tag and class in order), changing only
// the text, attributes and children that differ.

const WORDS = {
  en: {
    agent: "Agent", state: "State", change: "Change state", apply: "Apply", pending: "Waiting for the contact centre…",
    refused: "Refused", unknown: "Unknown", ready: "Ready", notReady: "Not ready", loggedOut: "Logged out", loggedIn: "Logged in",
    busy: "On a call", wrapUp: "Wrap-up", locked_offline: "Not connected to the contact centre", locked_readOnly: "This contact centre is read-only here",
    locked_loggedOut: "Log in on a phone first", locked_noContactCentre: "No contact centre in this widget",
    phone: "Phone number", phoneLogin: "Log in on phone", work: "Work", noWork: "No interaction", inbound: "Inbound", outbound: "Outbound",
    internal: "Internal", unknownDir: "Call", ringing: "Ringing", dialing: "Dialing", talking: "Talking", held: "On hold", ended: "Ended", queued: "Queued",
    answer: "Answer", hold: "Hold", resume: "Resume", hangup: "Hang up", transfer: "Transfer", transferTo: "Transfer to", finishWrapUp: "Finish wrap-up",
    hidden: "Hidden number", number: "Number to call", dial: "Dial", dial_notSupported: "This contact centre cannot place calls here",
    dial_offline: "Not connected", dial_loggedOut: "Log in on a phone to call", dial_busy: "Finish the current call first",
    signIn: "Sign in", signInTitle: "Sign in to the contact centre", user: "User", password: "Password", signingIn: "Signing in…",
    signInToken: "Sign in with your account", signInUnavailable: "No sign-in is configured for this widget: ask your administrator (credentialsUrl).",
    err_noCredentials: "The page gave no credentials: sign in here.", err_badCredentials: "Wrong user or password.",
    err_refusedAgain: "The sign-in was refused again: check your user and password.", err_serverUnavailable: "The contact centre is unavailable; it will be tried again.",
    err_unreachable: "The contact centre cannot be reached; it will be tried again.", err_misconfigured: "The widget's contact-centre settings are wrong: ask your administrator.",
    err_tokenRefused: "The contact centre refused the session: sign in again.", err_endpointRefused: "You are not signed in to the site that gives the contact-centre token.",
    err_endpointFailed: "The token could not be obtained from the widget's site.", err_noTokenSource: "No way to get a token: no page and no credentialsUrl.",
    err_phoneUnknown: "This phone number is unknown to the contact centre.", err_otherPhone: "You are logged in on another phone.",
    notices: "Notices", dismiss: "Dismiss", incoming: "Incoming call", from: "from", missedOffer: "Missed call", forcedPause: "You were paused by the contact centre",
    refusedCmd: "Command refused", connectionLost: "Connection to the contact centre lost", context: "Context", presence: "CRM presence",
    noPresence: "unknown", available: "available", mode: "Sync", synchronized: "synchronized", complementary: "complementary", off: "off",
    connection: "Connection", live: "live", connecting: "connecting", authenticating: "authenticating", degraded: "degraded", reconnecting: "reconnecting",
    failed: "failed", stopped: "not started", none: "none", queue: "Queue",
  },
  fr: {
    agent: "Agent", state: "État", change: "Changer d'état", apply: "Appliquer", pending: "En attente du centre de contacts…",
    refused: "Refusé", unknown: "Inconnu", ready: "Disponible", notReady: "Indisponible", loggedOut: "Déconnecté", loggedIn: "Connecté",
    busy: "En appel", wrapUp: "Post-appel", locked_offline: "Pas de connexion au centre de contacts", locked_readOnly: "Ce centre de contacts est en lecture seule ici",
    locked_loggedOut: "Connectez-vous d'abord sur un poste", locked_noContactCentre: "Pas de centre de contacts dans ce widget",
    phone: "Numéro de poste", phoneLogin: "Se connecter au poste", work: "Travail", noWork: "Aucune interaction", inbound: "Entrant", outbound: "Sortant",
    internal: "Interne", unknownDir: "Appel", ringing: "Sonne", dialing: "Numérotation", talking: "En conversation", held: "En attente", ended: "Terminé", queued: "En file",
    answer: "Répondre", hold: "Mettre en attente", resume: "Reprendre", hangup: "Raccrocher", transfer: "Transférer", transferTo: "Transférer vers", finishWrapUp: "Terminer le post-appel",
    hidden: "Numéro masqué", number: "Numéro à appeler", dial: "Appeler", dial_notSupported: "Ce centre de contacts ne peut pas passer d'appel ici",
    dial_offline: "Pas de connexion", dial_loggedOut: "Connectez-vous à un poste pour appeler", dial_busy: "Terminez d'abord l'appel en cours",
    signIn: "Se connecter", signInTitle: "Connexion au centre de contacts", user: "Utilisateur", password: "Mot de passe", signingIn: "Connexion…",
    signInToken: "Se connecter avec votre compte", signInUnavailable: "Aucune connexion n'est configurée pour ce widget : voyez votre administrateur (credentialsUrl).",
    err_noCredentials: "La page n'a pas fourni d'identifiants : connectez-vous ici.", err_badCredentials: "Utilisateur ou mot de passe incorrect.",
    err_refusedAgain: "La connexion a encore été refusée : vérifiez l'utilisateur et le mot de passe.", err_serverUnavailable: "Le centre de contacts est indisponible ; nouvel essai automatique.",
    err_unreachable: "Le centre de contacts est injoignable ; nouvel essai automatique.", err_misconfigured: "Les réglages du centre de contacts sont faux : voyez votre administrateur.",
    err_tokenRefused: "Le centre de contacts a refusé la session : reconnectez-vous.", err_endpointRefused: "Vous n'êtes pas connecté au site qui fournit le jeton du centre de contacts.",
    err_endpointFailed: "Le jeton n'a pas pu être obtenu du site du widget.", err_noTokenSource: "Aucun moyen d'obtenir un jeton : ni page ni credentialsUrl.",
    err_phoneUnknown: "Ce numéro de poste est inconnu du centre de contacts.", err_otherPhone: "Vous êtes connecté sur un autre poste.",
    notices: "Avis", dismiss: "Fermer", incoming: "Appel entrant", from: "de", missedOffer: "Appel manqué", forcedPause: "Le centre de contacts vous a mis en pause",
    refusedCmd: "Commande refusée", connectionLost: "Connexion au centre de contacts perdue", context: "Contexte", presence: "Présence CRM",
    noPresence: "inconnue", available: "disponible", mode: "Synchro", synchronized: "synchronisée", complementary: "complémentaire", off: "désactivée",
    connection: "Connexion", live: "active", connecting: "connexion", authenticating: "authentification", degraded: "dégradée", reconnecting: "reconnexion",
    failed: "échec", stopped: "non démarrée", none: "aucune", queue: "File",
  },
};

/**
 * Describes an element: h("button", {class: "x", onclick}, "text", child...). Attributes that
 * are null, undefined or false are absent; `class` and `value` are the element's properties;
 * `key` (else `id`, else `data-key`) names it among its siblings for `patch`.
 */
function h(tag, attrs, ...children) {
  return { tag, attrs: attrs || {}, key: attrs?.key ?? attrs?.id ?? attrs?.["data-key"],
    children: children.flat().filter((c) => c !== null && c !== undefined && c !== false) };
}

const absent = (v) => v === undefined || v === null || v === false;

/** The one listener of every drawn element: calls the handler of its current description. */
function dispatch(event) {
  this.described.attrs[`on${event.type}`]?.(event);
}

/** Brings `el`'s attributes, handlers and class from description `was` to `v`. */
function setAttrs(el, was, v) {
  for (const [k, value] of Object.entries(v.attrs)) {
    if (k === "key" || k === "value" || value === was.attrs[k]) continue;
    if (k.startsWith("on")) {
      if (!was.attrs[k]) el.addEventListener(k.slice(2), dispatch);
    } else if (k === "class") el.className = value ?? "";
    else if (absent(value)) el.removeAttribute(k);
    else el.setAttribute(k, value === true ? "" : String(value));
  }
  for (const k of Object.keys(was.attrs)) {
    if (k in v.attrs || k === "key" || k === "value") continue;
    if (k.startsWith("on")) el.removeEventListener(k.slice(2), dispatch);
    else if (k === "class") el.className = "";
    else el.removeAttribute(k);
  }
  el.described = v;
}

const NONE = { attrs: {} };

/** A new node for a description (a string is a text node). */
function create(v) {
  if (typeof v !== "object") return document.createTextNode(String(v));
  const el = document.createElement(v.tag);
  setAttrs(el, NONE, v);
  for (const c of v.children) el.append(create(c));
  if (!absent(v.attrs.value)) el.value = v.attrs.value;
  return el;
}

/** Updates `el` (drawn from a description with the same tag) to `v`. */
function update(el, v) {
  const was = el.described;
  if (was === v) return;
  setAttrs(el, was, v);
  patch(el, v.children);
  // A value the view changed (a click-to-dial, a confirmed state) replaces what was typed or
  // picked; otherwise what the agent typed stays.
  if (v.attrs.value !== was.attrs.value && !absent(v.attrs.value)) el.value = v.attrs.value;
}

/**
 * Makes `parent`'s children match the descriptions `next`, keeping the nodes that match: by key
 * (same tag), else the next unkeyed node of the same tag and class (or at least the same tag),
 * text for text. Nodes that stay are not moved unless the order of keyed ones changed.
 */
function patch(parent, next) {
  const keyed = new Map();
  const loose = [];
  for (const node of parent.childNodes) {
    const key = node.described?.key;
    if (key !== undefined) keyed.set(key, node);
    else loose.push(node);
  }
  let cursor = 0;
  const take = (v) => {
    if (typeof v !== "object") {
      for (let i = cursor; i < loose.length; i++) {
        if (loose[i].nodeType === 3) return (cursor = i + 1, loose[i]);
      }
      return null;
    }
    if (v.key !== undefined) {
      const node = keyed.get(v.key);
      if (node?.described.tag !== v.tag) return null;
      keyed.delete(v.key);
      return node;
    }
    for (let i = cursor; i < loose.length; i++) {
      const d = loose[i].described;
      if (d?.tag === v.tag && d.key === undefined && d.attrs.class === v.attrs.class) return (cursor = i + 1, loose[i]);
    }
    const d = loose[cursor]?.described;
    if (d?.tag === v.tag && d.key === undefined) return loose[cursor++];
    return null;
  };
  const nodes = next.map((v) => {
    const node = take(v);
    if (!node) return create(v);
    if (typeof v !== "object") {
      const text = String(v);
      if (node.data !== text) node.data = text;
    } else update(node, v);
    return node;
  });
  const kept = new Set(nodes);
  for (const node of [...parent.childNodes]) if (!kept.has(node)) node.remove();
  nodes.forEach((node, i) => {
    const at = parent.childNodes[i];
    if (at !== node) parent.insertBefore(node, at || null);
  });
}

function elapsed(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const mm = String(Math.floor(s / 60) % 60).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * Mounts the panel in `root` for `widget` (a `Widget` from startWidget).
 * `announcer`: the one live region (role status; alert for an incoming call).
 */
export function mountPanel(widget, root, announcer, { locale } = {}) {
  const lang = widget.panelLocale(locale || navigator.language || "en");
  const t = (k) => WORDS[lang][k] ?? WORDS.en[k] ?? k;
  document.documentElement.lang = lang;
  const act = (action) => {
    try {
      widget.panelAction(action);
    } catch (e) {
      console.warn("panel action refused:", e.message);
    }
  };
  const sections = {};
  const last = {};
  const seen = new Set();
  let clockOffset = 0;
  for (const name of ["signin", "agent", "work", "notices", "context"]) {
    sections[name] = create(h("section", { class: `panel-${name}`, "aria-labelledby": `panel-${name}-title` }));
    root.append(sections[name]);
  }

  /**
   * Updates a section when its part of the view changed: its nodes stay (and with them focus,
   * typed values and picked options) where the view still has them.
   */
  function draw(name, part, build) {
    const key = JSON.stringify(part);
    if (last[name] === key) return;
    last[name] = key;
    const section = sections[name];
    const focused = section.contains(document.activeElement) ? document.activeElement.dataset.key : null;
    patch(section, [build(part)].flat().filter(Boolean));
    section.hidden = section.childElementCount === 0;
    // A focused control drawn anew (or moved) gets the focus back.
    if (focused && document.activeElement?.dataset?.key !== focused) section.querySelector(`[data-key="${focused}"]`)?.focus();
  }

  function announce(text, assertive) {
    announcer.setAttribute("role", assertive ? "alert" : "status");
    announcer.textContent = "";
    // A fresh text node each time, so a repeat is announced again.
    setTimeout(() => { announcer.textContent = text; }, 50);
  }

  const stateName = (state) => t(state === "unknown" ? "unknown" : state);
  const optionLabel = (o) => o.label ? `${t("notReady")}: ${o.label}` : t(o.state);

  function agentPart(a) {
    const reason = a.reasonLabel || a.reason;
    const rows = [
      h("h2", { id: "panel-agent-title" }, t("agent")),
      h("p", { class: "agent-state" },
        h("span", { class: `dot dot-${a.state}`, "aria-hidden": "true" }),
        h("span", { class: "state-name", "data-state": a.state }, stateName(a.state)),
        reason ? h("span", { class: "state-reason" }, ` · ${reason}`) : null),
    ];
    // The option shown: the one asked for, else the current state's (a new one replaces what the agent picked).
    const chosen = a.pending || a.selected;
    const form = h("form", { class: "state-form", onsubmit: (e) => {
      e.preventDefault();
      act({ action: "setState", option: e.currentTarget.elements.state.value });
    } },
    h("label", { for: "state-select" }, t("change")),
    h("div", { class: "row" },
      h("select", { id: "state-select", name: "state", "data-key": "state", disabled: !!a.locked || !!a.pending, "aria-describedby": a.locked ? "state-locked" : null,
        value: a.options.some((o) => o.id === chosen) ? chosen : null },
      a.options.map((o) => h("option", { key: o.id, value: o.id, selected: o.id === chosen }, optionLabel(o)))),
      h("button", { type: "submit", "data-key": "apply", disabled: !!a.locked || !!a.pending }, t("apply"))));
    rows.push(form);
    if (a.locked) rows.push(h("p", { id: "state-locked", class: "hint" }, t(`locked_${a.locked}`)));
    if (a.pending) rows.push(h("p", { class: "pending" }, t("pending")));
    if (a.refusal) rows.push(h("p", { class: "refusal" }, `${t("refused")}: ${a.refusal}`));
    if (a.phoneLogin) {
      const phoneForm = h("form", { class: "phone-form", onsubmit: (e) => {
        e.preventDefault();
        act({ action: "phoneLogin", phone: e.currentTarget.elements.phone.value });
      } },
      h("label", { for: "phone-login" }, t("phone")),
      h("div", { class: "row" },
        h("input", { id: "phone-login", name: "phone", type: "tel", autocomplete: "tel", "data-key": "phone-login", required: true }),
        h("button", { type: "submit", "data-key": "phone-login-go" }, t("phoneLogin"))));
      rows.push(phoneForm);
    }
    return rows;
  }

  function card(c) {
    const title = c.direction === "unknown" ? t("unknownDir") : t(c.direction);
    const titleId = `card-${c.id}-title`;
    const actions = c.actions.filter((a) => a !== "transfer").map((a) =>
      h("button", { type: "button", class: `act act-${a}`, "data-key": `${c.id}:${a}`, "aria-describedby": titleId,
        onclick: () => act(a === "finishWrapUp" ? { action: a } : { action: a, id: c.id }) }, t(a)));
    let transfer = null;
    if (c.actions.includes("transfer")) {
      const inputId = `transfer-${c.id}`;
      transfer = h("form", { class: "transfer row", onsubmit: (e) => {
        e.preventDefault();
        act({ action: "transfer", id: c.id, destination: e.currentTarget.elements.destination.value });
      } },
      h("label", { for: inputId, class: "sr-only" }, t("transferTo")),
      h("input", { id: inputId, name: "destination", type: "tel", placeholder: t("transferTo"), "data-key": `${c.id}:transfer-to`, required: true }),
      h("button", { type: "submit", "data-key": `${c.id}:transfer` }, t("transfer")));
    }
    return h("li", { class: `card card-${c.state}`, "data-id": c.id },
      h("h3", { id: titleId, class: "card-title" },
        h("span", { class: "card-dir" }, title), " ",
        h("span", { class: "card-party" }, c.party || t("hidden"))),
      h("p", { class: "card-meta" },
        h("span", { class: "card-state" }, t(c.state)),
        h("span", { class: "timer", "data-since": c.since }, elapsed(Date.now() - clockOffset - c.since)),
        c.queue ? h("span", { class: "card-queue" }, `${t("queue")} ${c.queue}`) : null,
        c.media ? h("span", { class: "card-media" }, c.media) : null),
      actions.length ? h("div", { class: "actions" }, actions) : null,
      transfer);
  }

  function workPart({ cards, dial }) {
    // A click-to-dial from the CRM fills the field (a new `value`); otherwise what the agent typed stays.
    const dialForm = h("form", { class: "dial-form", onsubmit: (e) => {
      e.preventDefault();
      act({ action: "dial", number: e.currentTarget.elements.number.value });
    } },
    h("label", { for: "dial-number" }, t("number")),
    h("div", { class: "row" },
      h("input", { id: "dial-number", name: "number", type: "tel", autocomplete: "tel", "data-key": "dial-number",
        value: dial.number, disabled: !!dial.locked, "aria-describedby": dial.locked ? "dial-locked" : null }),
      h("button", { type: "submit", "data-key": "dial", disabled: !!dial.locked }, t("dial"))),
    dial.locked ? h("p", { id: "dial-locked", class: "hint" }, t(`dial_${dial.locked}`)) : null);
    return [
      h("h2", { id: "panel-work-title" }, t("work")),
      cards.length ? h("ul", { class: "cards" }, cards.map(card)) : h("p", { class: "hint" }, t("noWork")),
      dialForm,
    ];
  }

  function signInPart(s) {
    if (!s) return [];
    const rows = [h("h2", { id: "panel-signin-title" }, t("signInTitle"))];
    const error = s.error ? h("p", { id: "signin-error", class: "refusal" }, t(`err_${s.error}`)) : null;
    if (s.kind === "axp") {
      if (s.unavailable) return [...rows, h("p", { class: "hint" }, t("signInUnavailable"))];
      rows.push(error, h("button", { type: "button", "data-key": "signin-token", disabled: s.busy, "aria-describedby": error ? "signin-error" : null,
        onclick: () => act({ action: "signInToken" }) }, s.busy ? t("signingIn") : t("signInToken")));
      return rows;
    }
    const form = h("form", { class: "signin-form", "aria-describedby": error ? "signin-error" : null, onsubmit: (e) => {
      e.preventDefault();
      const f = e.currentTarget.elements;
      act({ action: "signIn", login: f.login.value, password: f.password.value, phone: f.phone.value || null });
      f.password.value = "";
    } },
    error,
    h("label", { for: "signin-login" }, t("user")),
    h("input", { id: "signin-login", name: "login", autocomplete: "username", "data-key": "signin-login", required: true }),
    h("label", { for: "signin-password" }, t("password")),
    h("input", { id: "signin-password", name: "password", type: "password", autocomplete: "current-password", "data-key": "signin-password", required: true }),
    h("label", { for: "signin-phone" }, t("phone")),
    h("input", { id: "signin-phone", name: "phone", type: "tel", autocomplete: "tel", "data-key": "signin-phone" }),
    h("button", { type: "submit", "data-key": "signin-go", disabled: s.busy }, s.busy ? t("signingIn") : t("signIn")));
    rows.push(form);
    return rows;
  }

  function noticeText(n) {
    switch (n.kind) {
      case "incoming": return `${t("incoming")}${n.party ? ` ${t("from")} ${n.party}` : ""}`;
      case "missedOffer": return `${t("missedOffer")}${n.party ? ` ${t("from")} ${n.party}` : ""}`;
      case "forcedPause": return `${t("forcedPause")}${n.reason ? ` (${n.reason})` : ""}`;
      case "refused": return `${t("refusedCmd")}: ${n.command}${n.detail ? ` (${n.detail})` : ""}`;
      case "connectionLost": return `${t("connectionLost")} (${n.reason})`;
      default: return n.kind;
    }
  }

  function noticesPart(notices) {
    if (!notices.length) return [];
    return [
      h("h2", { id: "panel-notices-title", class: "sr-only" }, t("notices")),
      h("ul", { class: "notices" }, notices.map((n) => {
        const text = noticeText(n);
        return h("li", { key: `notice-${n.id}`, class: `notice notice-${n.kind}` },
          h("span", {}, text),
          h("button", { type: "button", class: "dismiss", "data-key": `notice-${n.id}`, "aria-label": `${t("dismiss")}: ${text}`,
            onclick: () => act({ action: "dismiss", id: n.id }) }, "×"));
      })),
    ];
  }

  function contextPart(c) {
    const item = (label, value, cls) => [h("dt", {}, label), h("dd", { class: cls }, value)];
    return [
      h("h2", { id: "panel-context-title", class: "sr-only" }, t("context")),
      h("dl", { class: "context" },
        item(t("presence"), c.presence ? `${c.presence.name}${c.presence.available ? ` (${t("available")})` : ""}` : t("noPresence")),
        item(t("mode"), t(c.mode)),
        item(t("connection"), `${c.source ? `${c.source} ` : ""}${t(c.health)}${c.reason && c.health !== "live" ? `: ${c.reason}` : ""}`, `health health-${c.health}`)),
    ];
  }

  function render(view) {
    clockOffset = Date.now() - view.now;
    draw("signin", view.signIn || null, signInPart);
    draw("agent", view.agent, agentPart);
    draw("work", { cards: view.cards, dial: view.dial }, workPart);
    draw("notices", view.notices, noticesPart);
    draw("context", view.context, contextPart);
    const fresh = view.notices.filter((n) => !seen.has(n.id));
    for (const n of view.notices) seen.add(n.id);
    if (fresh.length) {
      const alert = fresh.find((n) => n.assertive);
      announce((alert ? [alert] : fresh).map(noticeText).join(". "), !!alert);
    }
    if (view.signIn?.error && last.signinError !== view.signIn.error) announce(t(`err_${view.signIn.error}`), false);
    last.signinError = view.signIn?.error;
    tick();
  }

  function tick() {
    const now = Date.now() - clockOffset;
    for (const el of root.querySelectorAll(".timer[data-since]")) {
      const text = elapsed(now - Number(el.dataset.since));
      if (el.textContent !== text) el.textContent = text;
    }
  }

  root.hidden = false;
  widget.panel(render);
  const timer = setInterval(tick, 1000);
  return { stop: () => clearInterval(timer) };
}

/** The CSS custom properties a host may set (`connect({theme})`), by their theme key. */
export const THEME_KEYS = ["bg", "fg", "muted", "surface", "border", "accent", "accentFg", "danger", "ok", "warn", "focus", "radius", "font", "fontSize"];

/** Applies a host theme: known keys only, values without anything that could fetch or break out. */
export function applyTheme(theme, root = document.documentElement) {
  if (!theme || typeof theme !== "object") return;
  for (const [key, value] of Object.entries(theme)) {
    if (!THEME_KEYS.includes(key) || typeof value !== "string" || !/^[#(),.%\w\s'"-]{1,80}$/.test(value) || /url\s*\(/i.test(value)) continue;
    root.style.setProperty(`--cti-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, value);
  }
}
