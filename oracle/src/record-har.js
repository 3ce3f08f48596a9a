#!/usr/bin/env node
'use strict';
// Records HAR 1.2 files of scenarios in real browsers, for the `cookie-doctor
// har` replay tests (tests/har/recorded/<scenario>.<mode>.har).
//
//   node oracle/src/record-har.js [--mode M]... [--out DIR] [--address IP] [-v] [FILES...]
//
// FILES default to the scenarios listed in DEFAULT_SCENARIOS below; --mode may
// repeat or take a comma list (default chrome, chrome-3pc-blocked, firefox).
// The test server listens on --address (default 127.0.0.9, ports 443 and 80),
// so that a recording does not collide with a golden run on 127.0.0.1.
//
// Chromium: a second DevTools client (raw CDP over WebSocket, next to
// Playwright's) auto-attaches to every page and out-of-process frame and logs
// Network.requestWillBeSent / requestWillBeSentExtraInfo (the Cookie header
// really sent) / responseReceived / responseReceivedExtraInfo (the Set-Cookie
// lines really received), like DevTools' own "Export HAR (with sensitive
// data)": creator WebInspector, `_initiator`, `_resourceType`.
// Firefox: WebDriver BiDi network.beforeRequestSent / network.responseCompleted
// and browsingContext events, written the way Firefox's "Save All As HAR"
// writes them (creator and browser Firefox; no `_initiator`, no
// `_resourceType`; Sec-Fetch-* request headers tell the story).
//
// Bodies are never recorded (content.size 0, no text).

const fs = require('fs');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');
const { TestServer } = require('./server');
const { WebSocketClient } = require('./drivers/firefox');
const { sleep, withTimeout } = require('./drivers/common');

const ROOT = path.resolve(__dirname, '..', '..');
const DRIVERS = [require('./drivers/chromium'), require('./drivers/firefox')];
const MODE_DRIVER = new Map();
for (const d of DRIVERS) for (const m of d.MODES) MODE_DRIVER.set(m, d);

// ~6 scenarios: SameSite=None without Secure, a cross-site iframe session,
// third-party cookies blocked vs allowed, a redirect setting a cookie, a
// credentialed fetch, Lax on a top-level cross-site POST.
const DEFAULT_SCENARIOS = [
  'samesite-none-without-secure-rejected-at-login',
  'embedded-dashboard-loses-its-session-lax-cookie',
  'embedded-dashboard-samesite-none-needs-third-party-cookies',
  'redirect-response-sets-cookie-before-cross-site-hop',
  'httponly-cookie-sent-with-credentialed-fetch',
  'payment-provider-return-post-loses-lax-cart-session',
];

function usage(msg) {
  if (msg) process.stderr.write(`record-har: ${msg}\n`);
  process.stderr.write('usage: node oracle/src/record-har.js [--mode M]... [--out DIR] [--address IP] [-v] [FILES...]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { modes: [], out: path.join(ROOT, 'tests', 'har', 'recorded'), address: '127.0.0.9', verbose: false, files: [], timeout: 15 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    if (a === '--mode') o.modes.push(...val().split(',').filter(Boolean));
    else if (a === '--out') o.out = path.resolve(val());
    else if (a === '--address') o.address = val();
    else if (a === '-v' || a === '--verbose') o.verbose = true;
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else o.files.push(a);
  }
  if (!o.modes.length) o.modes = ['chrome', 'chrome-3pc-blocked', 'firefox'];
  for (const m of o.modes) if (!MODE_DRIVER.has(m)) usage(`unknown mode ${m}`);
  if (!o.files.length) o.files = DEFAULT_SCENARIOS.map((s) => path.join(ROOT, 'tests', 'scenarios', `${s}.toml`));
  return o;
}

/** The one scenario reader: `cookie-doctor scenario FILE --format json`. */
function findReader() {
  if (process.env.COOKIE_DOCTOR) return process.env.COOKIE_DOCTOR;
  const b = spawnSync('cargo', ['build', '-q', '-p', 'cookie-doctor'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (b.status !== 0) { process.stderr.write('record-har: cannot build the scenario reader\n'); process.exit(2); }
  const meta = JSON.parse(execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], { cwd: ROOT, maxBuffer: 64 << 20 }));
  return path.join(meta.target_directory, 'debug', 'cookie-doctor');
}

function readScenario(reader, file) {
  const r = spawnSync(reader, ['scenario', file, '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) { process.stderr.write(r.stderr || `record-har: cannot read ${file}\n`); process.exit(2); }
  return JSON.parse(r.stdout);
}

// ---- HAR building ----------------------------------------------------------

/** `{name: "a\nb"}` (CDP: repeated headers joined by newlines) → HAR headers. */
function cdpHeaders(obj) {
  const out = [];
  for (const [name, value] of Object.entries(obj || {})) {
    for (const v of String(value).split('\n')) out.push({ name, value: v });
  }
  return out;
}

function findHeader(headers, name) {
  const h = headers.find((x) => x.name.toLowerCase() === name);
  return h ? h.value : null;
}

/** HAR 1.2 §cookies from the Cookie request header. */
function requestCookies(headers) {
  const raw = headers.filter((h) => h.name.toLowerCase() === 'cookie').map((h) => h.value).join('; ');
  if (!raw) return [];
  return raw.split(/;\s*/).filter(Boolean).map((s) => {
    const eq = s.indexOf('=');
    return eq < 0 ? { name: '', value: s } : { name: s.slice(0, eq), value: s.slice(eq + 1) };
  });
}

/** HAR 1.2 §cookies from Set-Cookie response headers (name and value only,
 * plus the attributes DevTools lists). */
function responseCookies(headers) {
  return headers.filter((h) => h.name.toLowerCase() === 'set-cookie').map((h) => {
    const [pair, ...attrs] = h.value.split(';');
    const eq = pair.indexOf('=');
    const c = eq < 0 ? { name: '', value: pair.trim() } : { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() };
    for (const a of attrs) {
      const [k, ...v] = a.split('=');
      const key = k.trim().toLowerCase();
      const val = v.join('=').trim();
      if (key === 'path') c.path = val;
      else if (key === 'domain') c.domain = val;
      else if (key === 'httponly') c.httpOnly = true;
      else if (key === 'secure') c.secure = true;
      else if (key === 'samesite') c.sameSite = val;
    }
    return c;
  });
}

function harEntry({ pageref, time, method, url, reqHeaders, status, resHeaders, initiator, resourceType }) {
  const entry = {
    pageref: pageref || undefined,
    startedDateTime: new Date(time).toISOString(),
    time: 0,
    request: {
      method, url, httpVersion: 'HTTP/1.1', headers: reqHeaders,
      queryString: [...new URL(url).searchParams].map(([name, value]) => ({ name, value })),
      cookies: requestCookies(reqHeaders), headersSize: -1, bodySize: method === 'POST' ? 0 : -1,
    },
    response: {
      status, statusText: '', httpVersion: 'HTTP/1.1', headers: resHeaders,
      cookies: responseCookies(resHeaders),
      content: { size: 0, mimeType: findHeader(resHeaders, 'content-type') || '' },
      redirectURL: [301, 302, 303, 307, 308].includes(status) ? new URL(findHeader(resHeaders, 'location') || '', url).href : '',
      headersSize: -1, bodySize: 0,
    },
    cache: {},
    timings: { send: 0, wait: 0, receive: 0 },
  };
  if (initiator) entry._initiator = initiator;
  if (resourceType) entry._resourceType = resourceType;
  if (!entry.pageref) delete entry.pageref;
  return entry;
}

// ---- Chromium: a raw CDP client --------------------------------------------

class Cdp {
  constructor(ws) {
    this.ws = ws;
    this.nextId = 1;
    this.pending = new Map();
    this.handlers = [];
    ws.on('message', (text) => {
      let msg;
      try { msg = JSON.parse(text); } catch { return; }
      if (msg.id != null) {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`)); else p.resolve(msg.result);
        return;
      }
      for (const h of this.handlers) h(msg);
    });
  }

  send(method, params, sessionId) {
    const id = this.nextId++;
    const msg = { id, method, params: params || {} };
    if (sessionId) msg.sessionId = sessionId;
    return withTimeout(new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.ws.send(JSON.stringify(msg));
    }), 10000, method);
  }
}

/** Starts logging a Chromium's network traffic; returns {stop() → entries-builder}. */
async function captureChromium(endpoint) {
  const ws = await WebSocketClient.connect(endpoint, 10000);
  const cdp = new Cdp(ws);
  const requests = new Map(); // requestId → {hops: [...], extraReq: [], extraRes: [], owner}
  const order = []; // [requestId, hopIndex] in the order requests left
  const frames = new Map(); // frameId → parentFrameId|null
  const get = (id) => {
    if (!requests.has(id)) requests.set(id, { hops: [], extraReq: [], extraRes: [], finalResponse: null, owner: null });
    return requests.get(id);
  };
  cdp.handlers.push((msg) => {
    const p = msg.params || {};
    switch (msg.method) {
      case 'Target.attachedToTarget': {
        const sid = p.sessionId;
        (async () => {
          try {
            await cdp.send('Network.enable', {}, sid);
            await cdp.send('Page.enable', {}, sid).catch(() => {});
            await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }, sid).catch(() => {});
          } catch { /* a target that went away */ }
          await cdp.send('Runtime.runIfWaitingForDebugger', {}, sid).catch(() => {});
        })();
        break;
      }
      case 'Page.frameAttached': frames.set(p.frameId, p.parentFrameId || null); break;
      case 'Page.frameNavigated': if (!frames.has(p.frame.id) || p.frame.parentId) frames.set(p.frame.id, p.frame.parentId || null); break;
      case 'Network.requestWillBeSent': {
        const r = get(p.requestId);
        if (r.owner && r.owner !== msg.sessionId) break; // the same request seen by another target
        r.owner = msg.sessionId;
        if (p.redirectResponse && r.hops.length) r.hops[r.hops.length - 1].response = p.redirectResponse;
        r.hops.push({ request: p.request, time: p.wallTime * 1000, initiator: p.initiator, type: p.type, frameId: p.frameId, response: null });
        order.push([p.requestId, r.hops.length - 1]);
        break;
      }
      case 'Network.requestWillBeSentExtraInfo': {
        const r = get(p.requestId);
        if (!r.extraReq.some((e) => JSON.stringify(e.headers) === JSON.stringify(p.headers) && e.sid !== msg.sessionId)) r.extraReq.push({ headers: p.headers, sid: msg.sessionId });
        break;
      }
      case 'Network.responseReceivedExtraInfo': {
        const r = get(p.requestId);
        if (!r.extraRes.some((e) => JSON.stringify(e.headers) === JSON.stringify(p.headers) && e.sid !== msg.sessionId)) r.extraRes.push({ headers: p.headers, status: p.statusCode, sid: msg.sessionId });
        break;
      }
      case 'Network.responseReceived': {
        const r = get(p.requestId);
        if (r.owner && r.owner !== msg.sessionId) break;
        if (r.hops.length) r.hops[r.hops.length - 1].response = p.response;
        break;
      }
      default:
    }
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: true });
  // The page that already exists.
  const { targetInfos } = await cdp.send('Target.getTargets');
  for (const t of targetInfos) {
    if (t.type === 'page' && !t.attached) await cdp.send('Target.attachToTarget', { targetId: t.targetId, flatten: true }).catch(() => {});
  }
  await sleep(200);

  return {
    close() { ws.close(); },
    /** HAR pages and entries, in the order requests left. */
    build(hostsWanted) {
      const pages = [];
      const entries = [];
      let pageref = null;
      const isMainFrame = (fid) => frames.has(fid) ? frames.get(fid) === null : true;
      for (const [id, k] of order) {
        const r = requests.get(id);
        const hop = r.hops[k];
        const url = hop.request.url;
        if (!/^https?:/.test(url)) continue;
        if (!hostsWanted.has(new URL(url).host) || new URL(url).pathname === '/favicon.ico') continue;
        const resourceType = (hop.type || 'other').toLowerCase();
        if (resourceType === 'document' && isMainFrame(hop.frameId) && k === 0) {
          pageref = `page_${pages.length + 1}`;
          pages.push({ startedDateTime: new Date(hop.time).toISOString(), id: pageref, title: url, pageTimings: {} });
        }
        const extraReq = r.extraReq[k];
        const reqHeaders = extraReq ? cdpHeaders(extraReq.headers).filter((h) => !h.name.startsWith(':')) : cdpHeaders(hop.request.headers);
        const extraRes = r.extraRes[k];
        const status = hop.response ? hop.response.status : (extraRes ? extraRes.status : 0);
        const resHeaders = extraRes ? cdpHeaders(extraRes.headers) : cdpHeaders(hop.response ? hop.response.headers : {});
        // DevTools' HAR: a redirect hop's initiator is the redirect itself.
        const initiator = k > 0 ? { type: 'redirect', url: r.hops[k - 1].request.url } : initiatorOf(hop.initiator);
        entries.push(harEntry({ pageref, time: hop.time, method: hop.request.method, url, reqHeaders, status, resHeaders, initiator, resourceType }));
      }
      return { pages, entries };
    },
  };
}

/** CDP Network.Initiator → the HAR `_initiator` DevTools writes (type, url,
 * stack with call frame URLs). */
function initiatorOf(init) {
  if (!init) return { type: 'other' };
  const out = { type: init.type };
  if (init.url) out.url = init.url;
  if (init.stack) {
    out.stack = { callFrames: (init.stack.callFrames || []).map((f) => ({ functionName: f.functionName, scriptId: f.scriptId, url: f.url, lineNumber: f.lineNumber, columnNumber: f.columnNumber })) };
  }
  return out;
}

// ---- Firefox: WebDriver BiDi events -----------------------------------------

function captureFirefox(events) {
  const order = []; // {id, redirectCount, request, context, time, response}
  const byKey = new Map();
  const contexts = new Map(); // context → parent|null
  const onEvent = (ev) => {
    const p = ev.params || {};
    if (ev.method === 'browsingContext.contextCreated') contexts.set(p.context, p.parent || null);
    else if (ev.method === 'network.beforeRequestSent') {
      const key = `${p.request.request}/${p.redirectCount}`;
      if (byKey.has(key)) return;
      const rec = { id: p.request.request, redirectCount: p.redirectCount, request: p.request, context: p.context, navigation: p.navigation, time: p.timestamp, response: null, initiator: p.initiator };
      byKey.set(key, rec);
      order.push(rec);
    } else if (ev.method === 'network.responseCompleted') {
      const rec = byKey.get(`${p.request.request}/${p.redirectCount}`);
      if (rec) rec.response = p.response;
    }
  };
  events.on('event', onEvent);
  const bidiHeaders = (list) => {
    const out = [];
    for (const h of list || []) {
      const v = h.value && h.value.type === 'string' ? h.value.value : (h.value && h.value.type === 'base64' ? Buffer.from(h.value.value, 'base64').toString('latin1') : '');
      for (const part of String(v).split('\n')) out.push({ name: h.name, value: part });
    }
    return out;
  };
  return {
    close() { events.off('event', onEvent); },
    build(hostsWanted) {
      const pages = [];
      const entries = [];
      let pageref = null;
      for (const rec of order) {
        const url = rec.request.url;
        if (!/^https?:/.test(url) || !hostsWanted.has(new URL(url).host) || new URL(url).pathname === '/favicon.ico') continue;
        const topLevel = !contexts.get(rec.context);
        if (rec.navigation && topLevel && rec.redirectCount === 0) {
          pageref = `page_${pages.length + 1}`;
          pages.push({ startedDateTime: new Date(rec.time).toISOString(), id: pageref, title: url, pageTimings: {} });
        }
        const reqHeaders = bidiHeaders(rec.request.headers);
        const resHeaders = rec.response ? bidiHeaders(rec.response.headers) : [];
        const status = rec.response ? rec.response.status : 0;
        entries.push(harEntry({ pageref, time: rec.time, method: rec.request.method, url, reqHeaders, status, resHeaders }));
      }
      return { pages, entries };
    },
  };
}

// ---- main --------------------------------------------------------------------

function scenarioHosts(sc) {
  const hosts = new Set();
  const add = (u) => { try { hosts.add(new URL(u).host); } catch { /* relative */ } };
  for (const s of sc.steps) if (s.url) add(s.url);
  for (const r of sc.responses) { add(r.url); if (r.location) add(r.location); }
  return hosts;
}

async function recordHar(server, mode, sc, opts) {
  const driver = MODE_DRIVER.get(mode);
  server.load(sc.responses);
  const browser = await driver.launch(mode, { spki: server.spki, timeoutMs: opts.timeout * 1000, resolveTo: server.addresses[0] });
  let capture;
  try {
    capture = browser.cdpEndpoint ? await captureChromium(browser.cdpEndpoint) : captureFirefox(browser.events);
    for (const step of sc.steps) {
      const result = await browser.runStep(step);
      if (opts.verbose) process.stderr.write(`    step ${step.index} ${step.do}${result.error ? ` error ${result.error}` : ''}\n`);
    }
    await sleep(500); // late ExtraInfo / responseCompleted events
  } finally {
    await browser.close();
    if (capture) capture.close();
  }
  const { pages, entries } = capture.build(scenarioHosts(sc));
  const [name, version] = browser.version.split(/[ /]/);
  const creator = mode.startsWith('chrome') ? { name: 'WebInspector', version: '537.36' } : { name: 'Firefox', version: browser.version.replace(/^Firefox /, '') };
  const log = { version: '1.2', creator };
  if (!mode.startsWith('chrome')) log.browser = { name: 'Firefox', version: creator.version };
  else log.comment = `Recorded by cookie-doctor oracle/src/record-har.js in ${name} ${version || ''} (mode ${mode})`.trim();
  log.pages = pages;
  log.entries = entries;
  return { log };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const reader = findReader();
  const scenarios = opts.files.map((file) => ({ stem: path.basename(file).replace(/\.toml$/, ''), sc: readScenario(reader, file) }));
  const server = new TestServer([opts.address]);
  await server.start();
  let failures = 0;
  try {
    fs.mkdirSync(opts.out, { recursive: true });
    for (const mode of opts.modes) {
      for (const { stem, sc } of scenarios) {
        if (!sc.browsers.includes(mode)) continue;
        try {
          const har = await recordHar(server, mode, sc, opts);
          const target = path.join(opts.out, `${stem}.${mode}.har`);
          fs.writeFileSync(target, `${JSON.stringify(har, null, 1)}\n`);
          process.stdout.write(`[${mode}] ${stem}: ${har.log.entries.length} entries → ${path.relative(process.cwd(), target)}\n`);
        } catch (e) {
          failures++;
          process.stdout.write(`[${mode}] ${stem}: FAILED ${e.message}\n`);
        }
      }
    }
  } finally {
    await server.stop();
  }
  process.exit(failures ? 1 : 0);
}

main().catch((e) => {
  process.stderr.write(`record-har: ${e.stack || e.message}\n`);
  process.exit(1);
});
