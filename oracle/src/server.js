'use strict';
// The local test server: HTTPS on 127.0.0.1:443 and HTTP on 127.0.0.1:80 (and
// the same on ::1, where `localhost` may resolve). It answers from the current
// scenario's [[response]] table and logs every request.
//
// Matching: origin + path (query ignored). Unmatched → 200, empty page, no
// extra headers. A matched entry sends its status, `Location` (redirects) and
// every header line exactly as given, each on its own line (never folded).
// OPTIONS (CORS preflights) get the matching entry's status and headers.
//
// Bodies depend on what was asked for (Sec-Fetch-Dest), so that a subresource
// fires `load` rather than `error`: documents and frames get an empty HTML
// page, images a 1×1 GIF, scripts an empty script, stylesheets an empty
// stylesheet, everything else (fetch) an empty HTML page. A `Content-Type`
// line in the entry replaces the default type. Every response that has no
// `Cache-Control` line in the scenario gets `Cache-Control: no-store`, so a
// repeated request is really repeated (301/308 are cacheable by default).

const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const https = require('https');
const crypto = require('crypto');
const { execFileSync } = require('child_process');

const HTML = Buffer.from('<!doctype html><title>t</title>');
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const BODIES = {
  image: ['image/gif', GIF],
  script: ['text/javascript', Buffer.alloc(0)],
  style: ['text/css', Buffer.alloc(0)],
};

/** Makes a self-signed certificate with openssl; returns {key, cert, spki}. */
function makeCertificate() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-oracle-cert-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
      '-nodes', '-days', '7', '-subj', '/CN=cookie-doctor oracle',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
      '-keyout', key, '-out', cert,
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    const pem = { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
    // base64(SHA-256(SubjectPublicKeyInfo)), the form Chromium's
    // --ignore-certificate-errors-spki-list takes.
    const spkiDer = new crypto.X509Certificate(pem.cert).publicKey.export({ type: 'spki', format: 'der' });
    pem.spki = crypto.createHash('sha256').update(spkiDer).digest('base64');
    return pem;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `origin + path` of a URL, the match key (query and fragment ignored). */
function matchKey(url) {
  const u = new URL(url);
  return u.origin + u.pathname;
}

/** Header line "Name: value" → [name, value]. */
function splitHeaderLine(line) {
  const i = line.indexOf(':');
  if (i < 0) return [line.trim(), ''];
  return [line.slice(0, i).trim(), line.slice(i + 1).replace(/^[ \t]+/, '')];
}

/** Cookie names a Set-Cookie line sets (name = text before '=', "" if none). */
function setCookieName(value) {
  const pair = value.split(';')[0];
  const eq = pair.indexOf('=');
  return (eq < 0 ? '' : pair.slice(0, eq)).trim();
}

/** A `Cookie` request header → [{name, value}] in header order. Chromium and
 * Firefox join cookies with "; "; a nameless cookie is sent as its value alone. */
function parseCookieHeader(raw) {
  if (raw == null || raw === '') return [];
  return raw.split('; ').map((s) => {
    const eq = s.indexOf('=');
    return eq < 0 ? { name: '', value: s } : { name: s.slice(0, eq), value: s.slice(eq + 1) };
  });
}

// Node reads and writes header text as latin1; cookies travel as UTF-8 bytes.
const fromWire = (s) => (s == null ? null : Buffer.from(s, 'latin1').toString('utf8'));
const toWire = (s) => Buffer.from(s, 'utf8').toString('latin1');

class TestServer {
  /** `addresses`: where to listen (ports 443 and 80 on each). An address
   * other than the first that cannot be bound (no IPv6) is skipped. */
  constructor(addresses = ['127.0.0.1', '::1']) {
    this.addresses = addresses;
    this.log = [];          // {time, url, method, cookie, origin, site, mode, dest}
    this.cookieEvents = []; // {time, name}: Set-Cookie lines sent, for expiry normalisation
    this.responses = new Map();
    this.servers = [];
  }

  /** Starts listening; resolves to the certificate's SPKI hash. */
  async start() {
    const pem = makeCertificate();
    this.spki = pem.spki;
    const handler = (scheme) => (req, res) => this._handle(scheme, req, res);
    const opts = { maxHeaderSize: 4 * 1024 * 1024, keepAliveTimeout: 2000 };
    const listen = (srv, port, host) => new Promise((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, host, () => { srv.removeListener('error', reject); resolve(); });
    });
    for (const host of this.addresses) {
      const s = https.createServer({ ...opts, key: pem.key, cert: pem.cert }, handler('https'));
      const h = http.createServer(opts, handler('http'));
      for (const srv of [s, h]) {
        srv.on('clientError', (err, socket) => socket.destroy());
        srv.on('tlsClientError', () => {});
      }
      try {
        await listen(s, 443, host);
        await listen(h, 80, host);
      } catch (e) {
        if (host !== this.addresses[0] && (e.code === 'EADDRNOTAVAIL' || e.code === 'EAFNOSUPPORT')) continue;
        await this.stop();
        throw new Error(`cannot listen on ${host} ports 443 and 80 (${e.code || e.message}); the oracle needs root and free ports`);
      }
      this.servers.push(s, h);
    }
    return this.spki;
  }

  /** Installs a scenario's responses and clears the logs. */
  load(responses) {
    this.responses = new Map();
    for (const r of responses) {
      const key = matchKey(r.url);
      if (!this.responses.has(key)) this.responses.set(key, r);
    }
    this.log = [];
    this.cookieEvents = [];
  }

  async stop() {
    await Promise.all(this.servers.map((s) => new Promise((resolve) => {
      s.close(() => resolve());
      if (s.closeAllConnections) s.closeAllConnections();
    })));
    this.servers = [];
  }

  _handle(scheme, req, res) {
    const time = Date.now();
    const host = (req.headers.host || '').toLowerCase();
    let url;
    try {
      url = new URL(`${scheme}://${host}${req.url}`);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(404, { 'Cache-Control': 'no-store' }).end();
      return;
    }
    const h = req.headers;
    this.log.push({
      time,
      url: url.href,
      method: req.method,
      cookie: fromWire(h.cookie),
      origin: h.origin == null ? null : h.origin,
      dest: h['sec-fetch-dest'] == null ? null : h['sec-fetch-dest'],
      site: h['sec-fetch-site'] == null ? null : h['sec-fetch-site'],
      mode: h['sec-fetch-mode'] == null ? null : h['sec-fetch-mode'],
      // Not in goldens; shown with -v. Chromium adds `Origin` to requests
      // that carry this header (Storage Access Headers).
      storageAccess: h['sec-fetch-storage-access'] == null ? null : h['sec-fetch-storage-access'],
    });
    req.resume(); // discard any request body
    const entry = this.responses.get(url.origin + url.pathname);
    const [defType, body] = BODIES[h['sec-fetch-dest']] || ['text/html', HTML];
    const lines = [];
    let status = 200;
    if (entry) {
      status = entry.status;
      if (entry.location != null) lines.push(['Location', entry.location]);
      for (const line of entry.headers || []) lines.push(splitHeaderLine(line));
    }
    const has = (name) => lines.some(([n]) => n.toLowerCase() === name);
    if (!has('content-type')) lines.push(['Content-Type', defType]);
    if (!has('cache-control')) lines.push(['Cache-Control', 'no-store']);
    for (const [n, v] of lines) {
      if (n.toLowerCase() === 'set-cookie') this.cookieEvents.push({ time, name: setCookieName(v) });
    }
    const sendBody = req.method !== 'HEAD' && req.method !== 'OPTIONS' && ![204, 304].includes(status);
    const payload = sendBody ? body : Buffer.alloc(0);
    const flat = [];
    for (const [n, v] of lines) flat.push(n, toWire(v));
    if (!has('content-length')) flat.push('Content-Length', String(payload.length));
    try {
      res.writeHead(status, flat);
      res.end(payload);
    } catch (e) {
      // Node refuses some bytes in headers (e.g. control characters) that a
      // scenario may want to send on purpose: write the response raw.
      const head = [`HTTP/1.1 ${status} X`];
      for (let i = 0; i < flat.length; i += 2) head.push(`${flat[i]}: ${flat[i + 1]}`);
      head.push('Connection: close', '', '');
      req.socket.end(Buffer.concat([Buffer.from(head.join('\r\n'), 'latin1'), payload]));
    }
  }
}

module.exports = { TestServer, parseCookieHeader, setCookieName, matchKey, splitHeaderLine };
