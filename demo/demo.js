// cti-bridge demo page: loads the widget (wasm-bindgen --target web output in
// pkg/), feeds it the seed samples, a scripted scenario or pasted messages,
// and shows every output, the engine's snapshot and the counters.
//
// No inline script or style anywhere (the server's CSP forbids them); every
// piece of message data reaches the DOM through textContent only.

import init, { Bridge, decode } from './pkg/cti_bridge.js';
import { $, el } from './dom.js';
import { xucAgentState, xucLoggedOn } from './xuc-frames.js';

/** The five sources: id, vendor surface, side, and how the vendor delivers a message. */
const SOURCES = [
  { id: 'openframe', label: 'ServiceNow OpenFrame', side: 'crm', transport: 'object' },
  { id: 'crm-connector', label: 'Avaya CRM Connector', side: 'crm', transport: 'object' },
  { id: 'agentdesktop', label: 'AgentDesktop SDK', side: 'cc', transport: 'object' },
  { id: 'axp', label: 'Avaya AXP WebSocket', side: 'cc', transport: 'text' },
  { id: 'xuc', label: 'XiVO xuc WebSocket', side: 'cc', transport: 'text' },
];
const SOURCE_BY_ID = new Map(SOURCES.map((s) => [s.id, s]));

/** Delay between messages (ms) per playback speed. */
const SPEEDS = {
  instant: { sample: 0, scenario: 0 },
  normal: { sample: 30, scenario: 600 },
  slow: { sample: 250, scenario: 1600 },
};

/** Most message groups kept in the log (oldest dropped first). */
const MAX_GROUPS = 1500;

// ---------------------------------------------------------------------------
// The scenario: exact message shapes from the seed samples (tests/fixtures),
// AXP notifications given their own event ids (the vendor's examples all share
// one, which the bridge's duplicate filter would drop).

const AXP_ENVELOPE = {
  correlationId: 'a425851d-5225-4b76-8ca0-4fa31ecfd5db',
  subscriptionId: 'fdbec917-e76e-4645-8120-4eac46f29487',
  family: 'AGENT_ENGAGEMENT',
  sentAt: '2020-08-24T08:20:23.395Z',
  accountId: 'DYNNUG',
  loginId: '[email protected]',
};
const ENGAGEMENT = '15bcf682-3edf-4c79-b083-07864fa1fb55';
const axpFrame = (body) => JSON.stringify({ ...AXP_ENVELOPE, body });
const agentParticipant = (action, id) => axpFrame({
  event: 'AgentParticipant', engagementId: ENGAGEMENT,
  channelProviderId: '4dc53692-e25c-4e8c-a780-0b2f05008478',
  connectionId: 'b2bcbf1e-905b-4164-bab5-6efcde49933b', action,
  agentId: '4a785201-73b8-4842-abf7-36f5e572d310', dialogId: '01005000281645486013',
  extension: 8010017, channelId: 'Voice', providerEngagementId: '00001084011532384922',
  agentInitiatedDisconnect: action === 'REMOVED', id, timestamp: 1718093415123,
});
const afterContactWork = (event, id) => axpFrame({
  event, engagementId: ENGAGEMENT, agentId: 'zz3tDKfrQx-Mv78Q_AIpGG',
  dialogId: '01005000281645486013', connectionId: 'd2775626-66d4-459b-8147-09ea4b98c370',
  channelProviderId: '4dc53692-e25c-4e8c-a780-0b2f05008478', channelId: 'Voice',
  id, timestamp: 1718093415123,
});
const xucAgent = (name, extra = {}) => JSON.stringify(xucAgentState(name, extra));
const omnichannel = (statusId) => ({
  type: 'ClientAppMessage', action: 'omnichannelResponse', data: { statusId, success: true },
});

/** Steps: [source, message (object: postMessage / SDK; string: WebSocket frame), narration]. */
const SCENARIO = [
  ['xuc', JSON.stringify(xucLoggedOn()), 'xuc: the CTI session is logged on'],
  ['xuc', xucAgent('AgentLogin', { since: 1423839787 }), 'xuc: agent 19 logs in (not Ready yet)'],
  ['crm-connector', omnichannel('Available'), 'CRM: the agent sets Omni-Channel to Available'],
  ['xuc', xucAgent('AgentReady', { cause: 'available' }), 'xuc: agent 19 reports Ready'],
  ['axp', axpFrame({
    event: 'InboundEngagementCreated', engagementId: ENGAGEMENT,
    channelProviderId: '4dc53692-e25c-4e8c-a780-0b2f05008478',
    connectionId: 'd2775626-66d4-459b-8147-09ea4b98c370', externalParticipantId: '+35395554321',
    dialogId: '01005000281645486013', callingNumber: '+15551235555', dialledNumber: '+18005555555',
    channelId: 'Voice', providerEngagementId: '00001084011532384922',
    engagementParameters: { language: 'en' },
    id: '6f1d7c2a-0001-4c3e-9b7a-5d2e8f1a0001', timestamp: 1718093410000,
  }), 'AXP: an inbound call arrives'],
  ['axp', agentParticipant('ADDED', '6f1d7c2a-0002-4c3e-9b7a-5d2e8f1a0002'), 'AXP: the agent answers (AgentParticipant ADDED)'],
  ['crm-connector', omnichannel('Busy'), 'CRM: reports Busy (the echo of the bridge\'s request)'],
  ['axp', agentParticipant('REMOVED', '6f1d7c2a-0003-4c3e-9b7a-5d2e8f1a0003'), 'AXP: the call ends (AgentParticipant REMOVED)'],
  ['axp', afterContactWork('AfterContactWorkActivated', '6f1d7c2a-0004-4c3e-9b7a-5d2e8f1a0004'), 'AXP: after-contact work starts'],
  ['axp', afterContactWork('AfterContactWorkCompleted', '6f1d7c2a-0005-4c3e-9b7a-5d2e8f1a0005'), 'AXP: after-contact work completed'],
  ['crm-connector', omnichannel('Available'), 'CRM: reports Available again'],
  ['axp', afterContactWork('AfterContactWorkCompleted', '6f1d7c2a-0005-4c3e-9b7a-5d2e8f1a0005'), 'AXP: the same event replayed after a reconnect'],
];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));

function shortId(id) {
  const s = String(id);
  return s.length > 14 ? `${s.slice(0, 8)}…${s.slice(-4)}` : s;
}

/** Compact one-line JSON of an output without the fields shown in its header. */
function compact(value, omit = []) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const rest = {};
    for (const [k, v] of Object.entries(value)) if (!omit.includes(k)) rest[k] = v;
    return JSON.stringify(rest);
  }
  return JSON.stringify(value);
}

/** A JSON line that expands on click. */
function jsonLine(text) {
  const code = el('code', 'json', text);
  code.title = 'click to expand / collapse';
  code.tabIndex = 0;
  return code;
}

// ---------------------------------------------------------------------------
// Describing messages and outputs

/** The vendor's own name for a raw message (for the group header). */
function vendorName(source, msg) {
  if (!msg || typeof msg !== 'object') return 'message';
  try {
    switch (source) {
      case 'openframe':
        return String(msg.event ?? 'message');
      case 'crm-connector':
        return [msg.type, msg.action].filter(Boolean).join(' · ') || 'message';
      case 'agentdesktop':
        return String(msg.event ?? 'message');
      case 'axp':
        if (msg.body && typeof msg.body === 'object') {
          const b = msg.body;
          return [b.event, b.action, b.state].filter((x) => typeof x === 'string').join(' · ');
        }
        return [msg.event, msg.status].filter(Boolean).join(' · ') || 'message';
      case 'xuc': {
        const cti = msg.ctiMessage;
        const detail = cti && typeof cti === 'object' && !Array.isArray(cti)
          ? cti.name ?? cti.eventType ?? cti.Error ?? cti.status
          : undefined;
        return [msg.msgType, detail].filter((x) => typeof x === 'string').join(' · ') || 'message';
      }
      default:
        return 'message';
    }
  } catch {
    return 'message';
  }
}

/** One-line human summary of a normalized event. */
function summarize(ev) {
  const parts = [];
  const add = (...xs) => xs.forEach((x) => { if (x !== undefined && x !== null && x !== '' && x !== false) parts.push(String(x)); });
  switch (ev.kind) {
    case 'agentState':
      add(ev.state, ev.reason && `reason ${ev.reason}`, ev.cause && `cause ${ev.cause}`,
        ev.agentId && `agent ${shortId(ev.agentId)}`);
      break;
    case 'presence':
      add(ev.name, ev.available ? 'available' : 'not available',
        ev.success === false && 'refused',
        Array.isArray(ev.channels) && `${ev.channels.length} channel(s)`);
      break;
    case 'workItem':
      add(ev.phase, ev.channel, ev.document && ev.document.table, ev.reason, ev.id && shortId(ev.id));
      break;
    case 'interaction':
      add(ev.phase, ev.media, ev.direction,
        (ev.from || ev.to) && `${ev.from ?? '?'} → ${ev.to ?? '?'}`,
        ev.queue && `queue ${shortId(ev.queue)}`, ev.id && shortId(ev.id));
      break;
    case 'screenPop':
      add(Array.isArray(ev.ani) ? ev.ani.join(', ') : ev.ani, ev.media,
        ev.interactionId && shortId(ev.interactionId));
      break;
    case 'connection':
      add(ev.status, ev.detail);
      break;
    case 'agentError':
      add(ev.code);
      break;
    case 'directory':
      add(ev.list, Array.isArray(ev.entries) && `${ev.entries.length} entr${ev.entries.length === 1 ? 'y' : 'ies'}`);
      break;
    case 'callback':
      add(ev.action, ev.uuid && shortId(ev.uuid));
      break;
    case 'crmMessage':
      add(ev.action);
      break;
    default:
      for (const key of ['action', 'status', 'name', 'agentId', 'interactionId', 'number', 'profile']) {
        if (typeof ev[key] === 'string' || typeof ev[key] === 'number') add(ev[key]);
      }
  }
  if (ev.vendorState) add(`(${ev.vendorState})`);
  return parts.join(' · ');
}

const SIDE_LABEL = { crm: 'CRM', cc: 'contact centre' };

// ---------------------------------------------------------------------------
// The log

const log = {
  list: null,
  count: 0,
  events: 0,
  commands: 0,
  errors: 0,
  dups: 0,

  /** Starts a group for one input; returns its element. */
  group(origin, source, title, note) {
    const li = el('li', `msg origin-${origin}`);
    li.dataset.origin = origin;
    if (source) li.dataset.source = source;
    const head = el('div', 'msg-head');
    if (source) {
      const side = SOURCE_BY_ID.get(source)?.side ?? 'any';
      head.append(el('span', `badge src side-${side}`, source));
    } else {
      head.append(el('span', 'badge src side-any', origin));
    }
    head.append(el('span', 'msg-title', title));
    if (note) head.append(el('span', 'msg-note', note));
    li.append(head);
    li.append(el('ul', 'outs'));
    this.list.append(li);
    this.count += 1;
    while (this.list.children.length > MAX_GROUPS) this.list.firstElementChild.remove();
    $('log-empty').hidden = true;
    return li;
  },

  /** Adds the raw input (collapsed) to a group. */
  raw(group, text) {
    const details = el('details', 'raw');
    details.append(el('summary', null, 'raw message'));
    details.append(el('pre', null, text));
    group.querySelector('.msg-head').after(details);
  },

  divider(text) {
    const li = el('li', 'divider');
    li.append(el('span', null, text));
    this.list.append(li);
    $('log-empty').hidden = true;
  },

  /** Adds the bridge's outputs for one input. */
  outputs(group, outputs) {
    const ul = group.querySelector('.outs');
    for (const out of outputs) {
      if (out && out.kind === 'command') ul.append(this.commandRow(out));
      else ul.append(this.eventRow(out));
    }
  },

  eventRow(ev) {
    this.events += 1;
    const li = el('li', 'out event');
    li.dataset.kind = ev.kind;
    const line = el('div', 'out-line');
    line.append(el('span', 'seq', ev.seq === undefined ? '→ CRM' : `#${ev.seq}`));
    line.append(el('span', `kind kind-${ev.kind}`, ev.kind));
    line.append(el('span', 'summary', summarize(ev)));
    li.append(line);
    li.append(jsonLine(compact(ev, ['seq', 'source', 'kind'])));
    return li;
  },

  commandRow(cmd) {
    this.commands += 1;
    const li = el('li', `out command status-${cmd.status}`);
    li.dataset.kind = 'command';
    li.dataset.status = cmd.status;
    li.dataset.target = cmd.target;
    const line = el('div', 'out-line');
    line.append(el('span', 'seq', `cmd ${cmd.id}`));
    line.append(el('span', `target side-${cmd.target}`, `→ ${SIDE_LABEL[cmd.target] ?? cmd.target}`));
    line.append(el('span', `want want-${cmd.state}`, cmd.state === 'ready' ? 'Ready' : 'Not Ready'));
    line.append(el('span', 'cause', `cause ${cmd.cause}`));
    line.append(el('span', 'via', cmd.source ? `via ${cmd.source}` : 'no protocol known'));
    line.append(el('span', `pill status-${cmd.status}`, cmd.status));
    li.append(line);
    if (cmd.detail) li.append(el('div', 'detail', cmd.detail));
    li.append(jsonLine(`wire ${JSON.stringify(cmd.wire)}`));
    return li;
  },

  errorRow(group, err) {
    this.errors += 1;
    group.classList.add('has-error');
    const li = el('li', 'out error');
    li.dataset.kind = 'error';
    li.dataset.code = err.code ?? 'error';
    const line = el('div', 'out-line');
    line.append(el('span', 'seq', 'error'));
    line.append(el('span', 'kind kind-error', err.code ?? 'error'));
    line.append(el('span', 'summary', err.reason ?? String(err)));
    li.append(line);
    group.querySelector('.outs').append(li);
  },

  /** A message the bridge dropped as a repeat; shows what it decodes to. */
  duplicateRow(group, source, message) {
    this.dups += 1;
    group.classList.add('is-duplicate');
    const li = el('li', 'out duplicate');
    li.dataset.kind = 'duplicate';
    const line = el('div', 'out-line');
    line.append(el('span', 'seq', 'dropped'));
    line.append(el('span', 'kind kind-duplicate', 'duplicate'));
    line.append(el('span', 'summary', 'event id seen before: not applied again (counted in stats.duplicates)'));
    li.append(line);
    let bodies = [];
    try {
      bodies = decode(source, message);
    } catch {
      bodies = [];
    }
    for (const body of bodies) {
      const row = el('div', 'decoded');
      row.dataset.kind = body.kind;
      row.append(el('span', `kind kind-${body.kind}`, body.kind));
      row.append(el('span', 'summary', summarize(body)));
      li.append(row);
    }
    group.querySelector('.outs').append(li);
  },

  clear() {
    this.list.replaceChildren();
    this.count = this.events = this.commands = this.errors = this.dups = 0;
    $('log-empty').hidden = false;
  },

  follow() {
    if ($('autoscroll').checked) this.list.lastElementChild?.scrollIntoView({ block: 'nearest' });
    $('log-count').textContent = `${this.count} message${this.count === 1 ? '' : 's'} · ${this.events} events · ${this.commands} command updates · ${this.dups} duplicates · ${this.errors} errors`;
  },
};

// ---------------------------------------------------------------------------
// The bridge

let bridge = null;

function currentMode() {
  return $('mode').value;
}

function newBridge(reason) {
  if (bridge) bridge.free();
  bridge = new Bridge(currentMode());
  log.divider(`${reason}: new bridge, mode ${currentMode()}`);
  refresh();
}

/**
 * Feeds one message to the bridge and renders its outputs.
 * `message` is a string (a WebSocket frame / pasted text: ingestText) or an
 * object (a postMessage / SDK event: ingest). Returns the group element.
 */
function feed(origin, source, message, title, note) {
  const isText = typeof message === 'string';
  let parsed = null;
  if (isText) {
    try { parsed = JSON.parse(message); } catch { parsed = null; }
  } else {
    parsed = message;
  }
  const name = parsed ? vendorName(source, parsed) : 'unparsable text';
  const group = log.group(origin, source, title ? `${title} · ${name}` : name, note);
  log.raw(group, isText ? message : JSON.stringify(message, null, 2));
  const dupsBefore = bridge.stats().duplicates;
  try {
    const outputs = isText
      ? bridge.ingestText(source, message, Date.now())
      : bridge.ingest(source, message, Date.now());
    log.outputs(group, outputs);
    if (outputs.length === 0 && bridge.stats().duplicates > dupsBefore) {
      log.duplicateRow(group, source, parsed);
    } else if (outputs.length === 0) {
      group.querySelector('.outs').append(el('li', 'out none', 'no output'));
    }
  } catch (err) {
    log.errorRow(group, err && typeof err === 'object' && 'reason' in err
      ? err
      : { code: 'error', reason: err instanceof Error ? err.message : String(err) });
  }
  refresh();
  log.follow();
  return group;
}

function tick() {
  if (!bridge) return;
  const outputs = bridge.tick(Date.now());
  if (outputs.length > 0) {
    const group = log.group('clock', null, 'clock tick', 'no confirmation in time');
    log.outputs(group, outputs);
    refresh();
    log.follow();
  }
}

function ask(target, state) {
  const outputs = bridge.request(target, state, Date.now());
  const group = log.group('host', null, `host asks the ${SIDE_LABEL[target]} for ${state}`);
  log.outputs(group, outputs);
  if (outputs.length === 0) group.querySelector('.outs').append(el('li', 'out none', 'nothing to do'));
  refresh();
  log.follow();
}

// ---------------------------------------------------------------------------
// Snapshot and stats panels

function pill(text, cls) {
  return el('span', `pill ${cls}`, text);
}

function snapCard(title, sub) {
  const box = el('div', 'snap');
  const h = el('h3', null, title);
  if (sub) h.append(el('span', 'snap-sub', sub));
  box.append(h);
  return box;
}

function renderSnapshot() {
  const s = bridge.snapshot();
  const root = $('snapshot');
  root.replaceChildren();

  const agent = snapCard('Agent state', s.ccSource ? `contact centre · ${s.ccSource}` : 'contact centre');
  if (s.agentState) {
    agent.append(pill(s.agentState.state, `state-${s.agentState.state}`));
    const meta = [s.agentState.reason && `reason ${s.agentState.reason}`,
      s.agentState.agentId && `agent ${shortId(s.agentState.agentId)}`].filter(Boolean).join(' · ');
    if (meta) agent.append(el('div', 'snap-meta', meta));
  } else {
    agent.append(pill('unknown', 'state-unknown'));
  }
  agent.dataset.state = s.agentState?.state ?? 'unknown';
  agent.id = 'snap-agent';

  const crm = snapCard('CRM presence', s.crmSource ? `CRM · ${s.crmSource}` : 'CRM');
  if (s.presence) {
    crm.append(pill(s.presence.name, s.presence.available ? 'state-ready' : 'state-notReady'));
    crm.append(el('div', 'snap-meta', [s.presence.available ? 'available' : 'not available',
      s.presence.statusId && s.presence.statusId !== s.presence.name && `id ${shortId(s.presence.statusId)}`]
      .filter(Boolean).join(' · ')));
  } else {
    crm.append(pill('unknown', 'state-unknown'));
  }
  crm.dataset.available = s.presence ? String(s.presence.available) : 'unknown';
  crm.id = 'snap-presence';

  const mode = snapCard('Mode');
  mode.append(pill(s.mode, `mode-${s.mode}`));
  mode.append(el('div', 'snap-meta', `last seq ${bridge.lastSeq()}`));

  const items = snapCard('Open work items', `${s.workItems.length}`);
  items.classList.add('wide');
  if (s.workItems.length === 0) items.append(el('div', 'snap-none', 'none'));
  for (const w of s.workItems) {
    const row = el('div', 'snap-row');
    row.append(pill(w.phase, `phase-${w.phase}`));
    row.append(el('span', null, [w.channel, w.document && `${w.document.table} ${shortId(w.document.id)}`,
      shortId(w.id)].filter(Boolean).join(' · ')));
    items.append(row);
  }

  const inter = snapCard('Interactions', `${s.interactions.length}`);
  inter.classList.add('wide');
  if (s.interactions.length === 0) inter.append(el('div', 'snap-none', 'none'));
  for (const i of s.interactions) {
    const row = el('div', 'snap-row');
    row.append(pill(i.phase, `phase-${i.phase}`));
    row.append(el('span', 'snap-side', i.side === 'crm' ? 'CRM' : 'CC'));
    row.append(el('span', null, [i.media, (i.from || i.to) && `${i.from ?? '?'} → ${i.to ?? '?'}`,
      shortId(i.id)].filter(Boolean).join(' · ')));
    inter.append(row);
  }

  const pending = snapCard('Pending commands', `${s.pending.length}`);
  pending.classList.add('wide');
  pending.id = 'snap-pending';
  if (s.pending.length === 0) pending.append(el('div', 'snap-none', 'none'));
  for (const c of s.pending) {
    const row = el('div', 'snap-row');
    row.append(pill(c.status, `status-${c.status}`));
    row.append(el('span', null, `cmd ${c.id} → ${SIDE_LABEL[c.target]} ${c.state} (${c.cause}) via ${c.source ?? '—'}`));
    pending.append(row);
  }

  root.append(agent, crm, mode, items, inter, pending);
}

function renderStats() {
  const st = bridge.stats();
  const root = $('stats');
  root.replaceChildren();

  const table = el('table', 'stat-table');
  const head = el('tr');
  head.append(el('th', null, 'received'), el('th', 'num', ''));
  table.append(head);
  for (const src of SOURCES) {
    const tr = el('tr');
    const name = el('td');
    name.append(el('span', `dot side-${src.side}`), document.createTextNode(src.id));
    tr.append(name, el('td', 'num', st.received?.[src.id] ?? 0));
    tr.dataset.source = src.id;
    table.append(tr);
  }
  root.append(table);

  const totals = el('div', 'totals');
  const tile = (label, value, cls = '') => {
    const t = el('div', `tile ${cls}`);
    t.append(el('b', null, value), el('span', null, label));
    return t;
  };
  const errorTotal = Object.values(st.errors ?? {}).reduce((a, b) => a + b, 0);
  totals.append(
    tile('events', st.events ?? 0),
    tile('commands', st.commands ?? 0),
    tile('duplicates', st.duplicates ?? 0, st.duplicates ? 'warn' : ''),
    tile('errors', errorTotal, errorTotal ? 'bad' : ''),
  );
  root.append(totals);

  const codes = Object.entries(st.errors ?? {});
  const errs = el('div', 'err-codes');
  if (codes.length === 0) errs.append(el('span', 'hint', 'no decode errors'));
  for (const [code, n] of codes) errs.append(el('span', 'pill status-rejected', `${code}: ${n}`));
  root.append(errs);
  $('stats').dataset.errors = String(errorTotal);
  $('stats').dataset.duplicates = String(st.duplicates ?? 0);
}

function refresh() {
  renderSnapshot();
  renderStats();
}

// ---------------------------------------------------------------------------
// Playback

let busy = false;

function setBusy(on, text) {
  busy = on;
  document.body.dataset.busy = String(on);
  for (const id of ['play-samples', 'play-all', 'scenario', 'paste-send', 'reset', 'mode']) $(id).disabled = on;
  setStatus(on ? 'busy' : 'ready', text ?? (on ? 'playing…' : 'ready'));
}

function setStatus(cls, text) {
  const s = $('status');
  s.className = `status ${cls}`;
  s.textContent = text;
}

async function fetchSamples(source) {
  const res = await fetch(`samples/${encodeURIComponent(source)}.jsonl`);
  if (!res.ok) throw new Error(`samples/${source}.jsonl: HTTP ${res.status} (run bash scripts/build.sh)`);
  const text = await res.text();
  return text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
}

async function pause(kind) {
  const ms = SPEEDS[$('speed').value]?.[kind] ?? 0;
  if (ms > 0) await sleep(ms);
  else await frame();
}

async function playSamples(sources) {
  if (busy) return;
  setBusy(true, `playing ${sources.join(', ')}…`);
  try {
    for (const source of sources) {
      const lines = await fetchSamples(source);
      log.divider(`seed samples: ${source} (${lines.length} messages)`);
      for (let i = 0; i < lines.length; i += 1) {
        const group = feed('sample', source, lines[i], `sample ${i + 1}/${lines.length}`);
        group.dataset.sample = String(i + 1);
        await pause('sample');
      }
    }
    setBusy(false, `played ${sources.length === 1 ? sources[0] : 'all five sources'}`);
  } catch (err) {
    setBusy(false);
    setStatus('failed', err instanceof Error ? err.message : String(err));
    throw err;
  }
}

async function playScenario() {
  if (busy) return;
  setBusy(true, 'scenario running…');
  try {
    newBridge('scenario: call while CRM available');
    for (let i = 0; i < SCENARIO.length; i += 1) {
      const [source, message, note] = SCENARIO[i];
      const group = feed('scenario', source, message, `step ${i + 1}/${SCENARIO.length}`, note);
      group.dataset.step = String(i + 1);
      await pause('scenario');
    }
    setBusy(false, 'scenario done');
  } catch (err) {
    setBusy(false);
    setStatus('failed', err instanceof Error ? err.message : String(err));
    throw err;
  }
}

/** Sends the text area: one message, or JSON Lines when every line is JSON. */
function sendPasted() {
  const source = $('paste-source').value;
  const text = $('paste-text').value.trim();
  if (!text) return;
  let messages = [text];
  let whole = true;
  try { JSON.parse(text); } catch { whole = false; }
  if (!whole) {
    const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
    if (lines.length > 1 && lines.every((l) => { try { JSON.parse(l); return true; } catch { return false; } })) {
      messages = lines;
    }
  }
  messages.forEach((m, i) => feed('paste', source, m, messages.length > 1 ? `pasted ${i + 1}/${messages.length}` : 'pasted'));
}

async function pasteExample() {
  const source = $('paste-source').value;
  try {
    const lines = await fetchSamples(source);
    const pick = lines[Math.floor(Math.random() * lines.length)];
    $('paste-text').value = JSON.stringify(JSON.parse(pick), null, 2);
  } catch (err) {
    setStatus('failed', err instanceof Error ? err.message : String(err));
  }
}

// ---------------------------------------------------------------------------
// Start

function fillSourceSelect(select) {
  for (const s of SOURCES) {
    const opt = el('option', null, `${s.id} — ${s.label}`);
    opt.value = s.id;
    select.append(opt);
  }
}

async function main() {
  log.list = $('log');
  fillSourceSelect($('sample-source'));
  fillSourceSelect($('paste-source'));
  $('paste-source').value = 'xuc';

  const started = performance.now();
  await init();
  const loadMs = Math.round(performance.now() - started);
  bridge = new Bridge(currentMode());
  refresh();

  $('play-samples').addEventListener('click', () => playSamples([$('sample-source').value]).catch(() => {}));
  $('play-all').addEventListener('click', () => playSamples(SOURCES.map((s) => s.id)).catch(() => {}));
  $('scenario').addEventListener('click', () => playScenario().catch(() => {}));
  $('paste-send').addEventListener('click', sendPasted);
  $('paste-example').addEventListener('click', pasteExample);
  $('paste-text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      if (!busy) sendPasted();
    }
  });
  $('mode').addEventListener('change', () => {
    bridge.setMode(currentMode());
    log.divider(`mode set to ${currentMode()}`);
    refresh();
    log.follow();
  });
  $('reset').addEventListener('click', () => {
    log.clear();
    newBridge('reset');
    log.follow();
  });
  $('clear-log').addEventListener('click', () => { log.clear(); log.follow(); });
  for (const b of document.querySelectorAll('[data-ask]')) {
    b.addEventListener('click', () => {
      const [target, state] = b.dataset.ask.split(':');
      ask(target, state);
    });
  }
  // Click a JSON line to expand or collapse it.
  $('log').addEventListener('click', (e) => {
    const code = e.target.closest('code.json');
    if (code) code.classList.toggle('expanded');
  });
  $('log').addEventListener('keydown', (e) => {
    const code = e.target.closest('code.json');
    if (code && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      code.classList.toggle('expanded');
    }
  });

  // Commands time out (rejected) when no confirmation arrives: advance the clock.
  setInterval(tick, 1000);

  for (const b of document.querySelectorAll('button')) b.disabled = false;
  $('wasm-info').textContent = `widget loaded in ${loadMs} ms`;
  setStatus('ready', 'ready');
  document.body.dataset.ready = 'true';
}

main().catch((err) => {
  setStatus('failed', `widget failed to load: ${err instanceof Error ? err.message : String(err)}`);
  document.body.dataset.ready = 'failed';
  console.error(err);
});
