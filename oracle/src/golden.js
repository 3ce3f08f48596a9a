'use strict';
// Golden traces: building them from what the server logged and the browser
// showed, normalising, serialising, and explaining differences.

const { parseCookieHeader } = require('./server');

/**
 * Expiry relative to creation, in whole seconds.
 *
 * Chromium reports an absolute expiry. Its creation time is taken as the
 * server's clock when it sent the LAST response whose Set-Cookie line named
 * that cookie, or the start of the last `js-set` step that named it, whichever
 * is later (before the jar was read). expires − creation is rounded to the
 * nearest second: the browser stores the cookie a few milliseconds after that
 * moment, so Max-Age=N gives exactly N and the 400-day cap gives 34560000.
 * An absolute `Expires=<date>` below the cap gives "seconds from the recording
 * to that date", which changes from day to day: scenarios should use Max-Age,
 * a past date (deletion) or a date beyond the 400-day cap.
 */
function relativeExpiry(cookie, events) {
  if (cookie.expires == null) return null;
  let created = null;
  for (const e of events) if (e.name === cookie.name && (created === null || e.time >= created)) created = e.time;
  if (created === null) return { unknown: true };
  return Math.round(cookie.expires - created / 1000);
}

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

function sortJar(jar) {
  return jar.sort((a, b) => cmp(a.domain, b.domain) || cmp(a.path, b.path) || cmp(a.name, b.name)
    || cmp(a.partition ?? '', b.partition ?? '') || cmp(String(a.host_only), String(b.host_only))
    || cmp(a.value, b.value));
}

function requestOf(entry) {
  return {
    url: entry.url,
    method: entry.method,
    destination: entry.dest,
    sec_fetch_site: entry.site,
    sec_fetch_mode: entry.mode,
    origin: entry.origin,
    sent: parseCookieHeader(entry.cookie),
  };
}

/** One run: steps [{index, do, log, result}] and the raw jar → golden run. */
function buildRun(mode, steps, rawJar, cookieEvents, warn) {
  const jar = sortJar(rawJar.map((c) => {
    let expires = relativeExpiry(c, cookieEvents);
    if (expires && expires.unknown) {
      warn(`cookie ${c.name} (${c.domain}) has an expiry but no Set-Cookie or js-set named it; expiry recorded as null`);
      expires = null;
    }
    return {
      name: c.name, value: c.value, domain: c.domain, host_only: c.host_only, path: c.path,
      secure: c.secure, http_only: c.http_only, same_site: c.same_site, partition: c.partition, expires,
    };
  }));
  return {
    browser: mode,
    steps: steps.map((s) => ({
      index: s.index,
      do: s.do,
      requests: s.log.map(requestOf),
      js_cookie: s.result.js_cookie,
      fetch: s.result.fetch,
      error: s.result.error,
    })),
    jar,
  };
}

const serialise = (golden) => `${JSON.stringify(golden, null, 2)}\n`;

// ---- differences, for --check and --twice ----------------------------------

const show = (v) => JSON.stringify(v);
const names = (sent) => `[${sent.map((c) => (c.value === undefined ? c.name : `${c.name}=${c.value}`)).join(', ')}]`;
const jarKey = (c) => `${c.name} @ ${c.host_only ? '' : '.'}${c.domain}${c.path}${c.partition ? ` (partition ${c.partition})` : ''}`;
const reqLabel = (r) => `${r.method} ${r.url}`;

/**
 * Differences between two goldens of one scenario and mode, as readable lines.
 * `a` is the reference (committed or first run), `b` the new one.
 */
function diffGoldens(a, b, [la, lb] = ['committed', 'now']) {
  const out = [];
  if (a.scenario !== b.scenario) out.push(`scenario name: ${la} ${show(a.scenario)}, ${lb} ${show(b.scenario)}`);
  const ra = a.runs[0] || { steps: [], jar: [] };
  const rb = b.runs[0] || { steps: [], jar: [] };
  const n = Math.max(ra.steps.length, rb.steps.length);
  for (let i = 0; i < n; i++) {
    const sa = ra.steps[i];
    const sb = rb.steps[i];
    if (!sa || !sb) {
      out.push(`step ${i}: only in ${sa ? la : lb}`);
      continue;
    }
    const where = `step ${i} (${sb.do})`;
    if (sa.do !== sb.do) out.push(`${where}: kind ${la} ${sa.do}, ${lb} ${sb.do}`);
    for (const k of ['error', 'js_cookie', 'fetch']) {
      if (show(sa[k]) !== show(sb[k])) out.push(`${where}: ${k}: ${la} ${show(sa[k])}, ${lb} ${show(sb[k])}`);
    }
    const m = Math.max(sa.requests.length, sb.requests.length);
    for (let j = 0; j < m; j++) {
      const qa = sa.requests[j];
      const qb = sb.requests[j];
      if (!qa) { out.push(`${where}: request ${j} only ${lb}: ${reqLabel(qb)} sent ${names(qb.sent)}`); continue; }
      if (!qb) { out.push(`${where}: request ${j} only ${la}: ${reqLabel(qa)} sent ${names(qa.sent)}`); continue; }
      const rw = `${where}: request ${j} ${reqLabel(qb)}`;
      for (const k of ['url', 'method', 'destination', 'sec_fetch_site', 'sec_fetch_mode', 'origin']) {
        if (qa[k] !== qb[k]) out.push(`${rw}: ${k}: ${la} ${show(qa[k])}, ${lb} ${show(qb[k])}`);
      }
      if (show(qa.sent) !== show(qb.sent)) {
        const an = qa.sent.map((c) => c.name);
        const bn = qb.sent.map((c) => c.name);
        // Names when the names differ, name=value when only values do.
        const strip = (sent) => (show(an) === show(bn) ? sent : sent.map(({ name }) => ({ name })));
        out.push(`${rw}: cookies sent: ${la} ${names(strip(qa.sent))}, ${lb} ${names(strip(qb.sent))}`);
      }
    }
  }
  const ja = new Map(ra.jar.map((c) => [jarKey(c), c]));
  const jb = new Map(rb.jar.map((c) => [jarKey(c), c]));
  for (const [k, c] of ja) {
    if (!jb.has(k)) { out.push(`jar: ${k}: only ${la}`); continue; }
    const d = jb.get(k);
    for (const f of Object.keys(c)) if (show(c[f]) !== show(d[f])) out.push(`jar: ${k}: ${f}: ${la} ${show(c[f])}, ${lb} ${show(d[f])}`);
  }
  for (const k of jb.keys()) if (!ja.has(k)) out.push(`jar: ${k}: only ${lb}`);
  if (!out.length && serialise(a) !== serialise(b)) out.push('goldens differ (order of jar entries or keys)');
  return out;
}

module.exports = { buildRun, serialise, diffGoldens, relativeExpiry, sortJar };
