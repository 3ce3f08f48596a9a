'use strict';
// Firefox driver: Debian's /usr/bin/firefox-esr, launched here with a fresh
// profile and driven over WebDriver BiDi, spoken directly over a WebSocket
// (no npm dependency: a minimal RFC 6455 client is below).
//
// Interface shared by every driver (see drivers/chromium.js):
//   launch(mode, {spki, timeoutMs, resolveTo}) → {runStep(step), readJar(), close(), version}
//   runStep(step) → {js_cookie, fetch, error}
//   readJar() → [{name, value, domain, host_only, path, secure, http_only,
//                 same_site, partition, expires (absolute epoch seconds|null)}]
//
// Mode `firefox`: Standard Enhanced Tracking Protection, i.e. Total Cookie
// Protection (network.cookie.cookieBehavior = 5), HTTPS-First off.
//
// How things are done:
// - Hosts: `network.dns.forceResolve` sends every host name to `resolveTo`.
// - Certificate: the BiDi session is created with acceptInsecureCerts.
// - The jar and the storage-access grant use the browser's own services
//   (Services.cookies, Services.perms) from the parent process, reached with
//   --remote-allow-system-access: BiDi storage.getCookies does not report a
//   cookie's partition, and BiDi permissions.setPermission does not support
//   "storage-access" in this Firefox.
// - Step errors are Firefox's own: a navigation that fails on the network is
//   named by its nsresult (NS_BINDING_ABORTED for a 204, NS_ERROR_REDIRECT_LOOP);
//   `download`; `error-page` (a refused frame, Firefox's about:neterror);
//   `frame-not-loaded` (blocked mixed content); `insecure-form-warning` (the
//   prompt Firefox shows before a form goes from https to http, dismissed as
//   a user who does not confirm would).

const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const crypto = require('crypto');
const { spawn } = require('child_process');
const { EventEmitter } = require('events');

const MODES = ['firefox'];
const BINARY = process.env.FIREFOX_BIN || '/usr/bin/firefox-esr';

const { StepTimeout, BrowserCrashed, withTimeout, sleep, scriptSteps } = require('./common');

// ---- a minimal WebSocket client (RFC 6455: text frames, ping, close) --------

class WebSocketClient extends EventEmitter {
  static connect(url, timeoutMs) {
    const u = new URL(url);
    return withTimeout(new Promise((resolve, reject) => {
      const key = crypto.randomBytes(16).toString('base64');
      const req = http.request({
        host: u.hostname, port: u.port, path: u.pathname + u.search,
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': '13' },
      });
      req.on('upgrade', (res, socket, head) => {
        const expect = crypto.createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
        if (res.headers['sec-websocket-accept'] !== expect) { socket.destroy(); reject(new Error('websocket: bad handshake')); return; }
        resolve(new WebSocketClient(socket, head));
      });
      req.on('response', (res) => reject(new Error(`websocket: HTTP ${res.statusCode}`)));
      req.on('error', reject);
      req.end();
    }), timeoutMs, 'websocket connect');
  }

  constructor(socket, head) {
    super();
    this.socket = socket;
    this.buf = Buffer.alloc(0);
    this.parts = [];
    this.closed = false;
    socket.setNoDelay(true);
    socket.on('data', (d) => this._data(d));
    socket.on('close', () => { if (!this.closed) { this.closed = true; this.emit('close'); } });
    socket.on('error', () => {});
    if (head && head.length) this._data(head);
  }

  _data(d) {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const b = this.buf;
      if (b.length < 2) return;
      const fin = (b[0] & 0x80) !== 0;
      const op = b[0] & 0x0f;
      const masked = (b[1] & 0x80) !== 0;
      let len = b[1] & 0x7f;
      let off = 2;
      if (len === 126) { if (b.length < 4) return; len = b.readUInt16BE(2); off = 4; }
      else if (len === 127) { if (b.length < 10) return; len = Number(b.readBigUInt64BE(2)); off = 10; }
      const maskOff = off;
      if (masked) off += 4;
      if (b.length < off + len) return;
      let payload = b.subarray(off, off + len);
      if (masked) { payload = Buffer.from(payload); for (let i = 0; i < len; i++) payload[i] ^= b[maskOff + (i & 3)]; }
      this.buf = b.subarray(off + len);
      if (op === 0x8) { this.close(); return; }
      if (op === 0x9) { this._send(0xa, payload); continue; }
      if (op === 0xa) continue;
      this.parts.push(Buffer.from(payload));
      if (fin) {
        const msg = Buffer.concat(this.parts).toString('utf8');
        this.parts = [];
        this.emit('message', msg);
      }
    }
  }

  _send(op, payload) {
    if (this.closed) return;
    const len = payload.length;
    let head;
    if (len < 126) { head = Buffer.alloc(2); head[1] = 0x80 | len; }
    else if (len < 65536) { head = Buffer.alloc(4); head[1] = 0x80 | 126; head.writeUInt16BE(len, 2); }
    else { head = Buffer.alloc(10); head[1] = 0x80 | 127; head.writeBigUInt64BE(BigInt(len), 2); }
    head[0] = 0x80 | op;
    const mask = crypto.randomBytes(4);
    const body = Buffer.from(payload);
    for (let i = 0; i < len; i++) body[i] ^= mask[i & 3];
    this.socket.write(Buffer.concat([head, mask, body]));
  }

  send(text) { this._send(0x1, Buffer.from(text, 'utf8')); }

  close() {
    if (this.closed) return;
    try { this._send(0x8, Buffer.alloc(0)); } catch { /* gone */ }
    this.closed = true;
    this.socket.end();
    this.emit('close');
  }
}

// ---- WebDriver BiDi ---------------------------------------------------------

class BidiError extends Error {
  constructor(method, msg) {
    super(`${method}: ${msg.error}: ${msg.message}`);
    this.bidiError = msg.error;
    this.bidiMessage = msg.message || '';
  }
}

class Bidi extends EventEmitter {
  constructor(ws) {
    super();
    this.ws = ws;
    this.nextId = 1;
    this.pending = new Map();
    ws.on('message', (text) => {
      let msg;
      try { msg = JSON.parse(text); } catch { return; }
      if (msg.type === 'event') { this.emit('event', msg); return; }
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.type === 'error') p.reject(new BidiError(p.method, msg));
      else p.resolve(msg.result);
    });
    ws.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error(`${p.method}: connection closed`));
      this.pending.clear();
      this.emit('close');
    });
  }

  send(method, params, timeoutMs) {
    const id = this.nextId++;
    const p = new Promise((resolve, reject) => {
      if (this.ws.closed) { reject(new Error(`${method}: connection closed`)); return; }
      this.pending.set(id, { resolve, reject, method });
      this.ws.send(JSON.stringify({ id, method, params: params || {} }));
    });
    if (!timeoutMs) return p;
    return withTimeout(p, timeoutMs, method).catch((e) => { this.pending.delete(id); throw e; });
  }
}

// ---- the profile -------------------------------------------------------------

function userJs(mode, resolveTo, downloadDir) {
  const prefs = {
    // The cookie policy under test: Standard ETP = Total Cookie Protection.
    'network.cookie.cookieBehavior': 5,
    'network.cookie.cookieBehavior.pbmode': 5,
    'browser.contentblocking.category': 'standard',
    // Every name reaches the test server, which answers on both 80 and 443:
    // no HTTPS-First / HTTPS-Only upgrades (they would turn http scenarios
    // into https ones), no DNS over HTTPS, no proxy, no HTTP/3.
    'network.dns.forceResolve': resolveTo,
    'network.trr.mode': 5,
    'network.proxy.type': 0,
    'network.http.http3.enable': false,
    'network.dns.disablePrefetch': true,
    'network.prefetch-next': false,
    'network.predictor.enabled': false,
    'network.http.speculative-parallel-limit': 0,
    'browser.urlbar.speculativeConnect.enabled': false,
    'browser.places.speculativeConnect.enabled': false,
    'dom.security.https_first': false,
    'dom.security.https_first_pbm': false,
    'dom.security.https_first_schemeless': false,
    'dom.security.https_first_for_local_addresses': false,
    'dom.security.https_first_for_unknown_suffixes': false,
    'dom.security.https_first_for_custom_ports': false,
    'dom.security.https_only_mode': false,
    'dom.security.https_only_mode_pbm': false,
    'dom.security.https_only_mode_ever_enabled': false,
    'dom.security.https_only_mode_ever_enabled_pbm': false,
    'dom.security.https_only_mode_send_http_background_request': false,
    // No first-run or start pages.
    'browser.startup.page': 0,
    'browser.startup.homepage': 'about:blank',
    'browser.startup.homepage_override.mstone': 'ignore',
    'startup.homepage_welcome_url': 'about:blank',
    'startup.homepage_welcome_url.additional': '',
    'browser.aboutwelcome.enabled': false,
    'trailhead.firstrun.didSeeAboutWelcome': true,
    'browser.newtabpage.enabled': false,
    'browser.newtab.preload': false,
    'browser.shell.checkDefaultBrowser': false,
    'browser.sessionstore.resume_from_crash': false,
    'browser.tabs.warnOnClose': false,
    'toolkit.startup.max_resumed_crashes': -1,
    // No background network traffic.
    'app.update.enabled': false,
    'app.update.auto': false,
    'app.update.disabledForTesting': true,
    'app.normandy.enabled': false,
    'app.normandy.api_url': '',
    'app.shield.optoutstudies.enabled': false,
    'extensions.update.enabled': false,
    'extensions.getAddons.cache.enabled': false,
    'extensions.systemAddon.update.enabled': false,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'datareporting.healthreport.uploadEnabled': false,
    'datareporting.usage.uploadEnabled': false,
    'toolkit.telemetry.enabled': false,
    'toolkit.telemetry.unified': false,
    'toolkit.telemetry.archive.enabled': false,
    'toolkit.telemetry.server': '',
    'toolkit.telemetry.reportingpolicy.firstRun': false,
    'toolkit.telemetry.shutdownPingSender.enabled': false,
    'toolkit.telemetry.newProfilePing.enabled': false,
    'toolkit.telemetry.firstShutdownPing.enabled': false,
    'toolkit.telemetry.updatePing.enabled': false,
    'toolkit.telemetry.bhrPing.enabled': false,
    'browser.ping-centre.telemetry': false,
    'browser.safebrowsing.malware.enabled': false,
    'browser.safebrowsing.phishing.enabled': false,
    'browser.safebrowsing.downloads.enabled': false,
    'browser.safebrowsing.downloads.remote.enabled': false,
    'browser.safebrowsing.blockedURIs.enabled': false,
    'browser.safebrowsing.provider.google4.updateURL': '',
    'browser.safebrowsing.provider.google.updateURL': '',
    'browser.safebrowsing.provider.mozilla.updateURL': '',
    'services.settings.server': 'data:,#remote-settings-dummy/v1',
    'browser.region.network.url': '',
    'browser.region.update.enabled': false,
    'browser.search.update': false,
    'browser.topsites.contile.enabled': false,
    'browser.newtabpage.activity-stream.feeds.system.topstories': false,
    'browser.newtabpage.activity-stream.feeds.snippets': false,
    'messaging-system.rsexperimentloader.enabled': false,
    'network.sntp.pools': '',
    'security.OCSP.enabled': 0,
    'security.remote_settings.crlite_filters.enabled': false,
    'security.remote_settings.intermediates.enabled': false,
    'geo.provider.network.url': '',
    'dom.push.connection.enabled': false,
    'media.gmp-manager.updateEnabled': false,
    'media.gmp-gmpopenh264.enabled': false,
    'identity.fxaccounts.enabled': false,
    // Downloads (a Content-Disposition: attachment link) land in the profile,
    // without a dialog.
    'browser.download.folderList': 2,
    'browser.download.dir': downloadDir,
    'browser.download.useDownloadDir': true,
    'browser.download.always_ask_before_handling_new_types': false,
    'browser.download.start_downloads_in_tmp_dir': false,
    'browser.download.panel.shown': true,
  };
  if (mode !== 'firefox') throw new Error(`firefox driver: unknown mode ${mode}`);
  return Object.entries(prefs).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});\n`).join('');
}

// ---- launch ----------------------------------------------------------------

async function launch(mode, { timeoutMs = 15000, resolveTo = '127.0.0.1' } = {}) {
  if (!MODES.includes(mode)) throw new Error(`firefox driver: unknown mode ${mode}`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-oracle-firefox-'));
  const downloads = path.join(profile, 'downloads');
  fs.mkdirSync(downloads);
  fs.writeFileSync(path.join(profile, 'user.js'), userJs(mode, resolveTo, downloads));

  const args = ['--headless', '--no-remote', '--new-instance', '--profile', profile,
    '--remote-debugging-port=0', '--remote-allow-system-access', 'about:blank'];
  // MOZ_REMOTE_SETTINGS_DEVTOOLS lets services.settings.server (a dummy)
  // take effect in a release build: no Remote Settings traffic.
  const env = { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1', MOZ_HEADLESS: '1', MOZ_REMOTE_SETTINGS_DEVTOOLS: '1' };
  for (const k of Object.keys(env)) if (/^(https?|all|no)_proxy$/i.test(k)) delete env[k];
  const proc = spawn(BINARY, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderrLines = [];
  let endpoint = null;
  let onEndpoint;
  const gotEndpoint = new Promise((r) => { onEndpoint = r; });
  let partial = '';
  proc.stderr.on('data', (d) => {
    const lines = (partial + String(d)).split('\n');
    partial = lines.pop();
    for (const l of lines) {
      const m = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(l);
      if (m && !endpoint) { endpoint = m[1]; onEndpoint(endpoint); continue; }
      if (l.trim()) stderrLines = stderrLines.concat(l).slice(-15);
    }
  });
  const stderrTail = () => (stderrLines.length ? stderrLines.join('\n') : '(nothing)');
  let closing = false;
  let crashed = null;
  proc.on('error', (e) => { crashed = `cannot start ${BINARY}: ${e.message}`; onEndpoint(null); });
  proc.on('exit', (code, signal) => {
    if (!closing) crashed = `firefox exited unexpectedly (code ${code}, signal ${signal}); stderr tail:\n${stderrTail()}`;
    onEndpoint(null);
  });
  const killGroup = (sig) => { try { process.kill(-proc.pid, sig); } catch { /* gone */ } };
  const cleanup = async () => {
    closing = true;
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      killGroup('SIGTERM');
      await withTimeout(exited, 5000, 'firefox exit').catch(() => { killGroup('SIGKILL'); });
    }
    // Content processes may outlive the parent for a moment.
    killGroup('SIGKILL');
    fs.rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  };

  let ws;
  let bidi;
  let version;
  let top;
  try {
    const ep = await withTimeout(gotEndpoint, timeoutMs * 2, 'firefox start').catch(() => null);
    if (!ep) throw new BrowserCrashed(crashed || `firefox did not start within ${timeoutMs * 2} ms; stderr tail:\n${stderrTail()}`);
    ws = await WebSocketClient.connect(`${ep}/session`, timeoutMs);
    bidi = new Bidi(ws);
    const session = await bidi.send('session.new', {
      capabilities: { alwaysMatch: { acceptInsecureCerts: true, unhandledPromptBehavior: { default: 'accept' } } },
    }, timeoutMs * 2); // waits for Firefox's idle startup tasks: slow on a busy machine
    version = `Firefox ${session.capabilities.browserVersion}`;
    await bidi.send('session.subscribe', {
      events: ['browsingContext', 'network.responseCompleted', 'network.fetchError', 'network.beforeRequestSent'],
    }, timeoutMs);
    const tree = await bidi.send('browsingContext.getTree', { maxDepth: 0 }, timeoutMs);
    top = tree.contexts[0].context;
  } catch (e) {
    if (ws) ws.close();
    await cleanup();
    throw e instanceof BrowserCrashed ? e : new BrowserCrashed(crashed || `cannot attach to firefox: ${e.message}`);
  }

  const checkAlive = () => { if (crashed) throw new BrowserCrashed(crashed); };

  // ---- events ----
  // Every BiDi event goes to the current listeners; a step installs a
  // listener for what ends it.
  const listeners = new Set();
  bidi.on('event', (ev) => { for (const l of [...listeners]) l(ev); });
  /** Resolves with the first event for which `pred` returns a value other
   * than undefined; `.cancel()` removes the listener. */
  function waitEvent(pred) {
    let l;
    const p = new Promise((resolve) => {
      l = (ev) => { const v = pred(ev); if (v !== undefined) { listeners.delete(l); resolve(v); } };
      listeners.add(l);
    });
    p.cancel = () => listeners.delete(l);
    return p;
  }

  // ---- script ----
  /** Calls `fn(arg)` in the context's page realm; returns the deserialised
   * result (JSON values only). */
  async function call(context, fn, arg, what, { gesture = false, element = false } = {}) {
    const r = await bidi.send('script.callFunction', {
      functionDeclaration: fn.toString(),
      target: { context },
      arguments: arg === undefined ? [] : [serialise(arg)],
      awaitPromise: true,
      userActivation: gesture,
      resultOwnership: 'none',
      serializationOptions: { maxObjectDepth: 10 },
    }, timeoutMs).catch((e) => {
      if (e.code === 'timeout') throw new StepTimeout(what);
      throw e;
    });
    if (r.type === 'exception') throw new Error(`${what}: ${r.exceptionDetails.text}`);
    return element ? r.result : deserialise(r.result);
  }

  // ---- frames ----
  async function contextTree() {
    const t = await bidi.send('browsingContext.getTree', { root: top }, timeoutMs);
    return t.contexts[0];
  }
  /** Every context under the top, parents before children, in order. */
  function flatten(node, out = []) {
    for (const c of node.children || []) { out.push(c); flatten(c, out); }
    return out;
  }
  async function frameName(context) {
    try {
      return await withTimeout(call(context, () => window.name, undefined, 'frame name'), Math.min(timeoutMs, 3000), 'frame name');
    } catch {
      return null;
    }
  }
  async function frameByName(name) {
    if (name == null || name === 'top') return top;
    const end = Date.now() + Math.min(timeoutMs, 5000);
    for (;;) {
      for (const c of flatten(await contextTree())) {
        if (await frameName(c.context) === name) return c.context;
      }
      if (Date.now() > end) throw Object.assign(new Error(`no frame named ${name}`), { code: 'no-such-frame' });
      await sleep(50);
    }
  }

  /** Is the document in `context` one of Firefox's error pages? */
  async function isErrorPage(context) {
    try {
      const uri = await call(context, () => document.documentURI, undefined, 'documentURI');
      return /^about:(neterror|certerror|blocked|httpsonlyerror)/.test(uri);
    } catch {
      return false;
    }
  }

  // ---- navigation ----
  /**
   * Runs `start()` (which begins a navigation of `context`) and waits for
   * that navigation to end: its `load`; a network failure (the step's error
   * is Firefox's, e.g. NS_ERROR_REDIRECT_LOOP, once the error page that
   * follows has loaded; NS_BINDING_ABORTED, a 204 or a download, commits
   * none); a download; or a tab-modal prompt (`dialogs`), which is
   * dismissed.
   */
  async function navigation(context, start, { dialogs = false, startMayFail = false } = {}) {
    let navId = null;
    let fetchError = null;
    let download = false;
    let settle;
    const errorSettled = new Promise((r) => { settle = r; });
    const done = waitEvent((ev) => {
      const p = ev.params || {};
      // A navigation starts with navigationStarted, or (after a navigation
      // that ended without a document, which Firefox still counts as
      // ongoing) with its first request, under the old navigation id.
      if ((ev.method === 'browsingContext.navigationStarted' && p.context === context)
        || (ev.method === 'network.beforeRequestSent' && p.context === context && p.navigation && p.redirectCount === 0)) {
        navId = p.navigation;
        fetchError = null;
        return undefined;
      }
      if (ev.method === 'browsingContext.downloadWillBegin' && p.navigation === navId && navId) { download = true; return undefined; }
      if (ev.method === 'browsingContext.downloadEnd' && (download || p.navigation === navId) && navId) return { error: 'download' };
      if (navId === null || p.context !== context) return undefined;
      switch (ev.method) {
        case 'network.fetchError':
          if (p.navigation !== navId) return undefined;
          fetchError = p.errorText || 'fetch-error';
          if (fetchError === 'NS_BINDING_ABORTED') {
            // No document follows (a 204, a download that is starting): give
            // a download a moment to announce itself.
            setTimeout(() => settle({ error: download ? 'download' : fetchError }), 300);
          }
          return undefined;
        case 'browsingContext.domContentLoaded':
        case 'browsingContext.load':
          if (fetchError) return { error: fetchError };
          return ev.method === 'browsingContext.load' ? {} : undefined;
        case 'browsingContext.navigationFailed':
          if (p.navigation !== navId) return undefined;
          return { failed: fetchError || 'navigation-failed' };
        case 'browsingContext.navigationAborted':
          if (p.navigation !== navId) return undefined;
          return { error: 'navigation-aborted' };
        default: return undefined;
      }
    });
    let polling = dialogs;
    const dialog = (async () => {
      while (polling) {
        await sleep(200);
        if (!polling) return undefined;
        const d = await withTimeout(dismissTabDialog(), 2000, 'dialog').catch(() => null);
        if (d) return { error: d };
      }
      return undefined;
    })();
    try {
      const started = start();
      started.catch(() => {});
      // A command that starts nothing (browsingContext.navigate refused) ends
      // the step; input.performActions may fail harmlessly when the click
      // takes its own frame away.
      const never = new Promise(() => {});
      const refused = started.then(() => never, async (e) => {
        const error = { error: `driver: ${String(e.message).split('\n')[0]}` };
        // browsingContext.navigate also reports a navigation that failed on
        // the network (the events above tell that story).
        if (/\bNS_[A-Z_]+/.test(e.message)) return never;
        if (!startMayFail) return error;
        // input.performActions fails harmlessly when the click takes its
        // own frame away; not when nothing starts.
        await sleep(1000);
        return navId === null ? error : never;
      });
      const r = await withTimeout(Promise.race([done, errorSettled, refused, dialog.then((d) => d || new Promise(() => {}))]), timeoutMs, 'navigation');
      polling = false;
      await withTimeout(started, 2000, 'input').catch(() => {});
      if (r.failed || (r.error && /^NS_/.test(r.error))) {
        // The error page that may follow has no `load` event in BiDi: let it
        // finish before the next step uses the frame.
        await settleDocument(context);
        return { error: r.failed || r.error };
      }
      if (!r.error && await isErrorPage(context)) return { error: 'error-page' };
      return r;
    } finally {
      polling = false;
      done.cancel();
    }
  }

  /** Waits (bounded) until the document in `context` is parsed, and a
   * moment more. Firefox's network error page stays at readyState
   * "interactive" and gets no BiDi `load`. */
  async function settleDocument(context) {
    const end = Date.now() + Math.min(timeoutMs, 3000);
    while (Date.now() < end) {
      const state = await withTimeout(call(context, () => document.readyState, undefined, 'readyState'), 1000, 'readyState').catch(() => null);
      if (state === 'interactive' || state === 'complete') break;
      await sleep(50);
    }
    await sleep(250);
  }

  /** Dismisses a tab-modal prompt (such as the warning before a form is sent
   * from https to http) if one is open; returns what it was, else null. */
  async function dismissTabDialog() {
    return chrome(async () => {
      const win = Services.wm.getMostRecentWindow('navigator:browser');
      const box = win && win.gBrowser.getTabDialogBox(win.gBrowser.selectedBrowser);
      if (!box) return null;
      for (const m of [box.getTabDialogManager(), box.getContentDialogManager()]) {
        for (const d of m._dialogs) {
          // Its text is there once the dialog has loaded.
          await Promise.race([d._dialogReady, new Promise((r) => { win.setTimeout(r, 1000); })]);
          const doc = d._frame.contentDocument;
          const body = (doc.getElementById('infoBody') || {}).textContent || '';
          const dlg = doc.querySelector('dialog');
          if (dlg && dlg.cancelDialog) dlg.cancelDialog();
          else d.close();
          return /insecure connection/.test(body) ? 'insecure-form-warning' : `dialog: ${(doc.getElementById('infoTitle') || {}).textContent || doc.title}`;
        }
      }
      return null;
    });
  }

  async function navigateTop(url) {
    // browsingContext.navigate is a navigation without an initiator (like
    // typing in the address bar): Sec-Fetch-Site none.
    return navigation(top, () => bidi.send('browsingContext.navigate', { context: top, url, wait: 'none' }, timeoutMs));
  }

  // A full-frame element made by `make` in `frame`, clicked with a real
  // pointer (input.performActions), while `navFrame` is expected to
  // navigate.
  const COVER = 'position:fixed;left:0;top:0;width:100%;height:100%;display:block;margin:0;padding:0;border:0;z-index:2147483647;background:#fff;opacity:1';
  async function clickAndWait(frame, navFrame, make, arg) {
    const el = await call(frame, make, arg, 'build element', { element: true });
    if (!el || !el.sharedId) throw new Error('build element: no element');
    try {
      return await navigation(navFrame, () => bidi.send('input.performActions', {
        context: frame,
        actions: [{
          type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' },
          actions: [
            { type: 'pointerMove', x: 0, y: 0, origin: { type: 'element', element: { sharedId: el.sharedId } } },
            { type: 'pointerDown', button: 0 },
            { type: 'pointerUp', button: 0 },
          ],
        }],
      }, timeoutMs), { dialogs: true, startMayFail: true });
    } finally {
      // When the document survives (a 204, a frame target), take the cover
      // away so that it cannot catch a later step's click.
      await withTimeout(call(frame, (id) => { const e = document.getElementById(id); if (e) e.remove(); }, arg.id, 'cleanup'), 2000, 'cleanup').catch(() => {});
      await bidi.send('input.releaseActions', { context: frame }, 2000).catch(() => {});
    }
  }

  const steps = {
    async open(s) {
      return navigateTop(s.url);
    },
    async click(s) {
      const frame = await frameByName(s.from);
      return clickAndWait(frame, top, ({ url, id, cover }) => {
        const a = document.createElement('a');
        a.href = url; a.target = '_top'; a.id = id; a.textContent = 'link'; a.style.cssText = cover;
        (document.body || document.documentElement).appendChild(a);
        return a;
      }, { url: s.url, id: `cd_link_${s.index}`, cover: COVER });
    },
    async submit(s) {
      const frame = await frameByName(s.from);
      const target = s.target == null || s.target === 'top' ? '_top' : s.target;
      const navFrame = target === '_top' ? top : await frameByName(s.target);
      return clickAndWait(frame, navFrame, ({ url, method, target: t, id, cover }) => {
        const f = document.createElement('form');
        f.method = method; f.action = url; f.target = t;
        if (method.toLowerCase() === 'get') {
          // A GET form replaces the action's query with its fields: carry the
          // query over as fields so the request URL is the scenario's.
          for (const [k, v] of new URL(url, location.href).searchParams) {
            const i = document.createElement('input');
            i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i);
          }
        }
        const b = document.createElement('button');
        b.type = 'submit'; b.id = id; b.textContent = 'submit'; b.style.cssText = cover;
        f.appendChild(b);
        (document.body || document.documentElement).appendChild(f);
        return b;
      }, { url: s.url, method: s.method || 'POST', target, id: `cd_form_${s.index}`, cover: COVER });
    },
    async iframe(s) {
      const frame = await frameByName(s.from);
      // The iframe element's `load` event ends the step. A navigation of the
      // new frame that fails (navigationFailed) is followed by the commit of
      // an error page (a refused frame: X-Frame-Options, CSP
      // frame-ancestors), whose `load` ends the step, or by nothing (mixed
      // content blocked): `frame-not-loaded`.
      let child = null;
      let onFailed;
      let onCommitted;
      const failed = new Promise((r) => { onFailed = r; });
      const committed = new Promise((r) => { onCommitted = r; });
      const watch = waitEvent((ev) => {
        const p = ev.params || {};
        if (ev.method === 'browsingContext.contextCreated' && p.parent === frame && child === null) child = p.context;
        if (child === null || p.context !== child) return undefined;
        if (ev.method === 'browsingContext.navigationFailed') onFailed('failed');
        if (ev.method === 'browsingContext.navigationCommitted') onCommitted('committed');
        return undefined;
      });
      try {
        const loaded = call(frame, ({ url, name }) => new Promise((resolve) => {
          const f = document.createElement('iframe');
          f.name = name;
          f.addEventListener('load', () => resolve('load'), { once: true });
          f.src = url;
          (document.body || document.documentElement).appendChild(f);
        }), { url: s.url, name: s.name }, 'iframe load');
        loaded.catch(() => {});
        let how = await withTimeout(Promise.race([loaded, failed]), timeoutMs, 'iframe load');
        if (how === 'failed') {
          how = await withTimeout(Promise.race([loaded, committed, sleep(1500).then(() => 'failed')]), timeoutMs, 'iframe load');
          if (how === 'committed') how = await withTimeout(loaded, timeoutMs, 'iframe load');
        }
        if (how !== 'load') return { error: 'frame-not-loaded' };
        if (child && await isErrorPage(child)) return { error: 'error-page' };
        return {};
      } finally {
        watch.cancel();
      }
    },
    ...scriptSteps(async (name, fn, arg, what) => call(await frameByName(name), fn, arg, what)),
    async 'storage-access'(s) {
      const frame = await frameByName(s.from);
      // What WebDriver's "Set Permission" does for storage-access in Firefox
      // (Marionette): the top-level origin gets "3rdPartyFrameStorage^<site
      // of the frame>". BiDi's permissions.setPermission does not support it.
      const [embedded, topOrigin] = await Promise.all([
        call(frame, () => location.href, undefined, 'frame url'),
        call(top, () => location.origin, undefined, 'top url'),
      ]);
      try {
        await chrome(({ embedded: e, topOrigin: t }) => {
          const site = Services.eTLD.getSite(Services.io.newURI(e));
          const principal = Services.scriptSecurityManager.createContentPrincipalFromOrigin(t);
          Services.perms.addFromPrincipal(principal, `3rdPartyFrameStorage^${site}`, Services.perms.ALLOW_ACTION);
          return true;
        }, { embedded, topOrigin });
      } catch (e) {
        if (e.code === 'timeout') throw e;
        return { error: 'unsupported' };
      }
      const r = await call(frame, async () => {
        if (!document.requestStorageAccess) return 'unsupported';
        try { await document.requestStorageAccess(); return null; } catch (e) { return `storage-access-denied: ${e.name}`; }
      }, undefined, 'requestStorageAccess', { gesture: true });
      return r ? { error: r } : {};
    },
  };

  // ---- the parent process (system access) ----
  let chromeContext = null;
  async function chrome(fn, arg) {
    if (!chromeContext) {
      const t = await bidi.send('browsingContext.getTree', { 'moz:scope': 'chrome', maxDepth: 0 }, timeoutMs);
      if (!t.contexts.length) throw new Error('no chrome window');
      chromeContext = t.contexts[0].context;
    }
    return call(chromeContext, fn, arg, 'parent process');
  }

  async function runStep(step) {
    checkAlive();
    const fn = steps[step.do];
    if (!fn) return { js_cookie: null, fetch: null, error: `unsupported step ${step.do}` };
    let out;
    try {
      out = await fn(step);
    } catch (e) {
      checkAlive();
      if (e.code === 'timeout') out = { error: 'timeout' };
      else if (e.code === 'no-such-frame') out = { error: e.message };
      else out = { error: `driver: ${String(e.message).split('\n')[0]}` };
    }
    checkAlive();
    return { js_cookie: out.js_cookie === undefined ? null : out.js_cookie, fetch: out.fetch || null, error: out.error || null };
  }

  async function readJar() {
    checkAlive();
    // Every cookie of the cookie service, with the origin attributes that
    // place it in a partition (TCP and CHIPS alike): partitionKey
    // "(https,partner.example)" or "(https,partner.example,f)" when a
    // cross-site ancestor is in the chain (the trace keeps the site only,
    // as it does for Chromium's partition keys).
    const raw = await chrome(() => Services.cookies.cookies.map((c) => ({
      name: c.name,
      value: c.value,
      host: c.host,
      path: c.path,
      isSecure: c.isSecure,
      isHttpOnly: c.isHttpOnly,
      isSession: c.isSession,
      expiry: c.expiry,
      sameSite: c.sameSite,
      partitionKey: c.originAttributes.partitionKey || '',
    })));
    const SAME_SITE = { 0: 'none', 1: 'lax', 2: 'strict', 256: 'unspecified' };
    // The cookie service keeps an expired cookie until its next purge, but the
    // browser neither sends nor shows it: leave it out, as CDP does for Chromium.
    const nowSeconds = Date.now() / 1000;
    const live = raw.filter((c) => c.isSession || expirySeconds(c.expiry) > nowSeconds);
    return live.map((c) => {
      const domainCookie = c.host.startsWith('.');
      return {
        name: c.name,
        value: c.value,
        domain: domainCookie ? c.host.slice(1) : c.host,
        host_only: !domainCookie,
        path: c.path,
        secure: c.isSecure,
        http_only: c.isHttpOnly,
        same_site: SAME_SITE[c.sameSite] || `unknown-${c.sameSite}`,
        partition: partitionSite(c.partitionKey),
        expires: c.isSession ? null : expirySeconds(c.expiry),
      };
    });
  }

  async function close() {
    closing = true;
    await bidi.send('browser.close', {}, 5000).catch(() => {});
    ws.close();
    await cleanup();
  }

  // events: every BiDi event (network.*, browsingContext.*), for tools that
  // log the traffic (oracle/src/record-har.js).
  return { runStep, readJar, close, version, events: bidi };
}

/** "(https,partner.example)" / "(https,partner.example,f)" /
 * "(https,localhost,8443)" → "https://partner.example"; "" → null. */
function partitionSite(key) {
  if (!key) return null;
  const m = /^\(([a-z]+),([^,)]+)(?:,(\d+))?(?:,f)?\)$/.exec(key);
  if (!m) return key;
  return `${m[1]}://${m[2]}${m[3] ? `:${m[3]}` : ''}`;
}

/** nsICookie.expiry: seconds in older Firefox, milliseconds in newer. */
function expirySeconds(expiry) {
  if (expiry == null) return null;
  return expiry > 1e11 ? expiry / 1000 : expiry;
}

// ---- BiDi values --------------------------------------------------------------

function serialise(v) {
  if (v === null) return { type: 'null' };
  if (v === undefined) return { type: 'undefined' };
  if (typeof v === 'string') return { type: 'string', value: v };
  if (typeof v === 'boolean') return { type: 'boolean', value: v };
  if (typeof v === 'number') return { type: 'number', value: Number.isFinite(v) ? v : String(v) };
  if (Array.isArray(v)) return { type: 'array', value: v.map(serialise) };
  return { type: 'object', value: Object.entries(v).map(([k, x]) => [k, serialise(x)]) };
}

function deserialise(r) {
  switch (r.type) {
    case 'undefined': case 'null': return null;
    case 'string': case 'boolean': return r.value;
    case 'number': return typeof r.value === 'number' ? r.value : Number(r.value);
    case 'array': return r.value.map(deserialise);
    case 'object': return Object.fromEntries(r.value.map(([k, x]) => [typeof k === 'string' ? k : deserialise(k), deserialise(x)]));
    default: return r;
  }
}

module.exports = { MODES, launch, BrowserCrashed, partitionSite, WebSocketClient };
