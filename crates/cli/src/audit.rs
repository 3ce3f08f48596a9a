//! `cookie-doctor audit`: bulk audit (DESIGN.md §7, audit lines v1; docs/audit.md).
//!
//! A reader thread reads the inputs in order and hands batches of responses to
//! `--jobs` worker threads, which run the shared [`Auditor`] and serialize each
//! output line straight into the batch's buffer; the writer (this thread)
//! writes the batches to standard output in input order. Memory is bounded: at
//! most `WINDOW_PER_JOB × jobs` batches are in flight (read but not yet
//! written), each of at most `BATCH_ITEMS` responses, and the reader waits for
//! the writer to hand back a slot before it reads on (backpressure).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender, TryRecvError};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use cookie_doctor_cookie::Time;
use cookie_doctor_diagnose::audit::{AuditResponse, Auditor, CacheStats};
use cookie_doctor_diagnose::finding::{Finding, Severity};
use cookie_doctor_diagnose::har::har_audit_responses;
use cookie_doctor_inputs::{AuditItem, AuditLines, AuditRecord, Position, ReadError, WarcRecords};
use cookie_doctor_site::PublicSuffixList;
use serde::Serialize;

use crate::{FailOn, UsageError, pick_builtin};

/// Responses per batch handed to a worker.
const BATCH_ITEMS: usize = 16;
/// Input bytes (URL and headers) per batch, at most (roughly).
const BATCH_BYTES: usize = 256 * 1024;
/// Batches in flight per worker (the reorder window).
const WINDOW_PER_JOB: usize = 4;

/// Arguments of `cookie-doctor audit`.
#[derive(clap::Args, Debug)]
pub(crate) struct AuditArgs {
    /// Input files, read in order: audit lines (`.jsonl`, `.ndjson`, anything
    /// else that is not WARC), WARC (`.warc`, `.warc.gz`, or content starting
    /// with `WARC/`), HAR (`.har`); gzip is detected by its magic bytes. `-` or
    /// none: audit lines on standard input.
    files: Vec<PathBuf>,
    /// Worker threads (default: the available cores).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Only the responses of shard I of N (0-based): those whose ordinal (the
    /// 0-based position among every output line of the whole run) modulo N is I.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    shard: Option<Shard>,
    /// Exit 1 when a finding at or above this severity is found.
    #[arg(long = "fail-on", value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Also write the summary as JSON to this file.
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
    /// Only these browser profiles (repeatable; default: all).
    #[arg(long = "browser", value_name = "NAME")]
    browsers: Vec<String>,
    /// Number the first line of each audit-lines input N instead of 1 (for a
    /// part split from a larger input, so that error lines keep their numbers).
    #[arg(long = "first-line", value_name = "N", default_value_t = 1)]
    first_line: u64,
    /// Diagnose every response in full instead of reusing the diagnosis of an
    /// earlier response of the same shape (same output, slower; see
    /// docs/audit.md "Speed").
    #[arg(long = "no-cache")]
    no_cache: bool,
}

/// `--shard I/N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Shard {
    index: u64,
    count: u64,
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("`{s}`: expected I/N, e.g. 0/4"))?;
    let index: u64 = i
        .trim()
        .parse()
        .map_err(|_| format!("`{s}`: I is not a number"))?;
    let count: u64 = n
        .trim()
        .parse()
        .map_err(|_| format!("`{s}`: N is not a number"))?;
    if count == 0 || index >= count {
        return Err(format!("`{s}`: expected 0 <= I < N"));
    }
    Ok(Shard { index, count })
}

/// What an input holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Audit lines v1.
    Lines,
    /// WARC.
    Warc,
    /// HAR 1.2.
    Har,
    /// Decided by the content: WARC when it starts with `WARC/`, else lines.
    Sniff,
}

/// One input, checked before reading starts.
struct Input {
    /// `None`: standard input.
    path: Option<PathBuf>,
    /// The name in output lines and errors.
    name: Arc<str>,
    kind: Kind,
}

/// The responses of a HAR file (one per entry, `Position::Record` with the
/// entry's 1-based ordinal), as a lazy iterator: the streaming HAR reader runs
/// on its own thread and hands entries over a bounded channel, so memory stays
/// bounded whatever the file's size.
fn har_responses(path: PathBuf, name: String, count: Arc<AtomicU64>) -> Items {
    let (tx, rx) = mpsc::sync_channel::<Result<AuditItem, ReadError>>(256);
    std::thread::spawn(move || {
        let opened = File::open(&path).and_then(|file| {
            cookie_doctor_inputs::decompress_if_gzip(BufReader::with_capacity(
                64 * 1024,
                Counting { inner: file, count },
            ))
        });
        let reader = match opened {
            Ok(reader) => reader,
            Err(e) => {
                let _ = tx.send(Err(ReadError {
                    input: name,
                    position: Position::Record {
                        ordinal: 0,
                        offset: 0,
                    },
                    message: e.to_string(),
                    fatal: true,
                }));
                return;
            }
        };
        let mut ordinal = 0u64;
        let file = name.clone();
        let result = har_audit_responses(reader, &file, &mut |item| {
            ordinal += 1;
            let position = Position::Record { ordinal, offset: 0 };
            let item = match item {
                Ok(r) => Ok(AuditItem {
                    position,
                    record: AuditRecord {
                        url: r.url,
                        status: r.status,
                        headers: r.headers,
                        embedded_in: r.embedded_in,
                        called_from: r.called_from,
                    },
                }),
                Err(e) => Err(ReadError {
                    input: name.clone(),
                    position,
                    message: e.to_string(),
                    fatal: false,
                }),
            };
            // A closed channel means the run is stopping: drop the rest.
            let _ = tx.send(item);
        });
        if let Err(e) = result {
            let _ = tx.send(Err(ReadError {
                input: name.clone(),
                position: Position::Record {
                    ordinal: ordinal + 1,
                    offset: 0,
                },
                message: e.to_string(),
                fatal: true,
            }));
        }
    });
    Box::new(rx.into_iter())
}

fn classify(path: &Path) -> Result<Input, UsageError> {
    let name = path.display().to_string();
    let lower = name.to_ascii_lowercase();
    let kind = if lower.ends_with(".warc") || lower.ends_with(".warc.gz") {
        Kind::Warc
    } else if lower.ends_with(".har") {
        Kind::Har
    } else if lower.ends_with(".jsonl")
        || lower.ends_with(".ndjson")
        || lower.ends_with(".jsonl.gz")
        || lower.ends_with(".ndjson.gz")
    {
        Kind::Lines
    } else {
        Kind::Sniff
    };
    // Fail early (exit 2, no output) on a file that cannot be opened.
    let meta = std::fs::metadata(path).map_err(|e| UsageError(format!("{name}: {e}")))?;
    if meta.is_dir() {
        return Err(UsageError(format!("{name}: is a directory")));
    }
    File::open(path).map_err(|e| UsageError(format!("{name}: {e}")))?;
    Ok(Input {
        path: Some(path.to_path_buf()),
        name: name.into(),
        kind,
    })
}

/// Counts the bytes read through it (for the progress bar).
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

type Items = Box<dyn Iterator<Item = Result<AuditItem, ReadError>>>;

/// Opens one input as a lazy iterator of responses.
fn open(input: &Input, first_line: u64, count: &Arc<AtomicU64>) -> Result<Items, ReadError> {
    let fail = |message: String, kind: Kind| ReadError {
        input: input.name.to_string(),
        position: if matches!(kind, Kind::Warc | Kind::Har) {
            Position::Record {
                ordinal: 0,
                offset: 0,
            }
        } else {
            Position::Line(0)
        },
        message,
        fatal: true,
    };
    let Some(path) = &input.path else {
        let reader = BufReader::with_capacity(
            64 * 1024,
            Counting {
                inner: io::stdin(),
                count: Arc::clone(count),
            },
        );
        return Ok(Box::new(
            AuditLines::new(reader, "stdin").first_line(first_line),
        ));
    };
    if input.kind == Kind::Har {
        return Ok(har_responses(
            path.clone(),
            input.name.to_string(),
            Arc::clone(count),
        ));
    }
    let file = File::open(path).map_err(|e| fail(e.to_string(), input.kind))?;
    let reader = BufReader::with_capacity(
        64 * 1024,
        Counting {
            inner: file,
            count: Arc::clone(count),
        },
    );
    let mut reader = cookie_doctor_inputs::decompress_if_gzip(reader)
        .map_err(|e| fail(e.to_string(), input.kind))?;
    let kind = match input.kind {
        Kind::Sniff => {
            let start = reader
                .fill_buf()
                .map_err(|e| fail(e.to_string(), Kind::Lines))?;
            if start.starts_with(b"WARC/") {
                Kind::Warc
            } else {
                Kind::Lines
            }
        }
        k => k,
    };
    let name = input.name.to_string();
    Ok(match kind {
        Kind::Warc => Box::new(WarcRecords::new(reader, name)),
        _ => Box::new(AuditLines::new(reader, name).first_line(first_line)),
    })
}

/// One response (or one unreadable line or record) on its way to a worker.
struct Job {
    /// The input's name; `None` for standard input.
    file: Option<Arc<str>>,
    position: Position,
    item: Result<AuditRecord, String>,
}

/// Consecutive jobs; `seq` orders batches.
struct Batch {
    seq: u64,
    jobs: Vec<Job>,
}

/// A batch's output lines and counts.
struct Done {
    seq: u64,
    out: Vec<u8>,
    stats: Stats,
}

/// Counts for the summary (per batch, then added up).
#[derive(Default)]
struct Stats {
    items: u64,
    responses: u64,
    read_errors: u64,
    audit_errors: u64,
    with_findings: u64,
    findings: u64,
    failing: bool,
    by_severity: [u64; 3],
    by_code: BTreeMap<String, (Severity, u64)>,
}

impl Stats {
    fn add(&mut self, other: Stats) {
        self.items += other.items;
        self.responses += other.responses;
        self.read_errors += other.read_errors;
        self.audit_errors += other.audit_errors;
        self.with_findings += other.with_findings;
        self.findings += other.findings;
        self.failing |= other.failing;
        for (mine, theirs) in self.by_severity.iter_mut().zip(other.by_severity) {
            *mine += theirs;
        }
        for (code, (severity, n)) in other.by_code {
            self.by_code.entry(code).or_insert((severity, 0)).1 += n;
        }
    }

    fn errors(&self) -> u64 {
        self.read_errors + self.audit_errors
    }
}

/// `{"url": …, "findings": […], "source"?: {…}}`.
#[derive(Serialize)]
struct FindingsLine<'a> {
    url: &'a str,
    findings: &'a [Finding],
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<SourceRef<'a>>,
}

/// Where a WARC (or HAR) response came from.
#[derive(Serialize)]
struct SourceRef<'a> {
    file: &'a str,
    record: u64,
}

/// `{"file"?: …, "line"|"record": N, "error": …}`.
#[derive(Serialize)]
struct ErrorLine<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<u64>,
    error: &'a str,
}

/// Appends one JSON line; a value that cannot be serialized (not expected)
/// becomes an error line rather than a stop.
fn write_line<T: Serialize>(out: &mut Vec<u8>, value: &T) {
    let start = out.len();
    if serde_json::to_writer(&mut *out, value).is_err() {
        out.truncate(start);
        out.extend_from_slice(br#"{"error":"internal: this output line could not be serialized"}"#);
    }
    out.push(b'\n');
}

fn error_line(out: &mut Vec<u8>, job_file: Option<&str>, position: Position, error: &str) {
    let line = match position {
        Position::Line(n) => ErrorLine {
            file: job_file,
            line: Some(n),
            record: None,
            error,
        },
        Position::Record { ordinal, .. } => ErrorLine {
            file: job_file,
            line: None,
            record: Some(ordinal),
            error,
        },
    };
    write_line(out, &line);
}

fn severity_index(s: Severity) -> usize {
    match s {
        Severity::Info => 0,
        Severity::Warning => 1,
        Severity::Error => 2,
    }
}

/// Audits one batch into `out`.
fn work(auditor: &Auditor, threshold: Option<Severity>, batch: Batch, mut out: Vec<u8>) -> Done {
    let mut stats = Stats::default();
    for job in batch.jobs {
        stats.items += 1;
        let file = job.file.as_deref();
        match job.item {
            Err(message) => {
                stats.read_errors += 1;
                error_line(&mut out, file, job.position, &message);
            }
            Ok(record) => {
                let response = AuditResponse {
                    url: record.url,
                    status: record.status,
                    headers: record.headers,
                    embedded_in: record.embedded_in,
                    called_from: record.called_from,
                };
                match auditor.audit(&response) {
                    Err(e) => {
                        stats.audit_errors += 1;
                        error_line(&mut out, file, job.position, &e.to_string());
                    }
                    Ok(findings) => {
                        stats.responses += 1;
                        if !findings.is_empty() {
                            stats.with_findings += 1;
                        }
                        for f in &findings {
                            stats.findings += 1;
                            if let Some(n) = stats.by_severity.get_mut(severity_index(f.severity)) {
                                *n += 1;
                            }
                            if threshold.is_some_and(|t| f.severity >= t) {
                                stats.failing = true;
                            }
                            match stats.by_code.get_mut(&f.code) {
                                Some((_, n)) => *n += 1,
                                None => {
                                    stats.by_code.insert(f.code.clone(), (f.severity, 1));
                                }
                            }
                        }
                        let source = match (job.position, file) {
                            (Position::Record { ordinal, .. }, Some(file)) => Some(SourceRef {
                                file,
                                record: ordinal,
                            }),
                            _ => None,
                        };
                        write_line(
                            &mut out,
                            &FindingsLine {
                                url: &response.url,
                                findings: &findings,
                                source,
                            },
                        );
                    }
                }
            }
        }
    }
    Done {
        seq: batch.seq,
        out,
        stats,
    }
}

/// Reads every input in order, batches the jobs of this shard and sends them;
/// waits for a free slot (`slots`) before each batch.
fn read_all(
    inputs: &[Input],
    first_line: u64,
    shard: Option<Shard>,
    count: &Arc<AtomicU64>,
    slots: &Receiver<()>,
    work: &SyncSender<Batch>,
) {
    let mut ordinal: u64 = 0;
    let mut seq: u64 = 0;
    let mut jobs: Vec<Job> = Vec::with_capacity(BATCH_ITEMS);
    let mut bytes = 0usize;
    let send = |jobs: &mut Vec<Job>, seq: &mut u64| -> bool {
        if jobs.is_empty() {
            return true;
        }
        if slots.recv().is_err() {
            return false;
        }
        let batch = Batch {
            seq: *seq,
            jobs: std::mem::replace(jobs, Vec::with_capacity(BATCH_ITEMS)),
        };
        *seq += 1;
        work.send(batch).is_ok()
    };
    for input in inputs {
        let file = input.path.as_ref().map(|_| Arc::clone(&input.name));
        let items: Items = match open(input, first_line, count) {
            Ok(items) => items,
            Err(e) => Box::new(std::iter::once(Err(e))),
        };
        for item in items {
            let mine = shard.is_none_or(|s| ordinal % s.count == s.index);
            ordinal += 1;
            if !mine {
                continue;
            }
            let job = match item {
                Ok(AuditItem { position, record }) => {
                    bytes +=
                        record.url.len() + record.headers.iter().map(String::len).sum::<usize>();
                    Job {
                        file: file.clone(),
                        position,
                        item: Ok(record),
                    }
                }
                Err(e) => {
                    let message = match e.position {
                        Position::Record { offset, .. } => format!("byte {offset}: {}", e.message),
                        Position::Line(_) => e.message,
                    };
                    Job {
                        file: file.clone(),
                        position: e.position,
                        item: Err(message),
                    }
                }
            };
            jobs.push(job);
            if jobs.len() >= BATCH_ITEMS || bytes >= BATCH_BYTES {
                bytes = 0;
                if !send(&mut jobs, &mut seq) {
                    return;
                }
            }
        }
    }
    send(&mut jobs, &mut seq);
}

/// The summary (stderr, and `--summary FILE` as JSON).
#[derive(Serialize)]
struct Summary {
    inputs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shard: Option<String>,
    /// Output lines.
    lines: u64,
    /// Responses audited.
    responses: u64,
    /// Error lines: unreadable lines/records plus responses that could not be
    /// audited.
    errors: u64,
    read_errors: u64,
    audit_errors: u64,
    responses_with_findings: u64,
    findings: u64,
    by_severity: BTreeMap<&'static str, u64>,
    by_code: BTreeMap<String, u64>,
    seconds: f64,
    lines_per_second: f64,
    /// How the shape cache fared (`computed` counts full diagnoses, the check
    /// of a new shape included).
    cache: CacheStats,
    exit_code: u8,
}

/// Writes the batches in order; returns the added-up counts. Stops early
/// (dropping `slots`, which stops the reader) when standard output fails.
fn write_all(
    results: &Receiver<Done>,
    slots: SyncSender<()>,
    pool: &Mutex<Vec<Vec<u8>>>,
    progress: Option<&Progress>,
) -> Result<Stats, io::Error> {
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(256 * 1024, stdout.lock());
    let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
    let mut next = 0u64;
    let mut total = Stats::default();
    loop {
        let done = match results.try_recv() {
            Ok(done) => done,
            Err(TryRecvError::Empty) => {
                out.flush()?;
                match results.recv() {
                    Ok(done) => done,
                    Err(_) => break,
                }
            }
            Err(TryRecvError::Disconnected) => break,
        };
        pending.insert(done.seq, done);
        while let Some(mut done) = pending.remove(&next) {
            out.write_all(&done.out)?;
            total.add(std::mem::take(&mut done.stats));
            done.out.clear();
            if let Ok(mut pool) = pool.lock() {
                pool.push(done.out);
            }
            next += 1;
            // Never blocks: at most as many slots as its capacity exist.
            let _ = slots.send(());
            if let Some(p) = progress {
                p.update(&total);
            }
        }
    }
    out.flush()?;
    Ok(total)
}

/// The progress bar (only when stderr is a terminal).
struct Progress {
    bar: indicatif::ProgressBar,
    bytes: Arc<AtomicU64>,
}

impl Progress {
    fn new(total: Option<u64>, bytes: Arc<AtomicU64>) -> Option<Progress> {
        if !io::stderr().is_terminal() {
            return None;
        }
        let target = indicatif::ProgressDrawTarget::stderr();
        let (bar, template) = match total {
            Some(n) => (
                indicatif::ProgressBar::with_draw_target(Some(n), target),
                "{bytes}/{total_bytes} [{bar:30}] {elapsed} {msg}",
            ),
            None => (
                indicatif::ProgressBar::with_draw_target(None, target),
                "{spinner} {bytes} {elapsed} {msg}",
            ),
        };
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        Some(Progress { bar, bytes })
    }

    fn update(&self, stats: &Stats) {
        self.bar.set_position(self.bytes.load(Ordering::Relaxed));
        if stats.items % 64 < BATCH_ITEMS as u64 {
            self.bar.set_message(format!(
                "{} responses, {} errors",
                stats.responses,
                stats.errors()
            ));
        }
    }
}

/// Runs `cookie-doctor audit`: output lines on stdout, the summary on stderr.
/// Findings at or above `--fail-on` make it exit 1; any error line, 2 (after
/// everything was read).
pub(crate) fn run(
    args: &AuditArgs,
    psl: Arc<dyn PublicSuffixList>,
    now: Time,
) -> Result<crate::Output, UsageError> {
    let started = Instant::now();
    let profiles = pick_builtin(&args.browsers)?;
    let jobs = match args.jobs {
        Some(0) => return Err(UsageError("--jobs: expected at least 1".into())),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let mut inputs = Vec::new();
    for path in &args.files {
        if path.as_os_str() == "-" {
            inputs.push(Input {
                path: None,
                name: "stdin".into(),
                kind: Kind::Lines,
            });
        } else {
            inputs.push(classify(path)?);
        }
    }
    if inputs.is_empty() {
        inputs.push(Input {
            path: None,
            name: "stdin".into(),
            kind: Kind::Lines,
        });
    }
    let total_bytes = inputs
        .iter()
        .map(|i| {
            i.path
                .as_ref()
                .and_then(|p| std::fs::metadata(p).ok())
                .map(|m| m.len())
        })
        .sum::<Option<u64>>();
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let auditor = Auditor::new(profiles, psl, now);
    let auditor = if args.no_cache {
        auditor.without_cache()
    } else {
        auditor
    };
    let bytes = Arc::new(AtomicU64::new(0));
    let progress = Progress::new(total_bytes, Arc::clone(&bytes));

    let window = WINDOW_PER_JOB * jobs;
    let (slot_tx, slot_rx) = mpsc::sync_channel::<()>(window);
    for _ in 0..window {
        let _ = slot_tx.send(());
    }
    let (work_tx, work_rx) = mpsc::sync_channel::<Batch>(jobs);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx): (Sender<Done>, Receiver<Done>) = mpsc::channel();
    let pool: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

    let written = std::thread::scope(|scope| {
        let inputs = &inputs;
        let bytes = &bytes;
        scope.spawn(move || {
            read_all(
                inputs,
                args.first_line,
                args.shard,
                bytes,
                &slot_rx,
                &work_tx,
            );
        });
        for _ in 0..jobs {
            let done_tx = done_tx.clone();
            let (work_rx, pool, auditor) = (&work_rx, &pool, &auditor);
            scope.spawn(move || {
                loop {
                    let batch = match work_rx.lock() {
                        Ok(rx) => match rx.recv() {
                            Ok(batch) => batch,
                            Err(_) => return,
                        },
                        Err(_) => return,
                    };
                    let out = pool
                        .lock()
                        .ok()
                        .and_then(|mut p| p.pop())
                        .unwrap_or_default();
                    if done_tx.send(work(auditor, threshold, batch, out)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        write_all(&done_rx, slot_tx, &pool, progress.as_ref())
    });
    if let Some(p) = &progress {
        p.bar.finish_and_clear();
    }
    let stats = match written {
        Ok(stats) => stats,
        // `| head`: the reader of our output left; nothing more to say.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(String::new().into()),
        Err(e) => return Err(UsageError(format!("stdout: {e}"))),
    };

    let seconds = started.elapsed().as_secs_f64();
    let exit_code = if stats.errors() > 0 {
        2
    } else if stats.failing {
        1
    } else {
        0
    };
    let summary = Summary {
        inputs: inputs.iter().map(|i| i.name.to_string()).collect(),
        shard: args.shard.map(|s| format!("{}/{}", s.index, s.count)),
        lines: stats.items,
        responses: stats.responses,
        errors: stats.errors(),
        read_errors: stats.read_errors,
        audit_errors: stats.audit_errors,
        responses_with_findings: stats.with_findings,
        findings: stats.findings,
        by_severity: [Severity::Info, Severity::Warning, Severity::Error]
            .into_iter()
            .map(|s| {
                (
                    s.as_str(),
                    stats
                        .by_severity
                        .get(severity_index(s))
                        .copied()
                        .unwrap_or(0),
                )
            })
            .collect(),
        by_code: stats
            .by_code
            .iter()
            .map(|(code, (_, n))| (code.clone(), *n))
            .collect(),
        seconds,
        lines_per_second: if seconds > 0.0 {
            stats.items as f64 / seconds
        } else {
            0.0
        },
        cache: auditor.stats(),
        exit_code,
    };
    eprint!("{}", summary_text(&summary, &stats));
    if let Some(path) = &args.summary {
        let mut json = serde_json::to_string_pretty(&summary)?;
        json.push('\n');
        std::fs::write(path, json)
            .map_err(|e| UsageError(format!("--summary {}: {e}", path.display())))?;
    }
    match exit_code {
        2 => Err(UsageError(format!(
            "{} of {} input lines or records could not be read or audited (see their error lines)",
            summary.errors, summary.lines
        ))),
        code => Ok(crate::Output {
            text: String::new(),
            findings: code == 1,
        }),
    }
}

/// The summary for people (stderr).
fn summary_text(summary: &Summary, stats: &Stats) -> String {
    let mut out = format!(
        "audit: {} lines: {} responses audited, {} errors ({} unreadable, {} not auditable); {} findings in {} responses; {:.2} s, {:.0} lines/s\n",
        summary.lines,
        summary.responses,
        summary.errors,
        summary.read_errors,
        summary.audit_errors,
        summary.findings,
        summary.responses_with_findings,
        summary.seconds,
        summary.lines_per_second,
    );
    let mut codes: Vec<(&String, &(Severity, u64))> = stats.by_code.iter().collect();
    codes.sort_by(|a, b| b.1.1.cmp(&a.1.1).then(a.0.cmp(b.0)));
    for (code, (severity, n)) in codes {
        out.push_str(&format!("  {n:>8}  {:<7}  {code}\n", severity.as_str()));
    }
    out
}
