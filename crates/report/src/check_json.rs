//! The check JSON v1 written by hand for the web API's hottest answer: the
//! `cookies` section (a verdict per cookie × browser × context, hundreds of
//! small objects) costs a generic serializer ~1 200 instructions per verdict
//! and this writer a tenth of that. The findings and the deployment, whose
//! shapes change more often, still go through serde. The text is byte for byte
//! serde_json's compact text (unit tests hold it to that, field order and
//! escaping included).

use std::fmt::Write as _;

use cookie_doctor_diagnose::check::{CheckReport, CookieReport, Outcome, StoredAs, Verdict};

/// [`crate::to_json_compact`] of a check report, faster.
pub fn check_json_compact(report: &CheckReport) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("{\"url\":");
    push_str_value(&mut out, &report.url);
    out.push_str(",\"cookies\":[");
    for (i, cookie) in report.cookies.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_cookie(&mut out, cookie);
    }
    out.push_str("],\"findings\":");
    if !push_serde(&mut out, &report.findings) {
        return crate::to_json_compact(report);
    }
    out.push_str(",\"deployment\":");
    if !push_serde(&mut out, &report.deployment) {
        return crate::to_json_compact(report);
    }
    out.push_str("}\n");
    out
}

/// Appends `value` as serde writes it; `false` if it could not.
fn push_serde<T: serde::Serialize>(out: &mut String, value: &T) -> bool {
    match sonic_rs::to_string(value) {
        Ok(text) => {
            out.push_str(&text);
            true
        }
        Err(_) => false,
    }
}

fn push_cookie(out: &mut String, c: &CookieReport) {
    out.push_str("{\"line\":");
    push_str_value(out, &c.line);
    out.push_str(",\"name\":");
    push_str_value(out, &c.name);
    out.push_str(",\"stored_as\":");
    match &c.stored_as {
        Some(s) => push_stored_as(out, s),
        None => out.push_str("null"),
    }
    out.push_str(",\"outcome\":\"");
    out.push_str(match c.outcome {
        Outcome::Stored => "stored",
        Outcome::Deleted => "deleted",
        Outcome::Rejected => "rejected",
    });
    out.push('"');
    // `skip_serializing_if = "Option::is_none"`.
    if let Some(removed) = c.removed_existing {
        out.push_str(",\"removed_existing\":");
        push_bool(out, removed);
    }
    out.push_str(",\"notes\":[");
    for (i, note) in c.notes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_str_value(out, note);
    }
    out.push_str("],\"verdicts\":[");
    for (i, v) in c.verdicts.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_verdict(out, v);
    }
    out.push_str("]}");
}

fn push_stored_as(out: &mut String, s: &StoredAs) {
    out.push_str("{\"name\":");
    push_str_value(out, &s.name);
    out.push_str(",\"value\":");
    push_str_value(out, &s.value);
    out.push_str(",\"domain\":");
    push_str_value(out, &s.domain);
    out.push_str(",\"host_only\":");
    push_bool(out, s.host_only);
    out.push_str(",\"path\":");
    push_str_value(out, &s.path);
    out.push_str(",\"secure\":");
    push_bool(out, s.secure);
    out.push_str(",\"http_only\":");
    push_bool(out, s.http_only);
    out.push_str(",\"same_site\":\"");
    out.push_str(s.same_site.as_str());
    out.push_str("\",\"partitioned\":");
    push_bool(out, s.partitioned);
    out.push_str(",\"expires\":");
    match s.expires {
        Some(seconds) => {
            let _ = write!(out, "{seconds}");
        }
        None => out.push_str("null"),
    }
    out.push('}');
}

fn push_verdict(out: &mut String, v: &Verdict) {
    out.push_str("{\"browser\":");
    push_str_value(out, &v.browser);
    out.push_str(",\"context\":");
    push_str_value(out, &v.context);
    out.push_str(",\"stored\":");
    push_bool(out, v.stored);
    out.push_str(",\"sent\":");
    push_bool(out, v.sent);
    out.push_str(",\"reasons\":[");
    for (i, r) in v.reasons.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        // Reason codes are kebab-case ASCII: nothing to escape.
        out.push('"');
        out.push_str(r.code());
        out.push('"');
    }
    out.push_str("]}");
}

fn push_bool(out: &mut String, b: bool) {
    out.push_str(if b { "true" } else { "false" });
}

/// A JSON string as serde_json writes it: `"` and `\` escaped, the control
/// characters U+0000–U+001F as `\b \t \n \f \r` or `\u00xx`, everything else
/// (DEL and non-ASCII included) as is.
fn push_str_value(out: &mut String, s: &str) {
    out.push('"');
    // The usual string needs no escape: one pass without early exit (which
    // the compiler vectorises), then one copy.
    let plain = !s.bytes().fold(false, |any, b| {
        any | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if plain {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            0x08 => Some("\\b"),
            b'\t' => Some("\\t"),
            b'\n' => Some("\\n"),
            0x0c => Some("\\f"),
            b'\r' => Some("\\r"),
            0x00..=0x1f => None,
            _ => continue,
        };
        // `i` is at an ASCII byte: a char boundary.
        out.push_str(s.get(start..i).unwrap_or_default());
        match escape {
            Some(e) => out.push_str(e),
            None => {
                let _ = write!(out, "\\u{b:04x}");
            }
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or_default());
    out.push('"');
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use cookie_doctor_cookie::{Reason, SameSite};
    use cookie_doctor_diagnose::check::DeploymentReport;

    #[test]
    fn strings_escape_as_serde_json_does() {
        let all: String = (0u32..0x80)
            .filter_map(char::from_u32)
            .chain(['é', '\u{2028}', '\u{1f36a}', '\u{fffd}'])
            .collect();
        for s in [all.as_str(), "", "plain", "\"\\", "a\u{1}b\u{1f}c\u{7f}"] {
            let mut out = String::new();
            push_str_value(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap());
        }
    }

    #[test]
    fn every_field_and_variant_matches_serde_json() {
        let stored = StoredAs {
            name: "n\"1".into(),
            value: "v\\\n".into(),
            domain: "example.com".into(),
            host_only: false,
            path: "/p".into(),
            secure: true,
            http_only: false,
            same_site: SameSite::Default,
            partitioned: true,
            expires: Some(-5),
        };
        let verdict = |reasons: Vec<Reason>| Verdict {
            browser: "chrome".into(),
            context: "iframe\t".into(),
            stored: true,
            sent: false,
            reasons,
        };
        let cookies: Vec<CookieReport> = [
            (Outcome::Stored, None, Some(stored.clone())),
            (
                Outcome::Deleted,
                Some(true),
                Some(StoredAs {
                    expires: None,
                    same_site: SameSite::None,
                    ..stored.clone()
                }),
            ),
            (
                Outcome::Deleted,
                Some(false),
                Some(StoredAs {
                    expires: Some(0),
                    same_site: SameSite::Lax,
                    ..stored.clone()
                }),
            ),
            (Outcome::Rejected, None, None),
        ]
        .into_iter()
        .map(|(outcome, removed_existing, stored_as)| CookieReport {
            line: "a=b; \u{1}x".into(),
            name: String::new(),
            stored_as,
            outcome,
            removed_existing,
            notes: vec!["a note".into(), "é".into()],
            verdicts: vec![
                verdict(vec![]),
                verdict(vec![Reason::SameSiteLax, Reason::ThirdPartyBlocked]),
            ],
        })
        .collect();
        let report = CheckReport {
            url: "https://app.example/".into(),
            cookies,
            findings: Vec::new(),
            deployment: DeploymentReport {
                embedded_in: vec!["https://p.example".into()],
                called_from: vec![],
                headers: vec!["X: \"y\"".into()],
                browsers: vec!["chrome".into()],
            },
        };
        assert_eq!(
            check_json_compact(&report),
            serde_json::to_string(&report).unwrap() + "\n"
        );
        let empty = CheckReport {
            cookies: Vec::new(),
            ..report
        };
        assert_eq!(
            check_json_compact(&empty),
            serde_json::to_string(&empty).unwrap() + "\n"
        );
    }
}
