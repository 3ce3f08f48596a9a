//! The `cookie-doctor` binary: argument parsing and wiring only. The logic lives
//! in the library crates (`site`, `cookie`, `inputs`, `diagnose`, `report`).
#![forbid(unsafe_code)]

mod scan;
mod serve;

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

mod audit;

use clap::{Parser, Subcommand, ValueEnum};
use cookie_doctor_cookie::{CookieUrl, ReasonInfo, Time, lookup_reason};
use cookie_doctor_diagnose::finding::Severity;
use cookie_doctor_diagnose::matrix::Deployment;
use cookie_doctor_diagnose::rules::{self, RuleDoc};
use cookie_doctor_diagnose::{check, site};
use cookie_doctor_inputs::{MAX_INPUT_BYTES, read_set_cookie_lines, set_cookie_line};
use cookie_doctor_report::rules_doc::{self, Explained, RuleDocJson};
use cookie_doctor_report::{Style, text, to_json};
use cookie_doctor_site::{BuiltinPsl, FilePsl, Origin, PublicSuffixList};

/// The engine allocates many small strings per simulated request; mimalloc
/// handles that pattern faster than glibc's allocator (measured: `check` of the
/// embedded-dashboard story 4.4 → 3.7 ms in-process).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod har;

/// Why browsers store, drop, send or withhold your cookies, and how to fix it.
#[derive(Parser, Debug)]
#[command(name = "cookie-doctor", version, about, long_about = None)]
struct Cli {
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Use this Public Suffix List file (public_suffix_list.dat format) instead of
    /// the built-in list.
    #[arg(long, global = true, value_name = "FILE")]
    psl_file: Option<PathBuf>,
    /// Evaluate at this time (seconds since the Unix epoch) instead of now, for
    /// reproducible output.
    #[arg(long, global = true, value_name = "UNIX_SECONDS")]
    now: Option<i64>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check Set-Cookie lines: stored or not, sent back or not, and why.
    ///
    /// Lines are arguments, or standard input one per line; several lines are
    /// applied in order to one jar, as one response's headers are.
    Check {
        /// Set-Cookie lines (`Set-Cookie: a=b; Secure` or `a=b; Secure`).
        lines: Vec<String>,
        /// The URL of the response that sets the cookies.
        #[arg(long)]
        url: String,
        /// A top-level site that frames this app (repeatable).
        #[arg(long = "embedded-in", value_name = "ORIGIN")]
        embedded_in: Vec<String>,
        /// An origin whose scripts call --url with credentials: "include"
        /// (repeatable).
        #[arg(long = "called-from", value_name = "ORIGIN")]
        called_from: Vec<String>,
        /// Another response header of --url, e.g. 'Access-Control-Allow-Origin: *'
        /// or 'X-Frame-Options: DENY' (repeatable).
        #[arg(long = "header", value_name = "LINE")]
        headers: Vec<String>,
        /// Only these browser profiles (repeatable; default: all).
        #[arg(long = "browser", value_name = "NAME")]
        browsers: Vec<String>,
        /// Exit 1 when a finding at or above this severity is found.
        #[arg(long = "fail-on", value_enum, default_value_t = FailOn::Error)]
        fail_on: FailOn,
    },
    /// Fetch a live URL (redirects followed and recorded, a CORS preflight per
    /// --called-from, an Origin probe) and check what it answered, like `check`.
    /// Private and local addresses are refused unless --allow-private.
    Scan(scan::ScanArgs),
    /// Explain a URL's site: public suffix (and the list section that decided
    /// it), registrable domain; with two URLs, whether they are same-site and
    /// same-origin.
    Site {
        /// One or two URLs.
        #[arg(num_args = 1..=2, required = true)]
        urls: Vec<String>,
    },
    /// Read a scenario file strictly and print it with its defaults filled in
    /// (`--format json` is what the browser oracle reads).
    Scenario {
        /// The scenario TOML file.
        file: PathBuf,
    },
    /// Run a scenario through browser models: every request, which cookies it
    /// carries and why the others stay home, what each Set-Cookie did, CORS and
    /// framing verdicts, the jar at the end, and whether each `expect` holds
    /// (exit 1 when one fails).
    Simulate {
        /// The scenario TOML file.
        file: PathBuf,
        /// A browser profile to run (repeatable): chrome, chrome-3pc-blocked,
        /// firefox, firefox-strict, safari, rfc6265bis. Default: the scenario's
        /// `browsers`, else all.
        #[arg(long = "browser", value_name = "NAME")]
        browsers: Vec<String>,
        /// Also load a profile from this TOML file (same schema as
        /// data/profiles/*.toml); run it by its name with --browser.
        #[arg(long = "profile-file", value_name = "FILE")]
        profile_files: Vec<PathBuf>,
    },
    /// Bulk audit: responses in (audit lines v1, WARC), one JSON line of
    /// findings out per response, in input order; see docs/audit.md.
    ///
    /// Exit 1 when a finding is at or above --fail-on; 2 when any line or
    /// record could not be read or audited (after all were processed).
    Audit(audit::AuditArgs),
    /// Replay a HAR 1.2 export (Chrome, Firefox) through the browser model:
    /// every cookie rejected or not sent and why, and every request where the
    /// browser's real Cookie header disagrees with the model. Cookie values
    /// are redacted unless --show-values. Exit 1 on a problem (see --fail-on),
    /// 2 on a broken file or one exported without cookies.
    Har {
        /// The .har file.
        file: PathBuf,
        /// The browser profile to replay with (chrome, chrome-3pc-blocked,
        /// firefox, firefox-strict, safari, rfc6265bis). Default: from the
        /// HAR's creator/browser.
        #[arg(long = "browser", value_name = "NAME")]
        browser: Option<String>,
        /// Print cookie values instead of redacting them.
        #[arg(long = "show-values")]
        show_values: bool,
        /// Exit 1 on any problem (default), only on a model mismatch, or never.
        #[arg(long = "fail-on", value_enum, default_value_t = har::HarFailOn::Problem)]
        fail_on: har::HarFailOn,
    },
    /// Explain a reason code (why a cookie was not stored or sent) or a rule
    /// code (a finding of `check`): what it means and how to fix it.
    Explain {
        /// A reason code such as `samesite-none-insecure`, a rule code such as
        /// `samesite-none-without-secure`; `all` lists every reason and rule.
        code: String,
    },
    /// Serve the local web page (127.0.0.1): paste headers, edit a scenario,
    /// drop a HAR file; the same JSON API as the command line under /api/.
    Serve(serve::ServeArgs),
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum Format {
    /// For people (colour only on a terminal).
    Text,
    /// For tools (check JSON v1 for `check`).
    Json,
    /// SARIF 2.1.0 for code scanning (`check` only).
    Sarif,
    /// A pull-request comment (`check` only).
    Markdown,
}

impl Format {
    /// The format's name on the command line.
    fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
        }
    }
}

/// The usage error for a format that only `check` writes.
fn only_check(format: Format, command: &str) -> UsageError {
    UsageError(format!(
        "--format {} is only supported by `check`; `{command}` writes text or json",
        format.name()
    ))
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum FailOn {
    Error,
    Warning,
    Info,
    /// Never exit 1 for findings.
    Never,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum Color {
    Auto,
    Always,
    Never,
}

/// A usage or input error: printed, exit code 2.
struct UsageError(String);

impl<E: std::fmt::Display> From<E> for UsageError {
    fn from(e: E) -> Self {
        UsageError(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(Output { text, findings }) => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a message.
            let _ = stdout.write_all(text.as_bytes());
            let _ = stdout.flush();
            if findings {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(UsageError(message)) => {
            eprintln!("cookie-doctor: error: {message}");
            ExitCode::from(2)
        }
    }
}

/// What a command prints, and whether it found something that fails the run
/// (exit 1).
struct Output {
    text: String,
    findings: bool,
}

impl From<String> for Output {
    fn from(text: String) -> Output {
        Output {
            text,
            findings: false,
        }
    }
}

fn run(cli: &Cli) -> Result<Output, UsageError> {
    let style = Style::new(match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    });
    let psl: Box<dyn PublicSuffixList> = match &cli.psl_file {
        Some(path) => Box::new(FilePsl::from_file(path)?),
        None => Box::new(BuiltinPsl),
    };
    match &cli.command {
        Command::Serve(args) => {
            serve::run(args, cli.psl_file.as_deref(), cli.now)?;
            Ok(String::new().into())
        }
        Command::Check {
            lines,
            url,
            embedded_in,
            called_from,
            headers,
            browsers,
            fail_on,
        } => {
            let parsed =
                url::Url::parse(url).map_err(|e| UsageError(format!("--url `{url}`: {e}")))?;
            CookieUrl::from_url(&parsed).map_err(|e| UsageError(format!("--url: {e}")))?;
            let origins = |flag: &str, values: &[String]| -> Result<Vec<Origin>, UsageError> {
                values
                    .iter()
                    .map(|v| Origin::parse(v).map_err(|e| UsageError(format!("{flag} `{v}`: {e}"))))
                    .collect()
            };
            for (i, h) in headers.iter().enumerate() {
                if !h.contains(':')
                    || h.len() > 8192
                    || h.chars().any(|c| c.is_control() && c != '\t')
                {
                    return Err(UsageError(format!(
                        "--header {} `{}`: expected `Name: value` on one line (at most 8192 bytes)",
                        i + 1,
                        h.chars().take(60).collect::<String>()
                    )));
                }
            }
            let deployment = Deployment {
                url: parsed,
                embedded_in: origins("--embedded-in", embedded_in)?,
                called_from: origins("--called-from", called_from)?,
                headers: headers.clone(),
            };
            let profiles = pick_builtin(browsers)?;
            let lines = gather_lines(lines)?;
            let now = cli.now.map_or_else(now, Time::from_unix);
            let report = check::check(&lines, &deployment, &profiles, psl.as_ref(), now);
            let threshold = match fail_on {
                FailOn::Error => Some(Severity::Error),
                FailOn::Warning => Some(Severity::Warning),
                FailOn::Info => Some(Severity::Info),
                FailOn::Never => None,
            };
            let findings =
                threshold.is_some_and(|t| report.findings.iter().any(|f| f.severity >= t));
            Ok(Output {
                text: match cli.format {
                    Format::Json => to_json(&report),
                    Format::Text => text::render_check(&report, style),
                    Format::Sarif => cookie_doctor_report::sarif::render_sarif(&report),
                    Format::Markdown => cookie_doctor_report::markdown::render_markdown(&report),
                },
                findings,
            })
        }
        Command::Scan(args) => scan::run(
            args,
            cli.format,
            style,
            psl.as_ref(),
            cli.now.map_or_else(now, Time::from_unix),
        ),
        Command::Site { urls } => {
            let origins = urls
                .iter()
                .map(|u| Origin::parse(u).map_err(|e| UsageError(format!("URL `{u}`: {e}"))))
                .collect::<Result<Vec<_>, _>>()?;
            let report = site::site_report(&origins, psl.as_ref());
            Ok(match cli.format {
                Format::Json => to_json(&report),
                Format::Text => text::render_site(&report, style),
                f @ (Format::Sarif | Format::Markdown) => return Err(only_check(f, "site")),
            }
            .into())
        }
        Command::Scenario { file } => {
            let scenario = read_scenario(file)?;
            Ok(match cli.format {
                Format::Json => to_json(&scenario),
                Format::Text => text::render_scenario(&scenario, style),
                f @ (Format::Sarif | Format::Markdown) => return Err(only_check(f, "scenario")),
            }
            .into())
        }
        Command::Simulate {
            file,
            browsers,
            profile_files,
        } => {
            let scenario = read_scenario(file)?;
            let profiles = choose_profiles(&scenario, browsers, profile_files)?;
            let start = cli.now.map_or_else(now, Time::from_unix);
            let trace = cookie_doctor_engine::simulate(&scenario, &profiles, psl.as_ref(), start);
            let failed = trace.runs.iter().any(|r| !r.expectations_hold());
            Ok(Output {
                text: match cli.format {
                    Format::Json => to_json(&trace),
                    Format::Text => cookie_doctor_report::trace_text::render_trace(&trace, style),
                    f @ (Format::Sarif | Format::Markdown) => {
                        return Err(only_check(f, "simulate"));
                    }
                },
                findings: failed,
            })
        }
        Command::Audit(args) => {
            if matches!(cli.format, Format::Sarif | Format::Markdown) {
                return Err(only_check(cli.format, "audit"));
            }
            let now = cli.now.map_or_else(now, Time::from_unix);
            audit::run(args, Arc::from(psl), now)
        }
        Command::Har {
            file,
            browser,
            show_values,
            fail_on,
        } => har::run(
            &har::HarArgs {
                file,
                browser: browser.as_deref(),
                show_values: *show_values,
                fail_on: *fail_on,
            },
            cli.format,
            style,
            psl.as_ref(),
            cli.now.map_or_else(now, Time::from_unix),
        ),
        Command::Explain { code } => {
            if matches!(cli.format, Format::Sarif | Format::Markdown) {
                return Err(only_check(cli.format, "explain"));
            }
            let all_rules: Vec<&'static RuleDoc> =
                rules::all().into_iter().map(|r| r.doc()).collect();
            let (reasons, docs): (Vec<&ReasonInfo>, Vec<&'static RuleDoc>) = if code == "all" {
                (cookie_doctor_cookie::REASONS.iter().collect(), all_rules)
            } else {
                (
                    lookup_reason(code),
                    all_rules.into_iter().filter(|d| d.code == code).collect(),
                )
            };
            if reasons.is_empty() && docs.is_empty() {
                let mut known: Vec<&str> = cookie_doctor_cookie::REASONS
                    .iter()
                    .map(|r| r.code)
                    .chain(rules::all().into_iter().map(|r| r.doc().code))
                    .collect();
                known.sort_unstable();
                known.dedup();
                return Err(UsageError(format!(
                    "unknown code `{code}` (neither a reason nor a rule); known codes: {}",
                    known.join(", ")
                )));
            }
            Ok(match cli.format {
                Format::Json => {
                    let entries: Vec<Explained<'_>> = reasons
                        .iter()
                        .map(|r| Explained::Reason(r))
                        .chain(docs.iter().map(|d| Explained::Rule(RuleDocJson::new(d))))
                        .collect();
                    to_json(&entries)
                }
                _ if code == "all" => rules_doc::render_explain_all(&reasons, &docs, style),
                _ => {
                    let mut out = String::new();
                    if !reasons.is_empty() {
                        out.push_str(&text::render_explain(&reasons, style));
                    }
                    for doc in &docs {
                        if !out.is_empty() {
                            out.push('\n');
                        }
                        out.push_str(&rules_doc::render_rule_doc(doc));
                    }
                    out
                }
            }
            .into())
        }
    }
}

/// Built-in profiles by name (all when none are named).
fn pick_builtin(names: &[String]) -> Result<Vec<cookie_doctor_profiles::Profile>, UsageError> {
    let all = cookie_doctor_profiles::builtin();
    if names.is_empty() {
        return Ok(all);
    }
    names
        .iter()
        .map(|name| {
            all.iter()
                .find(|p| p.name == *name)
                .cloned()
                .ok_or_else(|| {
                    let known: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
                    UsageError(format!(
                        "--browser {name}: no such profile; known: {}",
                        known.join(", ")
                    ))
                })
        })
        .collect()
}

/// The profiles to run: `--browser` names (built-in or from `--profile-file`),
/// else the scenario's `browsers`, else every built-in profile.
fn choose_profiles(
    scenario: &cookie_doctor_inputs::Scenario,
    browsers: &[String],
    profile_files: &[PathBuf],
) -> Result<Vec<cookie_doctor_profiles::Profile>, UsageError> {
    let mut available = cookie_doctor_profiles::builtin();
    for path in profile_files {
        let shown = path.display().to_string();
        let text = read_limited(path, 256 * 1024)?;
        let profile = cookie_doctor_profiles::Profile::from_toml(&text, &shown)?;
        available.retain(|p| p.name != profile.name);
        available.push(profile);
    }
    let wanted: Vec<String> = if !browsers.is_empty() {
        browsers.to_vec()
    } else if !scenario.browsers.is_empty() {
        scenario.browsers.clone()
    } else if !profile_files.is_empty() {
        available.iter().map(|p| p.name.clone()).collect()
    } else {
        cookie_doctor_profiles::builtin_names()
    };
    wanted
        .iter()
        .map(|name| {
            available
                .iter()
                .find(|p| p.name == *name)
                .cloned()
                .ok_or_else(|| {
                    let known: Vec<&str> = available.iter().map(|p| p.name.as_str()).collect();
                    UsageError(format!(
                        "--browser {name}: no such profile; known: {}",
                        known.join(", ")
                    ))
                })
        })
        .collect()
}

/// Reads a UTF-8 text file of at most `limit` bytes.
fn read_limited(path: &std::path::Path, limit: usize) -> Result<String, UsageError> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| UsageError(format!("{shown}: {e}")))?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| UsageError(format!("{shown}: {e}")))?;
    if bytes.len() > limit {
        return Err(UsageError(format!("{shown}: larger than {limit} bytes")));
    }
    String::from_utf8(bytes).map_err(|e| {
        UsageError(format!(
            "{shown}: byte {} is not valid UTF-8",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Reads and validates a scenario file (size-limited, UTF-8, strict TOML).
fn read_scenario(path: &std::path::Path) -> Result<cookie_doctor_inputs::Scenario, UsageError> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| UsageError(format!("{shown}: {e}")))?;
    let mut bytes = Vec::new();
    file.take(cookie_doctor_inputs::MAX_SCENARIO_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| UsageError(format!("{shown}: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        UsageError(format!(
            "{shown}: byte {} is not valid UTF-8; scenario files are UTF-8 TOML",
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(cookie_doctor_inputs::parse_scenario(&text, &shown)?)
}

/// The Set-Cookie lines from the arguments, or else from standard input.
fn gather_lines(args: &[String]) -> Result<Vec<String>, UsageError> {
    let lines = if args.is_empty() {
        if std::io::stdin().is_terminal() {
            return Err(UsageError(
                "no Set-Cookie lines: give them as arguments or on standard input, one per line"
                    .into(),
            ));
        }
        let mut bytes = Vec::new();
        let limit = MAX_INPUT_BYTES as u64 + 1;
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(|e| UsageError(format!("stdin: {e}")))?;
        read_set_cookie_lines(&bytes, "stdin")?
    } else {
        args.iter()
            .enumerate()
            .map(|(i, a)| set_cookie_line(a, format!("argument {}", i + 1)))
            .collect::<Result<Vec<_>, _>>()?
    };
    if lines.is_empty() {
        return Err(UsageError("no Set-Cookie lines on standard input".into()));
    }
    Ok(lines.into_iter().map(|l| l.value).collect())
}

/// The current time: the only clock read in the program, handed to the engine.
fn now() -> Time {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    Time::from_unix(secs)
}
