// cookie-doctor serve: the page. Plain modern JS, no framework, no build
// step. Every text from the user or the server is put in the DOM as text
// (never as HTML); the timeline SVG is parsed as XML (the server escapes it).
'use strict';

const CONTEXT_LABELS = {
  'same-site': ['same-site', 'the app\u2019s own pages (same-site navigation)'],
  'top-level-get': ['link', 'a link on another site (top-level GET)'],
  'top-level-post': ['form POST', 'a form on another site posting here (top-level POST)'],
  'iframe': ['iframe', 'the URL in an iframe on the embedding site'],
  'subresource': ['image', 'an image or script of the URL on another site'],
  'fetch-include': ['fetch', 'fetch(url, {credentials: "include"}) from the calling site'],
};

const $ = (id) => document.getElementById(id);

/** Builds an element: h('a', {href: …, class: …}, 'text', child, …). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function explainLink(code, cls) {
  return h('a', { href: `/explain/${encodeURIComponent(code)}`, target: '_blank', rel: 'noopener', class: cls || 'code-link', title: `What ${code} means and how to fix it` }, code);
}

/** Text with `code` spans rendered as <code> (as text, never HTML). */
function withCode(text) {
  return String(text).split('`').map((part, i) => (i % 2 ? h('code', {}, part) : part));
}

// ---- base64url of UTF-8 JSON, for permalinks ------------------------------
function b64urlEncode(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
function b64urlDecode(s) {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    flash(button, 'Copied');
  } catch {
    // Clipboard needs a secure context or permission: select the text instead.
    const ta = h('textarea', { class: 'visually-hidden', readonly: true });
    ta.value = text;
    document.body.append(ta);
    ta.select();
    let ok = false;
    try { ok = document.execCommand('copy'); } catch { ok = false; }
    ta.remove();
    flash(button, ok ? 'Copied' : 'Copy failed');
  }
}
function flash(button, text) {
  const old = button.dataset.label || button.textContent;
  button.dataset.label = old;
  button.textContent = text;
  setTimeout(() => { button.textContent = old; }, 1400);
}

function showError(id, err) {
  const box = $(id);
  box.replaceChildren();
  if (!err) { box.hidden = true; return; }
  // 501: a part of the tool that this build does not have yet (not the user's fault).
  box.classList.toggle('pending', err.status === 501);
  const label = err.status === 501 ? 'Not available yet: ' : err.status ? `Error ${err.status}: ` : 'Error: ';
  box.append(h('strong', {}, label), ...withCode(err.error || String(err)));
  if (err.where) box.append(h('span', { class: 'where' }, ` (at ${err.where})`));
  box.hidden = false;
}

async function api(path, options) {
  let res;
  try {
    res = await fetch(path, options);
  } catch (e) {
    throw { error: `the server did not answer (${e.message}); is cookie-doctor serve still running?` };
  }
  const text = await res.text();
  let body = null;
  try { body = JSON.parse(text); } catch { body = null; }
  if (!res.ok) throw { status: res.status, error: body && body.error ? body.error : text.slice(0, 300), where: body && body.where };
  if (body === null) throw { status: res.status, error: 'the answer was not JSON' };
  return body;
}

// ---- tabs --------------------------------------------------------------------
const TABS = ['check', 'scenario', 'har', 'scan'];
function selectTab(name) {
  for (const t of TABS) {
    const on = t === name;
    $(`tab-${t}`).setAttribute('aria-selected', on ? 'true' : 'false');
    $(`panel-${t}`).hidden = !on;
  }
  closeDetails();
}

// ---- Check -------------------------------------------------------------------
let config = { browsers: [], allow_scan: false, limits: { har: 64 * 1024 * 1024 } };

/** Splits a paste into Set-Cookie values and other response headers. */
function splitPaste(text) {
  const lines = [];
  const headers = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    if (/^HTTP\/\d(\.\d)? \d{3}/i.test(line)) continue; // status line of a raw response
    const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):(.*)$/.exec(line);
    if (m && !m[1].includes('=')) {
      if (m[1].toLowerCase() === 'set-cookie') lines.push(line);
      else headers.push(line);
    } else {
      lines.push(line);
    }
  }
  return { lines, headers };
}

const listOf = (text) => text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);

function checkInputs() {
  return {
    text: $('check-lines').value,
    url: $('check-url').value.trim(),
    embedded_in: listOf($('check-embedded').value),
    called_from: listOf($('check-called').value),
    headers: $('check-headers').value.split(/\r?\n/).map((s) => s.trim()).filter(Boolean),
    browsers: [...document.querySelectorAll('#check-browsers input:checked')].map((i) => i.value),
  };
}

function restoreCheck(state) {
  $('check-lines').value = state.text || '';
  $('check-url').value = state.url || '';
  $('check-embedded').value = (state.embedded_in || []).join('\n');
  $('check-called').value = (state.called_from || []).join('\n');
  $('check-headers').value = (state.headers || []).join('\n');
  if (Array.isArray(state.browsers) && state.browsers.length) {
    for (const i of document.querySelectorAll('#check-browsers input')) i.checked = state.browsers.includes(i.value);
  }
}

function setHash(kind, value) {
  const hash = `#${kind}=${b64urlEncode(JSON.stringify(value))}`;
  history.replaceState(null, '', hash);
  return location.href;
}

async function runCheck(ev) {
  if (ev) ev.preventDefault();
  const inputs = checkInputs();
  setHash('check', inputs);
  const { lines, headers } = splitPaste(inputs.text);
  const body = {
    lines,
    url: inputs.url,
    embedded_in: inputs.embedded_in,
    called_from: inputs.called_from,
    headers: headers.concat(inputs.headers),
  };
  if (inputs.browsers.length && inputs.browsers.length < config.browsers.length) body.browsers = inputs.browsers;
  showError('check-error', null);
  $('check-status').textContent = 'Checking…';
  $('check-run').disabled = true;
  try {
    const report = await api('/api/check', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    renderCheck(report);
    $('check-status').textContent = '';
  } catch (e) {
    $('check-result').replaceChildren();
    showError('check-error', e);
    $('check-status').textContent = '';
  } finally {
    $('check-run').disabled = false;
  }
}

function cellClass(v) {
  if (v.sent) return 'cell sent';
  if (v.stored) return 'cell stored';
  return 'cell dropped';
}
function cellWord(v) {
  if (v.sent) return 'sent';
  if (v.stored) return 'stored, not sent';
  return 'not stored';
}
function cellGlyph(v) {
  if (v.sent) return '✓';
  if (v.stored) return '◐';
  return '✗';
}

function legend() {
  return h('div', { class: 'legend', 'aria-label': 'Legend' },
    h('span', { class: 'chip sent' }, '✓ sent'),
    h('span', { class: 'chip stored' }, '◐ stored, not sent'),
    h('span', { class: 'chip dropped' }, '✗ not stored'),
    h('span', { class: 'legend-note' }, 'Hover or read a cell for its reasons; click a code for its meaning and fix.'));
}

function renderMatrix(cookie) {
  const browsers = [];
  const contexts = [];
  const byKey = new Map();
  for (const v of cookie.verdicts) {
    if (!browsers.includes(v.browser)) browsers.push(v.browser);
    if (!contexts.includes(v.context)) contexts.push(v.context);
    byKey.set(`${v.browser}\u0000${v.context}`, v);
  }
  const head = h('tr', {}, h('th', { scope: 'col', class: 'corner' }, 'browser \\ context'),
    contexts.map((c) => {
      const [label, title] = CONTEXT_LABELS[c] || [c, c];
      return h('th', { scope: 'col', title }, label);
    }));
  const rows = browsers.map((b) => h('tr', {}, h('th', { scope: 'row' }, b), contexts.map((c) => {
    const v = byKey.get(`${b}\u0000${c}`);
    if (!v) return h('td', { class: 'cell none' }, '—');
    const reasons = v.reasons || [];
    const title = `${b} · ${(CONTEXT_LABELS[c] || [c])[0]}: ${cellWord(v)}${reasons.length ? ' — ' + reasons.join(', ') : ''}`;
    return h('td', { class: cellClass(v), title, 'data-browser': b, 'data-context': c },
      h('span', { class: 'glyph', 'aria-hidden': 'true' }, cellGlyph(v)),
      h('span', { class: 'word' }, cellWord(v)),
      reasons.length ? h('span', { class: 'reasons' }, reasons.map((r) => explainLink(r))) : null);
  })));
  return h('div', { class: 'matrix-wrap' }, h('table', { class: 'matrix' },
    h('caption', { class: 'visually-hidden' }, `Delivery of ${cookie.name || 'the cookie'}: per browser and context`),
    h('thead', {}, head), h('tbody', {}, rows)));
}

function describeStored(s) {
  if (!s) return null;
  const bits = [
    `${s.host_only ? 'host-only' : 'domain'} ${s.domain}`,
    `path ${s.path}`,
    s.secure ? 'Secure' : null,
    s.http_only ? 'HttpOnly' : null,
    `SameSite ${s.same_site}`,
    s.partitioned ? 'Partitioned' : null,
    s.expires === null ? 'session cookie' : `expires in ${s.expires} s`,
  ].filter(Boolean);
  return bits.join(' · ');
}

function renderFinding(f) {
  const card = h('article', { class: `finding sev-${f.severity}` });
  card.append(h('div', { class: 'finding-head' },
    h('span', { class: `badge sev-${f.severity}` }, f.severity),
    explainLink(f.code, 'code-link rule'),
    f.cookie ? h('span', { class: 'cookie-name' }, 'cookie ', h('code', {}, f.cookie)) : null,
    f.browsers && f.browsers.length ? h('span', { class: 'browsers-list' }, f.browsers.join(', ')) : null));
  card.append(h('p', { class: 'message' }, ...withCode(f.message)));
  if (f.evidence && f.evidence.length) {
    card.append(h('details', { class: 'evidence' }, h('summary', {}, `Evidence (${f.evidence.length})`),
      h('ul', {}, f.evidence.map((e) => h('li', {}, h('code', {}, e))))));
  }
  if (f.fix) {
    const fix = h('div', { class: 'fix' });
    const headerPre = h('pre', { class: 'fix-header' }, f.fix.header);
    fix.append(h('div', { class: 'fix-row' },
      h('span', { class: 'fix-label' }, 'Fix'),
      h('span', { class: `safety ${f.fix.safety}` }, f.fix.safety === 'safe' ? 'safe' : 'review: changes behaviour'),
      h('button', { type: 'button', class: 'copy', onclick: (e) => copyText(f.fix.header, e.currentTarget) }, 'Copy')));
    fix.append(headerPre);
    if (f.fix.reason) fix.append(h('p', { class: 'fix-reason' }, ...withCode(f.fix.reason)));
    const names = Object.keys(f.fix.snippets || {});
    if (names.length) {
      const pre = h('pre', { class: 'snippet' });
      const select = h('select', { 'aria-label': 'Framework' }, names.map((n) => h('option', { value: n }, n)));
      const preferred = localStorage.getItem('cookie-doctor.framework');
      if (preferred && names.includes(preferred)) select.value = preferred;
      const show = () => { pre.textContent = f.fix.snippets[select.value] || ''; };
      select.addEventListener('change', () => {
        try { localStorage.setItem('cookie-doctor.framework', select.value); } catch { /* private mode */ }
        show();
      });
      show();
      fix.append(h('div', { class: 'fix-row' }, h('span', { class: 'fix-label' }, 'In your framework'), select,
        h('button', { type: 'button', class: 'copy', onclick: (e) => copyText(pre.textContent, e.currentTarget) }, 'Copy')), pre);
    }
    card.append(fix);
  }
  return card;
}

function renderCheck(report) {
  const out = $('check-result');
  out.replaceChildren();
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of report.findings) counts[f.severity] = (counts[f.severity] || 0) + 1;
  out.append(h('div', { class: 'summary' },
    h('span', {}, `${report.cookies.length} cookie${report.cookies.length === 1 ? '' : 's'} at `, h('code', {}, report.url)),
    h('span', { class: 'badge sev-error' }, `${counts.error} error${counts.error === 1 ? '' : 's'}`),
    h('span', { class: 'badge sev-warning' }, `${counts.warning} warning${counts.warning === 1 ? '' : 's'}`),
    h('span', { class: 'badge sev-info' }, `${counts.info} info`)));

  out.append(h('h2', {}, 'Delivery matrix'), legend());
  report.cookies.forEach((c) => {
    const section = h('section', { class: 'cookie', 'data-cookie': c.name });
    const stored = describeStored(c.stored_as);
    section.append(h('div', { class: 'cookie-head' },
      h('h3', {}, h('code', {}, c.name || '(no name)')),
      h('span', { class: `outcome ${c.outcome}` }, c.outcome === 'stored' ? 'stored by the spec' : c.outcome === 'deleted' ? 'a deletion' : 'rejected by the spec')),
      h('pre', { class: 'line' }, c.line));
    if (stored) section.append(h('p', { class: 'stored-as' }, stored));
    for (const n of c.notes || []) section.append(h('p', { class: 'note' }, `Note: ${n}`));
    section.append(renderMatrix(c));
    out.append(section);
  });

  out.append(h('h2', {}, `Findings (${report.findings.length})`));
  if (!report.findings.length) out.append(h('p', { class: 'ok' }, 'No findings: every declared use works in every browser checked.'));
  for (const f of report.findings) out.append(renderFinding(f));
}

// ---- Scenario ----------------------------------------------------------------
let lastTrace = null;

async function runScenario(ev) {
  if (ev) ev.preventDefault();
  const toml = $('scenario-text').value;
  setHash('scenario', { toml });
  showError('scenario-error', null);
  $('scenario-status').textContent = 'Running…';
  $('scenario-run').disabled = true;
  try {
    const answer = await api('/api/simulate?svg=1', { method: 'POST', headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: toml });
    renderScenario(answer);
    $('scenario-status').textContent = '';
  } catch (e) {
    $('scenario-result').replaceChildren();
    showError('scenario-error', e);
    $('scenario-status').textContent = '';
  } finally {
    $('scenario-run').disabled = false;
  }
}

function renderScenario({ trace, svg }) {
  lastTrace = trace;
  const out = $('scenario-result');
  out.replaceChildren();
  const failing = trace.runs.filter((r) => r.steps.some((s) => s.expect.some((x) => !x.passed))).map((r) => r.browser);
  const anyExpect = trace.runs.some((r) => r.steps.some((s) => s.expect.length));
  out.append(h('div', { class: 'summary' },
    h('strong', {}, trace.scenario),
    h('span', {}, `${trace.runs.length} browser${trace.runs.length === 1 ? '' : 's'}`),
    anyExpect ? (failing.length ? h('span', { class: 'badge sev-error' }, `expectations fail in ${failing.join(', ')}`)
      : h('span', { class: 'badge ok' }, 'every expectation holds')) : null));
  out.append(h('div', { class: 'legend' },
    h('span', { class: 'chip sent' }, '✓ sent'),
    h('span', { class: 'chip dropped' }, '✗ withheld (reason)'),
    h('span', { class: 'chip set' }, '⬇ Set-Cookie stored / rejected'),
    h('span', { class: 'legend-note' }, 'Hover a request for its details; click it to pin them.')));
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const wrap = h('div', { class: 'timeline-wrap' });
  if (doc.documentElement && doc.documentElement.nodeName === 'svg') {
    const picture = document.importNode(doc.documentElement, true);
    // Several browsers: the picture may leave the page's column and scale
    // down to the window (app.css), so that they stay side by side.
    if (picture.classList.contains('wide')) wrap.classList.add('wide');
    wrap.append(picture);
  } else {
    wrap.append(h('p', { class: 'error' }, 'The timeline could not be drawn.'));
  }
  out.append(wrap);
  out.append(h('details', { class: 'raw' }, h('summary', {}, 'Trace JSON (what simulate --format json prints)'),
    h('pre', {}, JSON.stringify(trace, null, 2))));
  for (const g of wrap.querySelectorAll('g.req')) {
    const open = () => showRequest(Number(g.dataset.run), Number(g.dataset.step), Number(g.dataset.request));
    g.addEventListener('click', open);
    g.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(); } });
  }
}

function closeDetails() { $('details').hidden = true; }

function showRequest(run, step, index) {
  const r = lastTrace && lastTrace.runs[run] && lastTrace.runs[run].steps[step] && lastTrace.runs[run].steps[step].requests[index];
  if (!r) return;
  const body = $('details-body');
  body.replaceChildren();
  $('details-title').textContent = `${lastTrace.runs[run].browser} · step ${step + 1}`;
  const dl = h('dl', {});
  const row = (k, v) => dl.append(h('dt', {}, k), h('dd', {}, v));
  row('request', h('code', {}, `${r.method} ${r.url}`));
  row('destination', r.destination);
  row('site for cookies', r.site_for_cookies || '(opaque: a cross-site ancestor)');
  row('top-level site', r.top_level_site);
  row('same-site', r.same_site ? 'yes' : 'no');
  row('third-party', r.third_party ? 'yes' : 'no');
  row('status', String(r.status));
  body.append(dl);
  const list = (title, items) => { if (items.length) body.append(h('h3', {}, title), h('ul', { class: 'plain' }, items)); };
  list('Sent', r.sent.map((c) => h('li', { class: 'ok' }, '✓ ', h('code', {}, c.name), ` (${c.domain}${c.path})`, c.partition ? ` partition ${c.partition}` : '')));
  list('Withheld', r.excluded.map((c) => h('li', { class: 'bad' }, '✗ ', h('code', {}, c.name), ` (${c.domain}${c.path}) `, c.reasons.map((x) => explainLink(x)))));
  list('Set-Cookie', r.set_cookie.map((s) => h('li', { class: s.stored ? 'ok' : 'bad' }, s.stored ? (s.deleted ? 'deleted: ' : 'stored: ') : 'rejected: ', h('code', {}, s.line), ' ', s.reasons.map((x) => explainLink(x)))));
  if (r.cors) list('CORS', [h('li', { class: r.cors.readable ? 'ok' : 'bad' }, r.cors.readable ? 'script may read the response' : 'script may not read the response', r.cors.preflight ? ' (preflighted) ' : ' ', r.cors.reasons.map((x) => explainLink(x)))]);
  if (r.blocked) list('Blocked', [h('li', { class: 'bad' }, `by ${r.blocked.by} `, r.blocked.reasons.map((x) => explainLink(x)))]);
  $('details').hidden = false;
}

// ---- HAR -----------------------------------------------------------------------
async function sendHar(file) {
  showError('har-error', null);
  $('har-result').replaceChildren();
  if (!file) return;
  if (file.size > config.limits.har) {
    showError('har-error', { status: 413, error: `${file.name} is ${file.size} bytes; at most ${config.limits.har} are accepted` });
    return;
  }
  $('har-status').textContent = `Uploading ${file.name} (${Math.ceil(file.size / 1024)} KiB)…`;
  try {
    const answer = await api('/api/har', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: file });
    $('har-result').append(renderHar(answer, file.name));
  } catch (e) {
    showError('har-error', e);
  } finally {
    $('har-status').textContent = '';
  }
}

// The har_replay v1 answer (docs/har.md): the summary, then one line per finding.
function renderHar(answer, name) {
  const s = answer.summary || {};
  const facts = [
    `${s.entries ?? 0} entries replayed as ${s.browser} (from ${s.browser_from})`,
    `${s.cookies_agreed ?? 0} of ${s.cookies_compared ?? 0} cookies sent as the model predicts`,
    `${s.stored ?? 0} Set-Cookie stored, ${s.rejected ?? 0} rejected`,
    `${s.not_sent ?? 0} not sent`,
    `${s.mismatches ?? 0} model mismatches`,
  ];
  const cookieName = (c) => (typeof c === 'string' ? c : c && c.name) || '';
  const kinds = {
    rejected: ['bad', 'Set-Cookie rejected'],
    'not-sent': ['warn', 'not sent'],
    mismatch: ['bad', 'model mismatch — please report'],
    'bad-entry': ['bad', 'unreadable entry'],
  };
  const rows = (answer.findings || []).map((f) => {
    const [cls, label] = kinds[f.kind] || ['warn', f.kind];
    const reasons = f.reasons || f.model_reasons || [];
    return h('li', { class: `har-finding ${cls}` },
      h('span', { class: 'har-kind' }, label), ' ',
      h('span', { class: 'har-entry' }, `#${f.request}`), ' ',
      f.cookie ? h('code', {}, cookieName(f.cookie)) : null, ' ',
      f.url ? h('span', { class: 'har-url' }, f.url) : null, ' ',
      f.kind === 'mismatch' ? h('span', {}, f.browser_sent ? 'the browser sent it, the model would not ' : 'the model would send it, the browser did not ') : null,
      reasons.map((r) => explainLink(r)),
      f.line ? h('div', {}, h('code', {}, f.line)) : null,
      f.error ? h('div', {}, f.error) : null);
  });
  return h('div', { class: 'har-report' },
    h('h3', {}, name),
    s.sanitized ? h('p', { class: 'bad' }, 'This HAR was exported without cookies: in Chrome DevTools use “Export HAR (with sensitive data)…”; Firefox’s “Save All As HAR” keeps them.') : null,
    h('ul', { class: 'har-summary' }, facts.map((f) => h('li', {}, f))),
    rows.length ? h('ol', { class: 'har-findings' }, rows) : h('p', { class: 'ok' }, 'Every cookie was stored and sent as the browser model predicts.'));
}

function setupHar() {
  const zone = $('har-drop');
  $('har-file').addEventListener('change', (e) => sendHar(e.target.files[0]));
  for (const t of ['dragenter', 'dragover']) zone.addEventListener(t, (e) => { e.preventDefault(); zone.classList.add('over'); });
  for (const t of ['dragleave', 'drop']) zone.addEventListener(t, () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => { e.preventDefault(); sendHar(e.dataTransfer.files[0]); });
  $('har-limit').textContent = `${Math.round(config.limits.har / 1024 / 1024)} MiB`;
}

// ---- Scan ----------------------------------------------------------------------
async function runScan(ev) {
  ev.preventDefault();
  showError('scan-error', null);
  $('scan-result').replaceChildren();
  $('scan-status').textContent = 'Scanning…';
  try {
    const body = { url: $('scan-url').value.trim(), embedded_in: listOf($('scan-embedded').value), called_from: listOf($('scan-called').value) };
    const answer = await api('/api/scan', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    $('scan-result').append(h('pre', {}, JSON.stringify(answer, null, 2)));
  } catch (e) {
    showError('scan-error', e);
  } finally {
    $('scan-status').textContent = '';
  }
}

// ---- start -------------------------------------------------------------------
function restoreFromHash() {
  const m = /^#(check|scenario)=([A-Za-z0-9_-]*)$/.exec(location.hash);
  if (!m) return null;
  try {
    const state = JSON.parse(b64urlDecode(m[2]));
    if (m[1] === 'check') restoreCheck(state);
    else $('scenario-text').value = String(state.toml || '');
    return m[1];
  } catch {
    showError('check-error', { error: 'the permalink in the address could not be read' });
    return null;
  }
}

async function start() {
  for (const t of TABS) $(`tab-${t}`).addEventListener('click', () => selectTab(t));
  $('details-close').addEventListener('click', closeDetails);
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') closeDetails(); });
  $('check-form').addEventListener('submit', runCheck);
  $('scenario-form').addEventListener('submit', runScenario);
  $('scan-form').addEventListener('submit', runScan);
  $('check-permalink').addEventListener('click', (e) => copyText(setHash('check', checkInputs()), e.currentTarget));
  $('scenario-permalink').addEventListener('click', (e) => copyText(setHash('scenario', { toml: $('scenario-text').value }), e.currentTarget));
  try {
    config = await api('/api/config');
  } catch (e) {
    showError('check-error', e);
  }
  $('version').textContent = config.version ? `v${config.version}` : '';
  $('tab-scan').hidden = !config.allow_scan;
  const box = $('check-browsers');
  for (const b of config.browsers) {
    box.append(h('label', { class: 'check' }, h('input', { type: 'checkbox', value: b, checked: b !== 'rfc6265bis' }), ` ${b}`));
  }
  setupHar();
  let examples = { scenarios: [], set_cookie: [] };
  try { examples = await api('/api/examples'); } catch { /* the page works without them */ }
  for (const ex of examples.set_cookie) $('check-example').append(h('option', { value: ex.file }, ex.file.replace(/\.txt$/, '')));
  for (const ex of examples.scenarios) $('scenario-example').append(h('option', { value: ex.file }, ex.file.replace(/\.toml$/, '')));
  $('check-example').addEventListener('change', (e) => {
    const ex = examples.set_cookie.find((x) => x.file === e.target.value);
    if (ex) restoreCheck({ text: ex.text, url: ex.url, embedded_in: ex.embedded_in, called_from: ex.called_from, headers: ex.headers });
  });
  $('scenario-example').addEventListener('change', (e) => {
    const ex = examples.scenarios.find((x) => x.file === e.target.value);
    if (ex) $('scenario-text').value = ex.text;
  });
  if (!$('scenario-text').value && examples.scenarios.length) $('scenario-text').value = examples.scenarios[0].text;
  const restored = restoreFromHash();
  if (restored === 'check') { selectTab('check'); runCheck(); }
  if (restored === 'scenario') { selectTab('scenario'); runScenario(); }
  document.body.classList.add('ready');
}

document.addEventListener('DOMContentLoaded', start);
