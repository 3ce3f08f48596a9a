'use strict';
// End-to-end test of `cookie-doctor serve` in real headless Chromium.
//
// Starts the server (`cookie-doctor serve --port 0`, the address read from its
// first line), launches Debian's /usr/bin/chromium itself (never through
// Playwright) and attaches over CDP with playwright-core's connectOverCDP, as
// the browser oracle does. Then it uses the page as a person would: the Check
// tab with the seed story, a permalink, the Scenario tab with a bundled
// example, the HAR tab, an explain page; asserts what is rendered, that the
// console shows no error (in particular no Content-Security-Policy
// violation), and saves a screenshot of each view to target/web-e2e/.
//
// Usage: node run.js <cookie-doctor binary> <repository root>

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { chromium } = require('playwright-core');

const BINARY = process.argv[2];
const ROOT = path.resolve(process.argv[3] || path.join(__dirname, '..'));
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const SHOTS = path.join(ROOT, 'target', 'web-e2e');
const TIMEOUT = 20000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let failures = 0;
let passes = 0;
function check(cond, what) {
  if (cond) {
    passes += 1;
    console.log(`  ok   ${what}`);
  } else {
    failures += 1;
    console.log(`  FAIL ${what}`);
  }
}

function startServer() {
  return new Promise((resolve, reject) => {
    const proc = spawn(BINARY, ['--now', '1700000000', 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start; output: ${out}`)), TIMEOUT);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ proc, url: m[1] }); }
    });
    proc.stderr.on('data', (d) => { out += d; });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}): ${out}`)); });
  });
}

async function startChromium() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-web-e2e-'));
  const args = [
    '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${userDataDir}`, '--remote-debugging-port=0',
    '--hide-scrollbars', '--font-render-hinting=none', 'about:blank',
  ];
  const proc = spawn(CHROMIUM, args, { detached: true, stdio: ['ignore', 'ignore', 'ignore'] });
  const portFile = path.join(userDataDir, 'DevToolsActivePort');
  const end = Date.now() + TIMEOUT;
  let text = '';
  while (Date.now() < end) {
    try { text = fs.readFileSync(portFile, 'utf8'); } catch { text = ''; }
    if (text.split('\n').length >= 2 && text.trim()) break;
    if (proc.exitCode !== null) throw new Error(`chromium exited (${proc.exitCode})`);
    await sleep(50);
  }
  if (!text.trim()) throw new Error('chromium did not start');
  const [port, wsPath] = text.trim().split('\n');
  const browser = await chromium.connectOverCDP(`ws://127.0.0.1:${port}${wsPath}`, { timeout: TIMEOUT });
  const stop = async () => {
    await browser.close().catch(() => {});
    try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ }
    await sleep(200);
    fs.rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  };
  return { browser, stop };
}

async function main() {
  if (!BINARY) throw new Error('usage: node run.js <cookie-doctor binary> <repository root>');
  fs.mkdirSync(SHOTS, { recursive: true });
  const server = await startServer();
  console.log(`server: ${server.url}`);
  let chrome;
  try {
    chrome = await startChromium();
    const context = chrome.browser.contexts()[0];
    const page = context.pages()[0] || await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    await page.setViewportSize({ width: 1360, height: 900 });
    const problems = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));

    // ---- Check tab ----
    console.log('check tab');
    await page.goto(server.url);
    await page.waitForSelector('body.ready');
    const headers = await (await page.request.get(server.url)).headers();
    check((headers['content-security-policy'] || '').includes("script-src 'self'"), 'the page is served with a strict CSP');
    const story = fs.readFileSync(path.join(ROOT, 'examples/set-cookie/embedded-dashboard.txt'), 'utf8');
    await page.fill('#check-lines', story);
    await page.fill('#check-url', 'https://app.example.com/dashboard');
    await page.fill('#check-embedded', 'https://partner.example');
    await page.click('#check-run');
    await page.waitForSelector('section.cookie[data-cookie="session"]');
    const cell = page.locator('section.cookie[data-cookie="session"] td[data-browser="chrome"][data-context="iframe"]');
    const cellClass = await cell.getAttribute('class');
    const cellText = await cell.innerText();
    check(/dropped/.test(cellClass) && !/\bsent\b/.test(cellClass), `session in a chrome iframe is not stored/sent (class "${cellClass}")`);
    check(cellText.includes('samesite-none-insecure'), 'the cell names the reason samesite-none-insecure');
    const reasonHref = await cell.locator('a').first().getAttribute('href');
    check(reasonHref === '/explain/samesite-none-insecure', 'the reason links to its explanation');
    const fixes = await page.locator('.finding pre.fix-header').allInnerTexts();
    check(fixes.some((f) => f.includes('session=') && /;\s*Secure/.test(f)), 'a finding proposes a fix header for session with Secure');
    const codes = await page.locator('.finding .code-link.rule').allInnerTexts();
    check(codes.includes('samesite-none-without-secure'), 'the finding samesite-none-without-secure is listed');
    const snippet = await page.locator('.finding pre.snippet').first().innerText();
    check(snippet.trim().length > 0, 'a framework snippet is shown');
    const legend = await page.locator('.legend').first().innerText();
    check(legend.includes('sent') && legend.includes('not stored'), 'the matrix has a legend');
    await page.screenshot({ path: path.join(SHOTS, 'check.png') });
    await page.screenshot({ path: path.join(SHOTS, 'check-full.png'), fullPage: true });
    await page.evaluate(() => document.querySelector('#check-result h2').scrollIntoView());
    await page.screenshot({ path: path.join(SHOTS, 'check-matrix.png') });
    await page.evaluate(() => document.querySelector('.finding').scrollIntoView());
    await page.screenshot({ path: path.join(SHOTS, 'check-findings.png') });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.setViewportSize({ width: 420, height: 900 });
    await page.screenshot({ path: path.join(SHOTS, 'check-narrow.png') });
    await page.setViewportSize({ width: 1360, height: 900 });

    // ---- Permalink: the inputs live in the fragment ----
    console.log('permalink');
    const link = page.url();
    check(/#check=[A-Za-z0-9_-]+$/.test(link), 'the address holds the inputs (#check=…)');
    const page2 = await context.newPage();
    page2.on('console', (m) => { if (m.type() === 'error') problems.push(`error (permalink page): ${m.text()}`); });
    await page2.goto(link);
    await page2.waitForSelector('section.cookie[data-cookie="session"]');
    check((await page2.inputValue('#check-url')) === 'https://app.example.com/dashboard', 'the permalink restores the URL');
    check((await page2.inputValue('#check-embedded')) === 'https://partner.example', 'the permalink restores embedded-in');
    await page2.close();

    // ---- The example select fills in a README story with its deployment ----
    await page.selectOption('#check-example', 'api-on-another-site.txt');
    check((await page.inputValue('#check-url')) === 'https://api.shopbackend.example/login', 'an example fills in its URL');
    check((await page.inputValue('#check-called')) === 'https://shop.example', 'an example fills in its callers');

    // ---- Explain page ----
    console.log('explain');
    const explain = await context.newPage();
    explain.on('console', (m) => { if (m.type() === 'error') problems.push(`error (explain page): ${m.text()}`); });
    await explain.goto(`${server.url}explain/samesite-none-insecure`);
    check((await explain.locator('h1').first().innerText()).includes('samesite-none-insecure'), 'the explain page shows the code');
    await explain.screenshot({ path: path.join(SHOTS, 'explain.png'), fullPage: true });
    await explain.close();

    // ---- Scenario tab ----
    console.log('scenario tab');
    await page.click('#tab-scenario');
    await page.selectOption('#scenario-example', 'embedded-dashboard.toml');
    await page.click('#scenario-run');
    await page.waitForSelector('.timeline-wrap svg g.req');
    const svgText = await page.locator('.timeline-wrap svg').textContent();
    check(/✗ sid withheld: samesite-lax/.test(svgText), 'the timeline shows sid withheld (✗) with samesite-lax');
    check(/⬇ Set-Cookie sid: stored/.test(svgText), 'the timeline marks the Set-Cookie of sid as stored');
    const runs = await page.locator('.timeline-wrap svg g.run').count();
    check(runs >= 2, `the browsers are side by side (${runs} columns)`);
    const fit = await page.evaluate(() => {
      const svg = document.querySelector('.timeline-wrap svg');
      const wrap = svg.parentElement;
      const box = wrap.getBoundingClientRect();
      return {
        svg: svg.getBoundingClientRect().width,
        inner: wrap.clientWidth,
        overflow: wrap.scrollWidth - wrap.clientWidth,
        left: box.left,
        right: box.right,
        view: document.documentElement.clientWidth,
        page: document.documentElement.scrollWidth,
        font: (12 * svg.getBoundingClientRect().width) / svg.viewBox.baseVal.width,
      };
    });
    check(fit.svg <= fit.inner && fit.overflow <= 0 && fit.left >= 0 && fit.right <= fit.view && fit.page <= fit.view,
      `the ${runs} columns fit the ${fit.view} px window without sideways scrolling (timeline ${Math.round(fit.svg)} px in ${Math.round(fit.left)}–${Math.round(fit.right)})`);
    check(fit.font >= 10, `the timeline's text stays legible (${fit.font.toFixed(1)} px)`);
    await page.screenshot({ path: path.join(SHOTS, 'scenario.png'), fullPage: true });
    const withheld = page.locator('.timeline-wrap svg g.req', { has: page.locator('text.withheld') }).first();
    await withheld.click();
    await page.waitForSelector('#details:not([hidden])');
    const details = await page.locator('#details').innerText();
    check(details.includes('samesite-lax') && details.includes('Withheld'), 'clicking a request shows its details with the reason');
    await page.screenshot({ path: path.join(SHOTS, 'scenario-details.png') });
    await page.click('#details-close');

    // ---- HAR tab ----
    console.log('har tab');
    await page.click('#tab-har');
    await page.screenshot({ path: path.join(SHOTS, 'har.png'), fullPage: true });
    // A HAR recorded in real Chromium (tests/har/recorded/): the login's
    // SameSite=None cookie without Secure is rejected.
    const recorded = path.join(ROOT, 'tests/har/recorded/samesite-none-without-secure-rejected-at-login.chrome.har');
    await page.setInputFiles('#har-file', recorded);
    await page.waitForSelector('.har-report');
    const harText = await page.locator('#har-result').innerText();
    check(harText.includes('Set-Cookie rejected') && harText.includes('samesite-none-insecure'), 'the HAR replay shows the rejected Set-Cookie with samesite-none-insecure');
    check(harText.includes('0 model mismatches'), 'the HAR replay agrees with the recorded browser (0 model mismatches)');
    await page.screenshot({ path: path.join(SHOTS, 'har-uploaded.png'), fullPage: true });

    const real = problems;
    check(!real.some((p) => /Content Security Policy|Refused to/i.test(p)), 'no Content-Security-Policy violation in the console');
    check(real.length === 0, `no console error or warning${real.length ? ': ' + real.join(' | ') : ''}`);
    check(await page.locator('#tab-scan').isHidden(), 'the Scan tab is hidden without --allow-scan');
  } finally {
    if (chrome) await chrome.stop();
    server.proc.kill('SIGTERM');
  }
  console.log(`\nscreenshots: ${SHOTS}`);
  console.log(`web-e2e: ${passes} passed, ${failures} failed`);
  process.exit(failures ? 1 : 0);
}

main().catch((e) => {
  console.error(`web-e2e: ${e.stack || e}`);
  process.exit(1);
});
