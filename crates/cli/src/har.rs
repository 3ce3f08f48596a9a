//! `cookie-doctor har FILE`: wiring only. The replay is
//! `cookie_doctor_diagnose::har`, the text `cookie_doctor_report::har_text`.
//! Findings are written as they are found, so memory stays bounded however
//! large the HAR is.

use std::io::Write;
use std::path::Path;

use clap::ValueEnum;
use cookie_doctor_cookie::Time;
use cookie_doctor_diagnose::har::{HAR_REPLAY_VERSION, HarFinding, HarReplay, replay_har};
use cookie_doctor_inputs::HarError;
use cookie_doctor_report::{Style, har_text};
use cookie_doctor_site::PublicSuffixList;

use super::{Format, Output, UsageError, only_check};

/// When `har` exits 1.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub(crate) enum HarFailOn {
    /// A cookie rejected or not sent, a model mismatch, or an unreadable entry.
    Problem,
    /// Only a model mismatch.
    Mismatch,
    /// Never exit 1 for findings.
    Never,
}

/// The `har` command's options.
pub(crate) struct HarArgs<'a> {
    pub(crate) file: &'a Path,
    pub(crate) browser: Option<&'a str>,
    pub(crate) show_values: bool,
    pub(crate) fail_on: HarFailOn,
}

/// Runs the replay, writing to standard output as it goes.
pub(crate) fn run(
    args: &HarArgs<'_>,
    format: Format,
    style: Style,
    psl: &dyn PublicSuffixList,
    start: Time,
) -> Result<Output, UsageError> {
    if matches!(format, Format::Sarif | Format::Markdown) {
        return Err(only_check(format, "har"));
    }
    let profile = match args.browser {
        None => None,
        Some(name) => Some(cookie_doctor_profiles::builtin_named(name).ok_or_else(|| {
            UsageError(format!(
                "--browser {name}: no such profile; known: {}",
                cookie_doctor_profiles::builtin_names().join(", ")
            ))
        })?),
    };
    let shown = args.file.display().to_string();
    let file = std::fs::File::open(args.file).map_err(|e| UsageError(format!("{shown}: {e}")))?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut replay = HarReplay::new(profile, psl, start, args.show_values);
    let json = format == Format::Json;
    let mut first = true;
    // A closed pipe (`| head`) is not worth a message: writes are best-effort.
    if json {
        let _ = write!(
            out,
            "{{\n  \"har_replay\": {HAR_REPLAY_VERSION},\n  \"file\": {},\n  \"findings\": [",
            serde_json::to_string(&shown).unwrap_or_else(|_| "\"\"".into())
        );
    }
    let result = replay_har(file, &shown, &mut replay, &mut |f: HarFinding| {
        if json {
            let line = serde_json::to_string(&f).unwrap_or_default();
            let _ = write!(out, "{}\n    {line}", if first { "" } else { "," });
            first = false;
        } else {
            let _ = out.write_all(har_text::render_finding(&f, style).as_bytes());
        }
    });
    let summary = replay.finish();
    match result {
        Ok(_) => {}
        Err(e @ (HarError::Io { .. } | HarError::Syntax { .. })) => {
            let _ = out.flush();
            return Err(UsageError(e.to_string()));
        }
        Err(HarError::Entry { .. }) => {}
    }
    if json {
        let _ = write!(
            out,
            "{}  ],\n  \"summary\": {}\n}}\n",
            if first { "" } else { "\n" },
            serde_json::to_string_pretty(&summary)
                .unwrap_or_default()
                .replace('\n', "\n  ")
        );
    } else {
        let _ = out.write_all(b"\n");
        let _ = out.write_all(har_text::render_header(&shown, &summary, style).as_bytes());
        let _ = out.write_all(har_text::render_summary(&summary, style).as_bytes());
    }
    let _ = out.flush();
    if summary.sanitized {
        return Err(UsageError(format!(
            "{shown}: exported without cookies; see above for how to export a HAR with them"
        )));
    }
    let fail = match args.fail_on {
        HarFailOn::Problem => summary.has_problems(),
        HarFailOn::Mismatch => summary.mismatches > 0,
        HarFailOn::Never => false,
    };
    Ok(Output {
        text: String::new(),
        findings: fail,
    })
}
