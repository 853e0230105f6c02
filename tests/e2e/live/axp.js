// Host page of tests/e2e/axp-live.test.mjs: runs the widget's real AxpClient
// (www/pkg) and records everything the client hands to the host, so the test
// can check order, duplicates, health and that no secret ever reaches the host.
//
// The test drives it through `window.e2e` (no secret is ever put in a URL):
//   await e2e.start(options, tokens)   tokens: what the provider answers, in turn
//   e2e.state                          everything recorded (see below)
//   e2e.stats() / health() / snapshot() / stop() / free()

import init, { AxpClient } from '/pkg/cti_bridge.js';

const text = (value) => {
  try {
    const t = JSON.stringify(value);
    return t === undefined ? String(value) : t;
  } catch {
    return String(value);
  }
};

const state = {
  ready: false,
  loadError: null,
  outputs: [],    // every onOutput payload, as JSON text, in order
  health: [],     // {state, reason, retryInMs, at}
  events: [],     // decoded events ({type: "output"} with a seq)
  others: [],     // other outputs (commands, CRM requests)
  errors: [],     // {type: "error"} data
  observed: [],   // {type: "observed"} data
  posted: [],     // anything posted with postMessage on this page, as text
  tokenCalls: 0,
  startError: null,
};

// Anything posted with postMessage, either way.
const realPostMessage = window.postMessage.bind(window);
window.postMessage = (message, ...rest) => {
  state.posted.push(text(message));
  return realPostMessage(message, ...rest);
};
window.addEventListener('message', (event) => state.posted.push(text(event.data)));

const $ = (id) => document.getElementById(id);

function render() {
  const h = state.health[state.health.length - 1];
  if (h) {
    $('health').textContent = h.state;
    $('health').className = `health ${h.state}`;
    $('reason').textContent = h.reason;
  }
  $('events').textContent = String(state.events.length);
  $('errors').textContent = String(state.errors.length);
  $('tokens').textContent = String(state.tokenCalls);
  const s = client?.stats();
  if (s) $('duplicates').textContent = String(s.duplicates);
}

function logLine(line) {
  const li = document.createElement('li');
  li.textContent = line;
  $('log').append(li);
}

function onOutput(out) {
  state.outputs.push(text(out));
  switch (out?.type) {
    case 'health':
      state.health.push({ ...out.data, at: performance.now() });
      logLine(`health ${out.data.state}: ${out.data.reason}`);
      break;
    case 'output':
      if (typeof out.data?.seq === 'number') {
        state.events.push(out.data);
        logLine(`#${out.data.seq} ${out.data.kind ?? ''}`);
      } else {
        state.others.push(out.data);
      }
      break;
    case 'error':
      state.errors.push(out.data);
      logLine(`error ${out.data.code}`);
      break;
    case 'observed':
      state.observed.push(out.data);
      break;
    default:
      state.others.push(out);
  }
  render();
}

let client = null;

window.e2e = {
  state,
  start(options, tokens) {
    try {
      client = new AxpClient(options, onOutput, () => {
        state.tokenCalls += 1;
        render();
        return Promise.resolve(tokens[Math.min(state.tokenCalls, tokens.length) - 1]);
      });
      client.start();
      return true;
    } catch (e) {
      state.startError = String(e?.message ?? e);
      return false;
    }
  },
  stats: () => client?.stats() ?? null,
  health: () => client?.health() ?? null,
  snapshot: () => client?.snapshot() ?? null,
  stop: () => client?.stop(),
  free: () => {
    client?.free();
    client = null;
  },
};

init().then(
  () => {
    // Self-checks of the capture: one console line and one posted message,
    // so the test knows both channels are really watched.
    console.info('axp e2e page: wasm loaded');
    window.postMessage({ type: 'e2e-page-ready' }, window.location.origin);
    state.ready = true;
  },
  (e) => {
    state.loadError = String(e?.message ?? e);
  },
);
