#!/usr/bin/env node
'use strict';
// Records golden traces of scenarios in real browsers.
//
//   node oracle/src/record.js [--mode M]... [--out DIR] [--scenarios DIR] [--check] [--twice]
//                             [--timeout SECONDS] [--jobs N] [--reader PATH] [-v] [FILES...]
//
// FILES default to every *.toml in the --scenarios DIR (tests/scenarios);
// then a committed golden no scenario produces is reported as stale. --mode
// may repeat or take a comma list (default: every mode a driver supports).
// Goldens go to DIR/<file-stem>/<mode>.json (DIR default tests/oracle/goldens).
//   --check   record into a temporary directory and compare with DIR; exit 1
//             with a per-scenario diff when anything differs.
//   --twice   record every scenario twice (two fresh browsers) and fail when
//             the two runs differ; only agreeing goldens are written.
//   --jobs N  run N browsers at once (default 1), each with its own server on
//             its own loopback address (127.0.0.1, 127.0.0.2, ...).
// Exit status: 0 all good, 1 a difference / a browser failure, 2 bad input
// (a scenario the reader rejects, an unknown mode, bad arguments).

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');
const { TestServer } = require('./server');
const { buildRun, serialise, diffGoldens } = require('./golden');

const ROOT = path.resolve(__dirname, '..', '..');
const DRIVERS = [require('./drivers/chromium'), require('./drivers/firefox')];
const MODE_DRIVER = new Map();
for (const d of DRIVERS) for (const m of d.MODES) MODE_DRIVER.set(m, d);
const PLANNED = { 'firefox-strict': 'the Firefox driver has no Strict ETP mode yet' };

function usage(msg) {
  if (msg) process.stderr.write(`record: ${msg}\n`);
  process.stderr.write('usage: node oracle/src/record.js [--mode M]... [--out DIR] [--scenarios DIR] [--check] [--twice] [--timeout S] [--jobs N] [--reader PATH] [-v] [FILES...]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { modes: [], out: path.join(ROOT, 'tests', 'oracle', 'goldens'), check: false, twice: false, jobs: 1, timeout: 15, reader: null, verbose: false, files: [], scenarios: path.join(ROOT, 'tests', 'scenarios') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    if (a === '--mode') o.modes.push(...val().split(',').filter(Boolean));
    else if (a.startsWith('--mode=')) o.modes.push(...a.slice(7).split(',').filter(Boolean));
    else if (a === '--out') o.out = path.resolve(val());
    else if (a === '--scenarios') o.scenarios = path.resolve(val());
    else if (a === '--check') o.check = true;
    else if (a === '--twice') o.twice = true;
    else if (a === '--timeout') o.timeout = Number(val());
    else if (a === '--jobs' || a === '-j') o.jobs = Number(val());
    else if (a === '--reader') o.reader = path.resolve(val());
    else if (a === '-v' || a === '--verbose') o.verbose = true;
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else o.files.push(a);
  }
  if (!(o.timeout > 0)) usage('--timeout needs a positive number of seconds');
  if (!(Number.isInteger(o.jobs) && o.jobs >= 1 && o.jobs <= 8)) usage('--jobs needs a whole number from 1 to 8');
  if (!o.modes.length) o.modes = [...MODE_DRIVER.keys()];
  for (const m of o.modes) {
    if (PLANNED[m]) usage(`mode ${m} is not available: ${PLANNED[m]}`);
    if (!MODE_DRIVER.has(m)) usage(`unknown mode ${m} (known: ${[...MODE_DRIVER.keys()].join(', ')})`);
  }
  o.allScenarios = !o.files.length;
  if (!o.files.length) {
    const dir = o.scenarios;
    o.files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.toml')).sort().map((f) => path.relative(process.cwd(), path.join(dir, f))) : [];
    if (!o.files.length) usage(`no scenario files given and none in ${path.relative(process.cwd(), dir) || dir}`);
  }
  return o;
}

/** The one scenario reader: `cookie-doctor scenario FILE --format json`. */
function findReader(explicit) {
  if (explicit) return explicit;
  if (process.env.COOKIE_DOCTOR) return process.env.COOKIE_DOCTOR;
  const b = spawnSync('cargo', ['build', '-q', '-p', 'cookie-doctor'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (b.status !== 0) { process.stderr.write('record: cannot build the scenario reader (cargo build -p cookie-doctor)\n'); process.exit(2); }
  const meta = JSON.parse(execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], { cwd: ROOT, maxBuffer: 64 << 20 }));
  return path.join(meta.target_directory, 'debug', 'cookie-doctor');
}

function readScenario(reader, file) {
  const r = spawnSync(reader, ['scenario', file, '--format', 'json'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error) { process.stderr.write(`record: cannot run the scenario reader ${reader}: ${r.error.message}\n`); process.exit(2); }
  if (r.status !== 0) {
    process.stderr.write(r.stderr);
    process.exit(r.status === 2 ? 2 : 2);
  }
  return JSON.parse(r.stdout);
}

/** Every host a scenario can reach: its steps' URLs, responses and redirects. */
function scenarioHosts(sc) {
  const hosts = new Set();
  const add = (u) => { try { hosts.add(new URL(u).host); } catch { /* relative or bad: reader's job */ } };
  for (const s of sc.steps) if (s.url) add(s.url);
  for (const r of sc.responses) { add(r.url); if (r.location) add(r.location); }
  return hosts;
}

/** Does the scenario name an IP address or localhost (reached without the
 * browser's host mapping, so only on 127.0.0.1 / ::1)? */
function needsLoopbackOne(sc) {
  for (const h of scenarioHosts(sc)) {
    const name = h.replace(/:\d+$/, '');
    if (name.startsWith('[') || /^[0-9.]+$/.test(name) || name === 'localhost' || name.endsWith('.localhost')) return true;
  }
  return false;
}

async function recordOnce(server, driver, mode, sc, opts, warn) {
  server.load(sc.responses);
  const hosts = scenarioHosts(sc);
  const browser = await driver.launch(mode, { spki: server.spki, timeoutMs: opts.timeout * 1000, resolveTo: server.addresses[0] });
  const steps = [];
  const jsEvents = [];
  let rawJar;
  let stray = [];
  try {
    server.log = [];
    for (const step of sc.steps) {
      const start = Date.now();
      if (step.do === 'js-set') {
        const pair = step.cookie.split(';')[0];
        const eq = pair.indexOf('=');
        jsEvents.push({ time: start, name: (eq < 0 ? '' : pair.slice(0, eq)).trim() });
      }
      const result = await browser.runStep(step);
      const log = server.log;
      server.log = [];
      // Requests to hosts the scenario never names are the browser's own
      // background traffic (every name resolves to this server): left out.
      for (const e of log) if (!hosts.has(new URL(e.url).host)) stray.push(e);
      const kept = log.filter((e) => hosts.has(new URL(e.url).host));
      steps.push({ index: step.index, do: step.do, log: kept, result });
      if (opts.verbose) {
        process.stderr.write(`    step ${step.index} ${step.do} ${Date.now() - start} ms${result.error ? ` error ${result.error}` : ''}\n`);
        for (const e of kept) {
          process.stderr.write(`      ${e.method} ${e.url} dest=${e.dest} site=${e.site} mode=${e.mode} origin=${e.origin} storage-access=${e.storageAccess} cookie=${JSON.stringify(e.cookie)}\n`);
        }
      }
    }
    rawJar = await browser.readJar();
    stray = stray.concat(server.log);
  } finally {
    await browser.close();
  }
  // The browser's own background traffic (every name resolves to this
  // server): shown with -v only. A request to a scenario host after the last
  // step is a warning: some step ended before its requests did.
  for (const e of stray) {
    if (hosts.has(new URL(e.url).host)) warn(`request after the last step ignored: ${e.method} ${e.url}`);
    else if (opts.verbose) process.stderr.write(`    background request ignored: ${e.method} ${e.url}\n`);
  }
  return { golden: { scenario: sc.name, runs: [buildRun(mode, steps, rawJar, server.cookieEvents.concat(jsEvents), warn)] }, version: browser.version };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const reader = findReader(opts.reader);

  // Read (and so validate) every scenario before starting a browser.
  const scenarios = [];
  const stems = new Map();
  for (const file of opts.files) {
    const stem = path.basename(file).replace(/\.toml$/, '');
    if (stems.has(stem)) usage(`two scenario files share the name ${stem}: ${stems.get(stem)} and ${file}`);
    stems.set(stem, file);
    scenarios.push({ file, stem, sc: readScenario(reader, file) });
  }

  // One test server per worker. Worker 0 listens on 127.0.0.1 and ::1, the
  // addresses IP-literal and `localhost` URLs reach; worker k > 0 listens on
  // 127.0.0.(k+1), and its browser maps every host name there. Scenarios that
  // name an IP or localhost run on worker 0 only.
  const servers = [];
  for (let k = 0; k < opts.jobs; k++) {
    const srv = new TestServer(k === 0 ? ['127.0.0.1', '::1'] : [`127.0.0.${k + 1}`]);
    await srv.start();
    servers.push(srv);
  }
  const outDir = opts.check ? fs.mkdtempSync(path.join(os.tmpdir(), 'cd-oracle-check-')) : opts.out;
  const rel = (f) => path.relative(process.cwd(), f) || f;
  let failures = 0;
  const report = [];
  try {
    for (const mode of opts.modes) {
      const driver = MODE_DRIVER.get(mode);
      const todo = scenarios.filter((s) => s.sc.browsers.includes(mode));
      const t0 = Date.now();
      let version = '';
      let done = 0;
      process.stdout.write(`[${mode}] ${todo.length} scenario(s)${opts.twice ? ', each twice' : ''}${opts.jobs > 1 ? `, ${opts.jobs} at a time` : ''}\n`);

      const runOne = async (server, { file, stem, sc }) => {
        const ts = Date.now();
        const warnings = [];
        const warn = (m) => { if (!warnings.includes(m)) warnings.push(m); };
        let status = 'ok';
        const problems = [];
        try {
          const first = await recordOnce(server, driver, mode, sc, opts, warn);
          version = first.version;
          let golden = first.golden;
          if (opts.twice) {
            const second = await recordOnce(server, driver, mode, sc, opts, warn);
            const d = diffGoldens(first.golden, second.golden, ['run 1', 'run 2']);
            if (d.length) { status = 'UNSTABLE'; problems.push(...d); golden = null; }
          }
          if (golden) {
            const target = path.join(outDir, stem, `${mode}.json`);
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.writeFileSync(target, serialise(golden));
            if (opts.check) {
              const committed = path.join(opts.out, stem, `${mode}.json`);
              if (!fs.existsSync(committed)) { status = 'NEW'; problems.push(`no committed golden ${rel(committed)}`); }
              else {
                const d = diffGoldens(JSON.parse(fs.readFileSync(committed, 'utf8')), golden);
                if (d.length) { status = 'DIFFERS'; problems.push(...d); }
              }
            }
          }
        } catch (e) {
          status = 'FAILED';
          problems.push(e.message);
        }
        done++;
        const secs = ((Date.now() - ts) / 1000).toFixed(1);
        const lines = [`[${mode}] ${String(done).padStart(String(todo.length).length)}/${todo.length} ${stem} ${secs} s ${status}`];
        for (const w of warnings) lines.push(`    warning: ${w}`);
        for (const p of problems) lines.push(`    ${p}`);
        process.stdout.write(`${lines.join('\n')}\n`);
        if (status !== 'ok') { failures++; report.push({ mode, file, status, problems }); }
      };

      const pinned = todo.filter((t) => needsLoopbackOne(t.sc));
      const free = todo.filter((t) => !needsLoopbackOne(t.sc));
      await Promise.all(servers.map(async (server, k) => {
        for (;;) {
          const next = k === 0 ? (pinned.shift() || free.shift()) : free.shift();
          if (!next) return;
          await runOne(server, next);
        }
      }));
      process.stdout.write(`[${mode}] ${todo.length} scenario(s) in ${((Date.now() - t0) / 1000).toFixed(1)} s${version ? ` (${version})` : ''}\n`);
    }
  } finally {
    await Promise.all(servers.map((srv) => srv.stop()));
  }
  // With the whole scenario set, a committed golden that no scenario produces
  // any more (a scenario renamed, removed, or no longer listing the mode) is
  // stale: an error with --check, a warning otherwise.
  if (opts.allScenarios && fs.existsSync(opts.out)) {
    const expected = new Set();
    for (const { stem, sc } of scenarios) for (const m of sc.browsers) expected.add(`${stem}/${m}.json`);
    for (const stem of fs.readdirSync(opts.out).sort()) {
      const dir = path.join(opts.out, stem);
      if (!fs.statSync(dir).isDirectory()) continue;
      for (const f of fs.readdirSync(dir).sort()) {
        const mode = f.replace(/\.json$/, '');
        if (!f.endsWith('.json') || !opts.modes.includes(mode) || expected.has(`${stem}/${f}`)) continue;
        const what = `${rel(path.join(dir, f))}: no scenario records this golden any more`;
        if (opts.check) { failures++; report.push({ mode, file: rel(path.join(dir, f)), status: 'STALE', problems: [what] }); }
        else process.stdout.write(`warning: ${what}\n`);
      }
    }
  }
  if (opts.check) {
    if (failures) process.stdout.write(`recorded goldens are in ${outDir}\n`);
    else fs.rmSync(outDir, { recursive: true, force: true });
  }
  if (failures) {
    process.stdout.write(`\n${failures} problem(s):\n`);
    for (const r of report) {
      process.stdout.write(`${r.file} [${r.mode}]: ${r.status}\n`);
      for (const p of r.problems) process.stdout.write(`  ${p}\n`);
    }
    process.exit(1);
  }
}

main().catch((e) => {
  process.stderr.write(`record: ${e.stack || e.message}\n`);
  process.exit(1);
});
