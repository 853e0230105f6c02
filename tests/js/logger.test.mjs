// Unit tests of the host script's logger and redaction (node --test tests/js/).
// The classic script is loaded in a fresh vm context, as a browser would run it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import vm from 'node:vm';
import { WIDGET, fakePage, source } from './fake-page.mjs';

function load(consoleSink) {
  const context = { URL, console: consoleSink || console, setTimeout, clearTimeout };
  context.globalThis = context;
  vm.createContext(context);
  vm.runInContext(source, context, { filename: 'cti-bridge.js' });
  return context.CtiBridge;
}

const plain = (v) => JSON.parse(JSON.stringify(v));

test('phone numbers keep their last two digits', () => {
  const { redact } = load();
  assert.equal(redact('call from 0612345678'), 'call from ********78');
  assert.equal(redact('+33 6 12 34 56 78'), '*********78');
  assert.equal(redact('(555) 123-4567 rang'), '********67 rang');
  assert.equal(redact('tel:0612345678;caller=x+33612345678'), 'tel:********78;caller=x*********78');
  // Digits inside a longer word or hex id are not a phone number.
  assert.equal(redact('epoch 0123456789abcdef'), 'epoch 0123456789abcdef');
  // Short numbers (extensions, agent ids, counts) stay.
  assert.equal(redact('extension 1000, agent 19, 12345'), 'extension 1000, agent 19, 12345');
  assert.deepEqual(plain(redact({ phoneNumber: '1000', ani: ['0033612345678'] })), { phoneNumber: '1000', ani: ['***********78'] });
});

test('bearer and token-like strings and secret fields are redacted', () => {
  const { redact } = load();
  assert.equal(redact('Authorization: Bearer abc.DEF-123_x'), 'Authorization: [redacted]');
  assert.equal(redact('jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl here'), 'jwt [redacted] here');
  assert.equal(redact('key 4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c'), 'key [redacted]');
  assert.deepEqual(plain(redact({ token: 'short', password: 'p', accessToken: 'x', refresh_token: undefined })), {
    token: '[redacted]', password: '[redacted]', accessToken: '[redacted]',
  });
  // Ordinary words and short ids are kept.
  assert.equal(redact('agentState ready epoch 0123456789abcdef'), 'agentState ready epoch 0123456789abcdef');
});

test('known name fields are redacted, at any depth', () => {
  const { redact } = load();
  const out = plain(redact({
    kind: 'crmData',
    userName: 'Ada Agent',
    currentUser: { Id: '005', Name: 'Ada Lovelace', Username: 'ada@example.com' },
    fields: [{ name: 'firstName', value: 'x' }, { firstName: 'Grace', lastName: 'Hopper', displayName: 'G H' }],
    state: 'ready',
  }));
  assert.deepEqual(out, {
    kind: 'crmData',
    userName: '[redacted]',
    currentUser: { Id: '005', Name: '[redacted]', Username: '[redacted]' },
    fields: [{ name: '[redacted]', value: 'x' }, { firstName: '[redacted]', lastName: '[redacted]', displayName: '[redacted]' }],
    state: 'ready',
  });
});

test('redact does not change its input and survives cycles of depth', () => {
  const { redact } = load();
  const input = { name: 'Ada', phone: '0612345678' };
  redact(input);
  assert.deepEqual(input, { name: 'Ada', phone: '0612345678' });
  const deep = {};
  let cur = deep;
  for (let i = 0; i < 50; i++) cur = cur.next = {};
  assert.doesNotThrow(() => redact(deep));
});

test('setLogLevel filters by level and refuses unknown levels', () => {
  const C = load();
  assert.equal(C.getLogLevel(), 'warn');
  C.setLogLevel('debug');
  assert.equal(C.getLogLevel(), 'debug');
  C.setLogLevel('silent');
  assert.throws(() => C.setLogLevel('verbose'), (e) => e.code === 'invalid');
  assert.equal(C.getLogLevel(), 'silent');
});

test('a throwing handler is logged through the logger option, redacted', async () => {
  const records = [];
  // A minimal DOM: the fake widget window answers the handshake over the MessagePort.
  let widgetPort;
  const widgetWindow = {
    postMessage(message, origin, [port]) {
      widgetPort = port;
      port.postMessage({ t: 'ready', v: 1, epoch: '0123456789abcdef', lastSeq: 0, snapshot: {} });
    },
  };
  const page = fakePage(widgetWindow, {
    console: { error() { throw new Error('the console must not be used when a logger is given'); } },
  });
  const pending = page.CtiBridge.connect({
    widgetUrl: `${WIDGET}/widget.html`,
    container: '#cti',
    logger: (level, message, detail) => records.push({ level, message, detail }),
  });
  page.fromWidget();
  const bridge = await pending;
  bridge.on('screenPop', () => {
    throw new Error('CRM search failed for 0612345678 with Bearer sk_live_abc');
  });
  widgetPort.postMessage({ t: 'event', seq: 1, event: { kind: 'screenPop', ani: ['0612345678'] } });
  await new Promise((r) => setTimeout(r, 50));
  const failed = records.filter((r) => r.level === 'error');
  assert.equal(failed.length, 1, JSON.stringify(records));
  assert.equal(failed[0].message, 'handler for screenPop failed');
  assert.equal(failed[0].detail.message, 'CRM search failed for ********78 with [redacted]');
  // Below the threshold (default "warn"): the info "connected" record was not written.
  assert.ok(!records.some((r) => r.level === 'info'));
  bridge.dispose();
  widgetPort.close();
});
