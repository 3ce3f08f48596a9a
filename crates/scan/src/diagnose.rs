//! From what the scan fetched to `check`'s report.

use cookie_doctor_cookie::Time;
use cookie_doctor_diagnose::check::{self, CheckReport};
use cookie_doctor_diagnose::finding::Finding;
use cookie_doctor_diagnose::matrix::{Deployment, Matrix};
use cookie_doctor_profiles::Profile;
use cookie_doctor_site::{Origin, PublicSuffixList};
use serde::Serialize;

use crate::fetch::header_values;
use crate::{PROBE_ORIGIN, ScanError, ScanOptions, ScanReport};

/// The rule that a mirroring probe feeds.
const REFLECTS: &str = "cors-reflects-any-origin";

/// `check`'s report on what the scan fetched, plus the scan itself: the JSON of
/// `scan --format json` is check JSON v1 with a `scan` object added.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ScanOutcome {
    /// The check report (its fields at the top level of the JSON).
    #[serde(flatten)]
    pub check: CheckReport,
    /// What was fetched.
    pub scan: ScanReport,
}

/// Scans and diagnoses: [`crate::scan`] then [`diagnose`]. Blocking (the
/// requests run on the calling thread; call it from `spawn_blocking` in an
/// async server).
pub fn run(
    options: &ScanOptions,
    profiles: &[Profile],
    psl: &dyn PublicSuffixList,
    now: Time,
) -> Result<ScanOutcome, ScanError> {
    let report = crate::scan(options)?;
    diagnose(report, profiles, psl, now)
}

/// Runs `check` on what the scan fetched: the Set-Cookie lines of the
/// navigation's final response at its URL, with the deployment declared for
/// the scan and [`ScanReport::check_headers`]. When callers are declared, the
/// CORS headers are those the first caller got, and the mirroring probe is
/// judged separately (by the rule `cors-reflects-any-origin` on the probe's
/// own exchange), its finding added to the report.
pub fn diagnose(
    report: ScanReport,
    profiles: &[Profile],
    psl: &dyn PublicSuffixList,
    now: Time,
) -> Result<ScanOutcome, ScanError> {
    let url = url::Url::parse(&report.final_url).map_err(|e| ScanError::BadUrl {
        url: report.final_url.clone(),
        reason: e.to_string(),
    })?;
    let origins = |list: &[String]| -> Vec<Origin> {
        list.iter().filter_map(|o| Origin::parse(o).ok()).collect()
    };
    let deployment = Deployment {
        url,
        embedded_in: origins(&report.embedded_in),
        called_from: origins(&report.called_from),
        headers: report.check_headers.clone(),
    };
    let lines: Vec<String> = report
        .navigation
        .last()
        .map(|h| h.set_cookie.clone())
        .unwrap_or_default();
    let mut check = check::check(&lines, &deployment, profiles, psl, now);
    if !deployment.called_from.is_empty() && report.mirrors_origin {
        for finding in probe_findings(&report, &deployment, profiles, psl, now) {
            if !check.findings.iter().any(|f| f.code == finding.code) {
                check.findings.push(finding);
            }
        }
        // Errors first, as check orders them (a stable sort keeps rule order).
        check
            .findings
            .sort_by_key(|f| std::cmp::Reverse(f.severity));
    }
    Ok(ScanOutcome {
        check,
        scan: report,
    })
}

/// The mirroring finding on the probe's exchange alone (its request `Origin`
/// and its response's CORS headers), with no cookie lines.
fn probe_findings(
    report: &ScanReport,
    deployment: &Deployment,
    profiles: &[Profile],
    psl: &dyn PublicSuffixList,
    now: Time,
) -> Vec<Finding> {
    let Some(hop) = report.probe.last() else {
        return Vec::new();
    };
    let mut headers = vec![format!("Origin: {PROBE_ORIGIN}")];
    headers.extend(hop.headers.iter().cloned());
    let probe = Deployment {
        headers,
        ..deployment.clone()
    };
    let empty = Matrix {
        cells: Vec::new(),
        runs: Vec::new(),
    };
    check::findings(&[], &probe, profiles, psl, &empty, now)
        .into_iter()
        .filter(|f| f.code == REFLECTS)
        .collect()
}

/// The "what scan fetched" section of the text output.
pub fn render_scan_text(report: &ScanReport) -> String {
    let mut out = String::new();
    out.push_str(&format!("scan {}\n", report.url));
    let mut chains = vec![&report.navigation];
    for (pre, get) in report.preflights.iter().zip(&report.credentialed) {
        chains.push(pre);
        chains.push(get);
    }
    chains.push(&report.probe);
    for chain in chains {
        let origin = chain
            .origin
            .as_deref()
            .map(|o| format!(" (Origin: {o})"))
            .unwrap_or_default();
        out.push_str(&format!("  {}{origin}\n", chain.request));
        for (i, hop) in chain.hops.iter().enumerate() {
            let cookies = match hop.set_cookie.len() {
                0 => String::new(),
                1 => ", 1 Set-Cookie".into(),
                n => format!(", {n} Set-Cookie"),
            };
            let body = if hop.body_truncated {
                format!(", body cut at {} bytes", hop.body_bytes)
            } else {
                String::new()
            };
            let addr = hop
                .addr
                .as_deref()
                .map(|a| format!(" [{a}]"))
                .unwrap_or_default();
            out.push_str(&format!(
                "    {i}. {} {}{addr} → {}{cookies}{body}\n",
                hop.method, hop.url, hop.status
            ));
            if let Some(location) = &hop.location {
                out.push_str(&format!("       Location: {location}\n"));
            }
            if chain.request == "preflight" || chain.request == "probe" {
                for line in &hop.headers {
                    if line.to_ascii_lowercase().starts_with("access-control-") {
                        out.push_str(&format!("       {line}\n"));
                    }
                }
            }
        }
    }
    if report.set_cookies.iter().any(|s| !s.checked) {
        out.push_str("  cookies set on the way (not checked: only the final response's are):\n");
        for s in report.set_cookies.iter().filter(|s| !s.checked) {
            out.push_str(&format!("    hop {}: {}\n", s.hop, s.line));
        }
    }
    let f = &report.framing;
    if !f.x_frame_options.is_empty() || !f.frame_ancestors.is_empty() {
        out.push_str("  framing:");
        for v in &f.x_frame_options {
            out.push_str(&format!(" X-Frame-Options: {v};"));
        }
        for v in &f.frame_ancestors {
            out.push_str(&format!(" CSP {v};"));
        }
        out.push('\n');
    }
    if report.mirrors_origin {
        out.push_str(&format!(
            "  the probe's Origin ({PROBE_ORIGIN}) came back in Access-Control-Allow-Origin\n"
        ));
    }
    let acao = report
        .probe
        .last()
        .map(|h| header_values(&h.headers, "access-control-allow-origin").count())
        .unwrap_or(0);
    if acao == 0 && report.called_from.is_empty() {
        out.push_str("  no Access-Control-Allow-Origin for the probe (not CORS-readable from other origins)\n");
    }
    out.push_str(&format!(
        "  checked: {} Set-Cookie line(s) of {}\n\n",
        report.set_cookies.iter().filter(|s| s.checked).count(),
        report.final_url
    ));
    out
}
