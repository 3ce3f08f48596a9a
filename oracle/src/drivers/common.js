'use strict';
// What every browser driver shares: timeouts, errors, and the steps that only
// run script in a frame (subresource loads, fetch, document.cookie, waits).
// The in-page functions are sent to the browser as source text by each
// driver's `run` (Playwright's evaluate, WebDriver BiDi's callFunction).

class StepTimeout extends Error {
  constructor(what) { super(`timeout: ${what}`); this.code = 'timeout'; }
}
class BrowserCrashed extends Error {}

/** `p`, or a StepTimeout after `ms`. The losing promise is left to settle. */
function withTimeout(p, ms, what) {
  let timer;
  const t = new Promise((_, reject) => { timer = setTimeout(() => reject(new StepTimeout(what)), ms); });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** `Name: value` lines → [name, value] pairs for fetch(). */
function headerPairs(lines) {
  return (lines || []).map((line) => {
    const i = line.indexOf(':');
    return i < 0 ? [line.trim(), ''] : [line.slice(0, i).trim(), line.slice(i + 1).trim()];
  });
}

/**
 * The script-only steps, given `run(frameName, pageFunction, arg, what)` that
 * runs `pageFunction(arg)` in the named frame and resolves to its result.
 */
function scriptSteps(run) {
  return {
    async load(s) {
      await run(s.from, ({ url, as }) => new Promise((resolve) => {
        let el;
        if (as === 'image') {
          el = document.createElement('img'); el.src = url;
        } else if (as === 'script') {
          el = document.createElement('script'); el.src = url;
        } else {
          el = document.createElement('link'); el.rel = 'stylesheet'; el.href = url;
        }
        el.addEventListener('load', () => resolve('load'), { once: true });
        el.addEventListener('error', () => resolve('error'), { once: true });
        (document.body || document.documentElement).appendChild(el);
      }), { url: s.url, as: s.as }, 'subresource load');
      return {};
    },
    async fetch(s) {
      const r = await run(s.from, async ({ url, method, credentials, headers: h }) => {
        try {
          const res = await fetch(url, { method, credentials, headers: h });
          await res.arrayBuffer();
          return { ok: true };
        } catch (e) {
          return { ok: false };
        }
      }, {
        url: s.url, method: s.method || 'GET', credentials: s.credentials || 'same-origin', headers: headerPairs(s.headers),
      }, 'fetch');
      return { fetch: { ok: r.ok } };
    },
    async 'js-set'(s) {
      const r = await run(s.from, (c) => {
        try { document.cookie = c; return null; } catch (e) { return `js: ${e.name}`; }
      }, s.cookie, 'js-set');
      return r ? { error: r } : {};
    },
    async 'js-read'(s) {
      const r = await run(s.from, () => {
        try { return { v: document.cookie }; } catch (e) { return { e: `js: ${e.name}` }; }
      }, null, 'js-read');
      return r.e ? { error: r.e } : { js_cookie: r.v };
    },
    async wait(s) {
      await sleep(Math.round(s.seconds * 1000));
      return {};
    },
  };
}

module.exports = { StepTimeout, BrowserCrashed, withTimeout, sleep, scriptSteps };
