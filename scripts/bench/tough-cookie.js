'use strict';
// tough-cookie as a peer of `cookie-doctor audit`: per response of an
// audit-lines file, a fresh CookieJar, setCookie for every Set-Cookie at the
// response's URL, then getCookieString for that URL. Lines are read and parsed
// before the clock starts. Prints one line:
//   tough-cookie: N responses, M cookies stored, S s
const fs = require('fs');
const { CookieJar } = require('tough-cookie');

const responses = [];
for (const line of fs.readFileSync(process.argv[2], 'utf8').split('\n')) {
  if (!line) continue;
  let r;
  try { r = JSON.parse(line); } catch { continue; }
  if (typeof r.url !== 'string' || !Array.isArray(r.headers)) continue;
  const cookies = [];
  for (const h of r.headers) {
    const i = h.indexOf(':');
    if (i > 0 && h.slice(0, i).trim().toLowerCase() === 'set-cookie') cookies.push(h.slice(i + 1).trim());
  }
  responses.push([r.url, cookies]);
}
const start = process.hrtime.bigint();
let stored = 0;
let headerBytes = 0;
for (const [url, cookies] of responses) {
  const jar = new CookieJar();
  for (const c of cookies) {
    try { if (jar.setCookieSync(c, url)) stored++; } catch { /* rejected */ }
  }
  try { headerBytes += jar.getCookieStringSync(url).length; } catch { /* bad url */ }
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(`tough-cookie: ${responses.length} responses, ${stored} cookies stored, ${headerBytes} header bytes, ${seconds.toFixed(3)} s`);
