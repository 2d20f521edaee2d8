// clawbus operators' dashboard: plain JavaScript, no external code. It polls this node's admin API (/admin/status,
// /admin/requests, /admin/dlq), replays dead letters (POST /admin/replay), shows a request's timeline
// (/admin/requests/{id}/timeline) and re-streams its answer from /v1/requests/{id}/events (SSE read with fetch, so
// the admin key can go in a header). The admin key is kept in sessionStorage: this tab only, gone when it closes.
'use strict';

const KEY_STORE = 'clawbus.adminKey';
const $ = (id) => document.getElementById(id);
const state = { key: sessionStorage.getItem(KEY_STORE) || '', authOk: null, selected: null, stream: null };

function headers(extra) {
  const h = Object.assign({ 'accept': 'application/json' }, extra || {});
  if (state.key) h['authorization'] = 'Bearer ' + state.key;
  return h;
}

async function api(path, options) {
  const opts = Object.assign({}, options || {});
  opts.headers = headers(opts.headers);
  let resp;
  try {
    resp = await fetch(path, opts);
  } catch (e) {
    throw new Error('this clawbus node does not answer');
  }
  let body = null;
  try { body = await resp.json(); } catch (e) { body = null; }
  if (resp.status === 401 || resp.status === 403) {
    setAuth(false, body && body.error ? body.error.message : 'an admin key is needed');
    throw new Error('admin key refused');
  }
  if (!resp.ok) {
    throw new Error(body && body.error ? body.error.message : 'HTTP ' + resp.status);
  }
  setAuth(true);
  return body;
}

function setAuth(ok, message) {
  state.authOk = ok;
  $('login-state').textContent = ok ? (state.key ? 'key accepted' : 'open (no keys configured)') : message;
  $('login-state').className = ok ? 'ok' : 'bad';
}

function notice(text, isError) {
  $('notice').textContent = text || '';
  $('notice').className = isError ? 'error' : '';
}

function time(ms) {
  if (!ms) return '';
  const d = new Date(ms);
  return d.toLocaleTimeString([], { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0');
}

function age(ms) {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 120 ? s + ' s' : Math.round(s / 60) + ' min';
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function link(text, onClick) {
  const a = el('a', text);
  a.href = '#';
  a.addEventListener('click', (ev) => { ev.preventDefault(); onClick(); });
  return a;
}

function fill(tableId, rows, emptyText, columns) {
  const body = document.querySelector('#' + tableId + ' tbody');
  body.replaceChildren();
  if (!rows.length) {
    const tr = el('tr', null, 'empty');
    const td = el('td', emptyText);
    td.colSpan = columns;
    tr.appendChild(td);
    body.appendChild(tr);
    return;
  }
  rows.forEach((r) => body.appendChild(r));
}

function row(cells, attrs) {
  const tr = document.createElement('tr');
  Object.entries(attrs || {}).forEach(([k, v]) => tr.setAttribute(k, v));
  cells.forEach((c) => {
    const td = document.createElement('td');
    if (c instanceof Node) td.appendChild(c); else td.textContent = c === null || c === undefined ? '' : String(c);
    tr.appendChild(td);
  });
  return tr;
}

// --- status, tenants, in flight, errors -------------------------------------------------------------------------

async function refreshStatus() {
  const s = await api('/admin/status');
  $('node').textContent = 'node ' + s.node;
  const v = s.vllm || {};
  $('vllm-health').textContent = v.healthy ? 'healthy' : 'unreachable';
  $('vllm-health').className = 'big ' + (v.healthy ? 'ok' : 'bad');
  $('vllm-url').textContent = v.url || '';
  if (v.running !== undefined) {
    $('vllm-load').textContent = v.running + ' running, ' + v.waiting + ' waiting';
    $('vllm-load').className = 'big ' + (v.saturated ? 'warn' : '');
    $('vllm-kv').textContent = (v.kv_cache_usage === null || v.kv_cache_usage === undefined ? 'KV cache: not reported'
      : 'KV cache ' + Math.round(v.kv_cache_usage * 100) + ' %') + (v.saturated ? ' (saturated: new work waits)' : '');
  } else {
    $('vllm-load').textContent = 'no metrics';
    $('vllm-kv').textContent = '';
  }
  $('inflight').textContent = s.running + ' running, ' + s.queued + ' queued';
  $('cluster').textContent = s.cluster_size + ' node' + (s.cluster_size === 1 ? '' : 's') + ' in the cluster';
  fill('tenants', s.tenants.map((t) => row([t.tenant, t.queued, t.running])), 'nothing queued or running', 3);
  fill('errors', s.recent_errors.map((e) => row([time(e.at), link(e.id, () => select(e.tenant, e.id)), e.tenant,
    e.error ? e.error.code : '', e.error ? e.error.message : ''])), 'no failed requests in the store', 5);
}

async function refreshInflight() {
  const [running, queued] = await Promise.all([api('/admin/requests?status=running&limit=50'),
    api('/admin/requests?status=queued&limit=50')]);
  const all = running.data.concat(queued.data);
  fill('inflight-table', all.map((r) => row([link(r.id, () => select(r.tenant, r.id)), r.tenant,
    el('span', r.status, 'pill ' + r.status), r.node, r.model, age(r.received_at)], { 'data-key': r.tenant + '/' + r.id })),
  'no request in flight', 6);
}

// --- dead letters and replay -------------------------------------------------------------------------------------

async function refreshDlq() {
  const list = await api('/admin/dlq?limit=50');
  fill('dlq', list.data.map((d) => {
    const actions = el('span');
    if (d.replayed_as) {
      actions.appendChild(document.createTextNode('replayed as '));
      actions.appendChild(link(d.replayed_as, () => select(d.tenant, d.replayed_as)));
      actions.appendChild(document.createTextNode(' '));
      const again = el('button', 'Replay again', 'secondary replay-force');
      again.addEventListener('click', () => replay(d, true, again));
      actions.appendChild(again);
    } else if (d.replayable) {
      const b = el('button', 'Replay', 'replay');
      b.addEventListener('click', () => replay(d, false, b));
      actions.appendChild(b);
    } else {
      actions.textContent = 'not replayable';
    }
    const reason = el('span', d.reason);
    const r = row([time(d.failed_at), d.id ? link(d.id, () => select(d.tenant, d.id)) : d.key, d.tenant, d.model,
      d.attempts, reason, actions], { 'data-key': d.key });
    r.children[5].className = 'reason';
    return r;
  }), 'no dead letters', 7);
}

async function replay(letter, force, button) {
  button.disabled = true;
  try {
    const res = await api('/admin/replay', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // Search the DLQ from shortly before the letter was written, not from the start of the topic.
      body: JSON.stringify({ ids: [letter.tenant + '/' + letter.id], force: force,
        since: String(Math.max(0, letter.failed_at - 60000)) }),
    });
    const r = res.results[0];
    if (r.outcome === 'replayed') {
      notice('Replayed ' + letter.id + ' as ' + r.new_id + '.');
      select(letter.tenant, r.new_id);
    } else {
      notice(letter.id + ': ' + r.outcome + (r.reason ? ' (' + r.reason + ')' : ''), r.outcome === 'failed');
    }
    await refreshDlq();
  } catch (e) {
    notice('Replay of ' + letter.id + ' failed: ' + e.message, true);
  } finally {
    button.disabled = false;
  }
}

// --- one request: timeline and its answer re-streamed ------------------------------------------------------------

function select(tenant, id) {
  if (state.stream) state.stream.abort();
  state.selected = { tenant: tenant, id: id, terminal: false };
  $('timeline-panel').hidden = false;
  $('timeline-id').textContent = id;
  $('timeline-tenant').textContent = 'tenant ' + tenant;
  $('answer').textContent = '';
  setAnswerState('waiting', 'queued');
  refreshTimeline();
  restream(tenant, id);
  $('timeline-panel').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

function setAnswerState(text, cls) {
  $('answer-state').textContent = text;
  $('answer-state').className = 'pill ' + (cls || text);
}

async function refreshTimeline() {
  const sel = state.selected;
  if (!sel) return;
  let t;
  try {
    t = await api('/admin/requests/' + encodeURIComponent(sel.id) + '/timeline?tenant=' + encodeURIComponent(sel.tenant));
  } catch (e) {
    $('timeline-status').textContent = 'not found yet';
    return;
  }
  if (state.selected !== sel) return;
  $('timeline-status').textContent = t.status || '?';
  $('timeline-status').className = 'pill ' + (t.status || '');
  sel.terminal = ['done', 'failed', 'cancelled'].includes(t.status);
  const list = $('timeline-events');
  list.replaceChildren();
  t.events.forEach((e) => {
    const li = el('li');
    li.appendChild(el('span', time(e.at) + ' ', 'muted'));
    li.appendChild(el('span', e.kind, 'kind ' + e.kind));
    if (e.node) li.appendChild(el('span', ' on ' + e.node, 'muted'));
    if (e.detail) li.appendChild(el('span', ': ' + e.detail));
    list.appendChild(li);
  });
  if (t.replay_of) {
    const li = el('li', null, 'muted');
    li.appendChild(document.createTextNode('replay of '));
    li.appendChild(link(t.replay_of, () => select(sel.tenant, t.replay_of)));
    list.appendChild(li);
  }
}

// The answer as the client got it: the request's SSE events from the start, then live until [DONE].
async function restream(tenant, id) {
  const ctrl = new AbortController();
  state.stream = ctrl;
  let text = '';
  try {
    const resp = await fetch('/v1/requests/' + encodeURIComponent(id) + '/events?tenant=' + encodeURIComponent(tenant),
      { headers: headers({ 'accept': 'text/event-stream', 'x-clawbus-tenant': tenant }), signal: ctrl.signal });
    if (!resp.ok) {
      setAnswerState('no answer (' + resp.status + ')', 'failed');
      return;
    }
    setAnswerState('streaming');
    const reader = resp.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const event = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const data = event.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        if (!data) continue;
        if (data === '[DONE]') {
          setAnswerState('done');
          refreshTimeline();
          continue;
        }
        let chunk;
        try { chunk = JSON.parse(data); } catch (e) { continue; }
        if (chunk.error) {
          setAnswerState('failed: ' + (chunk.error.code || chunk.error.message), 'failed');
          refreshTimeline();
          continue;
        }
        (chunk.choices || []).forEach((c) => {
          const d = c.delta || {};
          if (d.content) text += d.content;
          (d.tool_calls || []).forEach((tc) => {
            if (tc.function) text += '\n[tool call ' + tc.function.name + ' ' + (tc.function.arguments || '') + ']';
          });
        });
        $('answer').textContent = text;
      }
    }
  } catch (e) {
    if (e.name !== 'AbortError') setAnswerState('stream ended: ' + e.message, 'failed');
  }
}

// --- polling and login -------------------------------------------------------------------------------------------

async function tick(what, fn) {
  try {
    await fn();
  } catch (e) {
    if (state.authOk !== false) notice(what + ': ' + e.message, true);
  }
}

// The dead letters are read from Kafka: every fifth tick (10 s), at once after a login or a replay.
let ticks = 0;

async function refreshAll(all) {
  await tick('status', refreshStatus);
  if (state.authOk === false) return;
  await tick('requests', refreshInflight);
  if (all || ticks++ % 5 === 0) await tick('dead letters', refreshDlq);
  if (state.selected && !state.selected.terminal) await tick('timeline', refreshTimeline);
}

$('login').addEventListener('submit', (ev) => {
  ev.preventDefault();
  state.key = $('admin-key').value.trim();
  $('admin-key').value = '';
  if (state.key) sessionStorage.setItem(KEY_STORE, state.key); else sessionStorage.removeItem(KEY_STORE);
  notice('');
  refreshAll(true);
});

$('logout-button').addEventListener('click', () => {
  state.key = '';
  sessionStorage.removeItem(KEY_STORE);
  setAuth(false, 'no key');
  refreshAll();
});

refreshAll(true);
setInterval(() => refreshAll(false), 2000);
