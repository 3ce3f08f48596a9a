'use strict';
// Chromium driver: Debian's /usr/bin/chromium, launched here (never by
// Playwright, whose launch flags change third-party-cookie behaviour) and
// attached over CDP with playwright-core's connectOverCDP.
//
// Interface shared by every driver:
//   launch(mode, {spki, timeoutMs, resolveTo}) → {runStep(step), readJar(), close(), version}
//   runStep(step) → {js_cookie, fetch, error}
//   readJar() → [{name, value, domain, host_only, path, secure, http_only,
//                 same_site, partition, expires (absolute epoch seconds|null)}]

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { chromium } = require('playwright-core');

const MODES = ['chrome', 'chrome-3pc-blocked'];
const BINARY = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

const { BrowserCrashed, withTimeout, sleep, scriptSteps } = require('./common');

async function waitForFile(file, ms, proc) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (proc.exitCode !== null || proc.signalCode !== null) return null;
    try {
      const text = fs.readFileSync(file, 'utf8');
      if (text.split('\n').length >= 2 && text.trim()) return text;
    } catch { /* not yet */ }
    await sleep(25);
  }
  return null;
}

async function launch(mode, { spki, timeoutMs = 15000, resolveTo = '127.0.0.1' }) {
  if (!MODES.includes(mode)) throw new Error(`chromium driver: unknown mode ${mode}`);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-oracle-chromium-'));
  if (mode === 'chrome') {
    // Debian's Chromium blocks third-party cookies in a profile with no
    // preferences; this is the "allow third-party cookies" setting.
    fs.mkdirSync(path.join(userDataDir, 'Default'));
    fs.writeFileSync(path.join(userDataDir, 'Default', 'Preferences'),
      JSON.stringify({ profile: { cookie_controls_mode: 0 } }));
  }
  const args = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-features=HttpsUpgrades',
    // Chromium reloads a network-error page by itself after about a second
    // (and again later): a failed navigation followed by a slow or `wait`
    // step would log requests nobody asked for.
    '--disable-auto-reload',
    `--user-data-dir=${userDataDir}`,
    '--remote-debugging-port=0',
    `--host-resolver-rules=MAP * ${resolveTo}, EXCLUDE localhost`,
    `--ignore-certificate-errors-spki-list=${spki}`,
    'about:blank',
  ];
  const proc = spawn(BINARY, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  // The last lines Chromium wrote, for crash reports (without the D-Bus
  // complaints every start prints on a machine without a bus).
  let stderrLines = [];
  proc.stderr.on('data', (d) => {
    stderrLines = stderrLines.concat(String(d).split('\n').filter((l) => l.trim() && !/dbus|DevTools listening/.test(l))).slice(-15);
  });
  const stderrTail = () => (stderrLines.length ? stderrLines.join('\n') : '(nothing)');
  let closing = false;
  let crashed = null;
  proc.on('error', (e) => { crashed = `cannot start ${BINARY}: ${e.message}`; });
  proc.on('exit', (code, signal) => {
    if (!closing) crashed = `chromium exited unexpectedly (code ${code}, signal ${signal}); stderr tail:\n${stderrTail()}`;
  });
  const killGroup = (sig) => { try { process.kill(-proc.pid, sig); } catch { /* gone */ } };
  // Ends the whole process group (browser, zygote, renderers) and removes
  // the profile. The profile is thrown away, so no graceful shutdown is needed.
  const cleanup = async () => {
    closing = true;
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      killGroup('SIGKILL');
      await withTimeout(exited, 5000, 'chromium exit').catch(() => {});
    } else {
      killGroup('SIGKILL'); // children that outlived the browser process
    }
    fs.rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  };
  let browser;
  let context;
  let page;
  let browserSession;
  let pageSession;
  let port;
  let wsPath;
  try {
    const portFile = await waitForFile(path.join(userDataDir, 'DevToolsActivePort'), timeoutMs, proc);
    if (!portFile) throw new BrowserCrashed(crashed || `chromium did not start within ${timeoutMs} ms; stderr tail:\n${stderrTail()}`);
    [port, wsPath] = portFile.trim().split('\n');
    browser = await withTimeout(chromium.connectOverCDP(`ws://127.0.0.1:${port}${wsPath}`), timeoutMs, 'connect');
    context = browser.contexts()[0];
    page = context.pages()[0] || await withTimeout(context.waitForEvent('page'), timeoutMs, 'first page');
    browserSession = await browser.newBrowserCDPSession();
    pageSession = await context.newCDPSession(page);
  } catch (e) {
    if (browser) await browser.close().catch(() => {});
    await cleanup();
    throw e instanceof BrowserCrashed ? e : new BrowserCrashed(crashed || `cannot attach to chromium: ${e.message}`);
  }
  const version = browser.version();

  const checkAlive = () => { if (crashed) throw new BrowserCrashed(crashed); };

  // Frames are found by name. Playwright learns a frame's name (and URL) from
  // its commit, which for an out-of-process frame may arrive a little after
  // the parent saw `load`: so wait for it (bounded).
  const findNamed = (name) => page.frames().find((fr) => fr.name() === name && !fr.isDetached());
  async function frameByName(name) {
    if (name == null || name === 'top') return page.mainFrame();
    const end = Date.now() + Math.min(timeoutMs, 5000);
    for (;;) {
      const f = findNamed(name);
      if (f) return f;
      if (Date.now() > end) throw Object.assign(new Error(`no frame named ${name}`), { code: 'no-such-frame' });
      await sleep(10);
    }
  }

  // Runs `fn(arg)` in the frame's main world. Playwright passes
  // userGesture: true, so the page sees a user activation.
  const evalIn = (frame, fn, arg, what) => withTimeout(frame.evaluate(fn, arg), timeoutMs, what);

  // Watches `frame`'s commits from now on, so that after a failed navigation
  // we can wait for the error page Chromium commits in its place (it arrives
  // after the error is reported and would otherwise land in the next step).
  function watchCommits(frame) {
    const commits = [];
    let wake = () => {};
    const on = (f) => { if (f === frame) { commits.push(f.url()); wake(); } };
    page.on('framenavigated', on);
    return {
      stop: () => page.off('framenavigated', on),
      // net::ERR_ABORTED (a 204, a download) commits no error page.
      async settleError(errorText) {
        if (/ERR_ABORTED/.test(errorText)) return;
        const end = Date.now() + Math.min(timeoutMs, 5000);
        while (!commits.some((u) => u.startsWith('chrome-error:')) && Date.now() < end) {
          await new Promise((r) => { wake = r; setTimeout(r, 50); });
        }
        await frame.waitForLoadState('load', { timeout: Math.max(1, end - Date.now()) }).catch(() => {});
      },
    };
  }

  async function navigateTop(url) {
    const watch = watchCommits(page.mainFrame());
    try {
      const nav = page.mainFrame().waitForNavigation({ waitUntil: 'load', timeout: timeoutMs });
      nav.catch(() => {});
      // A typed navigation (no initiator): Sec-Fetch-Site none.
      const r = await withTimeout(pageSession.send('Page.navigate', { url, transitionType: 'typed' }), timeoutMs, 'navigate');
      if (r.errorText) {
        await watch.settleError(r.errorText);
        return { error: r.errorText };
      }
      await nav;
      return errorPage(page.mainFrame());
    } finally {
      watch.stop();
    }
  }

  // A navigation that ends on Chromium's error page (a refused frame, the
  // "form is not secure" interstitial, a network error) is recorded as such.
  function errorPage(frame) {
    return frame && !frame.isDetached() && frame.url().startsWith('chrome-error:') ? { error: 'error-page' } : {};
  }

  // Puts a full-frame element made by `make` in `frame` and clicks it with a
  // real mouse event, waiting for `navFrame` to load a new document.
  async function clickAndWait(frame, navFrame, make, arg) {
    await evalIn(frame, make, arg, 'build element');
    const watch = watchCommits(navFrame);
    const nav = navFrame.waitForNavigation({ waitUntil: 'load', timeout: timeoutMs });
    nav.catch(() => {});
    try {
      await frame.click(`#${arg.id}`, { timeout: timeoutMs, noWaitAfter: true });
      try {
        await nav;
      } catch (e) {
        const net = /net::ERR_[A-Z_]+/.exec(e.message);
        if (!net) throw e;
        await watch.settleError(net[0]);
        return { error: net[0] };
      }
      return errorPage(navFrame);
    } finally {
      watch.stop();
      // When the document survives (a 204, a frame target), take the cover
      // away so that it cannot catch a later step's click.
      if (!frame.isDetached()) {
        await withTimeout(frame.evaluate((id) => { const el = document.getElementById(id); if (el) el.remove(); }, arg.id), 2000, 'cleanup').catch(() => {});
      }
    }
  }

  // The CDP session of the renderer target that hosts `frame`: the page's,
  // or that of the nearest out-of-process ancestor (or the frame itself).
  async function sessionFor(frame) {
    for (let f = frame; f; f = f.parentFrame()) {
      if (f === page.mainFrame()) return { session: pageSession, owned: false };
      try {
        return { session: await context.newCDPSession(f), owned: true };
      } catch { /* an in-process frame: try its parent */ }
    }
    return { session: pageSession, owned: false };
  }

  const COVER = 'position:fixed;left:0;top:0;width:100%;height:100%;display:block;margin:0;z-index:2147483647;background:#fff;opacity:1';

  const steps = {
    async open(s) {
      return navigateTop(s.url);
    },
    async click(s) {
      const frame = await frameByName(s.from);
      return clickAndWait(frame, page.mainFrame(), ({ url, id, cover }) => {
        const a = document.createElement('a');
        a.href = url; a.target = '_top'; a.id = id; a.textContent = 'link'; a.style.cssText = cover;
        (document.body || document.documentElement).appendChild(a);
      }, { url: s.url, id: `cd_link_${s.index}`, cover: COVER });
    },
    async submit(s) {
      const frame = await frameByName(s.from);
      const target = s.target == null || s.target === 'top' ? '_top' : s.target;
      const navFrame = target === '_top' ? page.mainFrame() : await frameByName(s.target);
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
      }, { url: s.url, method: s.method || 'POST', target, id: `cd_form_${s.index}`, cover: COVER });
    },
    async iframe(s) {
      const frame = await frameByName(s.from);
      // The iframe element's `load` event ends the step. A frame whose
      // navigation is cancelled before any document (mixed content: an http
      // frame in an https page) never fires it; the frame's
      // Page.frameStoppedLoading does, so that ends the step too, recorded as
      // `frame-not-loaded` unless `load` follows within a moment.
      const { session, owned } = await sessionFor(frame);
      let childId = null;
      let onStopped;
      const stopped = new Promise((resolve) => { onStopped = (e) => { if (e.frameId === childId) resolve('stopped'); }; });
      const onAttached = (e) => { if (childId === null) childId = e.frameId; };
      session.on('Page.frameAttached', onAttached);
      session.on('Page.frameStoppedLoading', onStopped);
      try {
        await withTimeout(session.send('Page.enable'), timeoutMs, 'Page.enable');
        const loaded = evalIn(frame, ({ url, name }) => new Promise((resolve) => {
          const f = document.createElement('iframe');
          f.name = name;
          f.addEventListener('load', () => resolve('load'), { once: true });
          f.src = url;
          (document.body || document.documentElement).appendChild(f);
        }), { url: s.url, name: s.name }, 'iframe load');
        loaded.catch(() => {});
        let how = await withTimeout(Promise.race([loaded, stopped]), timeoutMs, 'iframe load');
        if (how === 'stopped') how = await Promise.race([loaded, sleep(500).then(() => 'stopped')]).catch(() => 'stopped');
        if (how !== 'load') return { error: 'frame-not-loaded' };
        return errorPage(await frameByName(s.name).catch(() => null));
      } finally {
        session.off('Page.frameAttached', onAttached);
        session.off('Page.frameStoppedLoading', onStopped);
        if (owned) await session.detach().catch(() => {});
      }
    },
    ...scriptSteps(async (name, fn, arg, what) => evalIn(await frameByName(name), fn, arg, what)),
    async 'storage-access'(s) {
      const frame = await frameByName(s.from);
      const embedded = new URL(frame.url()).origin;
      const top = new URL(page.mainFrame().url()).origin;
      try {
        await withTimeout(browserSession.send('Browser.setPermission', {
          permission: { name: 'storage-access' }, setting: 'granted', origin: top, embeddedOrigin: embedded,
        }), timeoutMs, 'setPermission');
      } catch (e) {
        if (e.code === 'timeout') throw e;
        return { error: 'unsupported' };
      }
      const r = await evalIn(frame, async () => {
        if (!document.requestStorageAccess) return 'unsupported';
        try { await document.requestStorageAccess(); return null; } catch (e) { return `storage-access-denied: ${e.name}`; }
      }, null, 'requestStorageAccess');
      return r ? { error: r } : {};
    },
  };

  async function runStep(step) {
    checkAlive();
    const fn = steps[step.do];
    if (!fn) return { js_cookie: null, fetch: null, error: `unsupported step ${step.do}` };
    let out;
    try {
      out = await fn(step);
    } catch (e) {
      checkAlive();
      if (e.code === 'timeout' || (e.name === 'TimeoutError')) out = { error: 'timeout' };
      else if (e.code === 'no-such-frame') out = { error: e.message };
      else if (/net::ERR_[A-Z_]+/.test(e.message)) out = { error: /net::ERR_[A-Z_]+/.exec(e.message)[0] };
      else out = { error: `driver: ${String(e.message).split('\n')[0]}` };
    }
    checkAlive();
    return { js_cookie: out.js_cookie === undefined ? null : out.js_cookie, fetch: out.fetch || null, error: out.error || null };
  }

  async function readJar() {
    checkAlive();
    const { cookies } = await withTimeout(browserSession.send('Storage.getCookies', {}), timeoutMs, 'Storage.getCookies');
    return cookies.map((c) => {
      const domainCookie = c.domain.startsWith('.');
      let partition = null;
      if (c.partitionKey != null) partition = typeof c.partitionKey === 'string' ? c.partitionKey : c.partitionKey.topLevelSite;
      return {
        name: c.name,
        value: c.value,
        domain: domainCookie ? c.domain.slice(1) : c.domain,
        host_only: !domainCookie,
        path: c.path,
        secure: c.secure,
        http_only: c.httpOnly,
        same_site: c.sameSite ? c.sameSite.toLowerCase() : 'unspecified',
        partition,
        expires: c.session || c.expires == null || c.expires < 0 ? null : c.expires,
      };
    });
  }

  async function close() {
    closing = true;
    await cleanup();
    await withTimeout(browser.close(), 2000, 'disconnect').catch(() => {});
  }

  // cdpEndpoint: the browser's DevTools WebSocket, for tools that listen to
  // the protocol themselves (oracle/src/record-har.js).
  return { runStep, readJar, close, version, page: () => page, cdpEndpoint: `ws://127.0.0.1:${port}${wsPath}` };
}

module.exports = { MODES, launch, BrowserCrashed };
