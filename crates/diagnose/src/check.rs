//! The quick check (DESIGN.md §7): Set-Cookie lines at a URL plus the
//! deployment (who embeds the app, who calls it, other response headers) →
//! the cookie as the spec stores it, the delivery matrix (cookie × context ×
//! browser, from the engine) and the rules' findings with their fixes.

use std::borrow::Cow;
use std::rc::Rc;

use cookie_doctor_cookie::{
    Cookie, CookieJar, CookieUrl, Env, GetContext, ParseNotes, Policy, Reason, Reasons, SameSite,
    SetContext, SetOutcome, Time, parse_set_cookie, reasons,
};
use cookie_doctor_fetch::Headers;
use cookie_doctor_profiles::Profile;
use cookie_doctor_site::PublicSuffixList;
use serde::Serialize;

use crate::finding::Finding;
use crate::fix::CookieLine;
use crate::matrix::{Deployment, Matrix, delivery_matrix};
use crate::rules::{RuleContext, run_all};

/// The name of the plain-specification profile.
pub const SPEC_PROFILE: &str = "rfc6265bis";
/// The context "a same-site request to the URL".
pub const SAME_SITE_CONTEXT: &str = "same-site";

/// The check JSON v1 (DESIGN.md §7).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CheckReport {
    /// The URL whose response set the cookies.
    pub url: String,
    /// One entry per Set-Cookie line, in order.
    pub cookies: Vec<CookieReport>,
    /// The rules' findings, errors first.
    pub findings: Vec<Finding>,
    /// The deployment as understood (added in v1.1).
    pub deployment: DeploymentReport,
}

/// What `check` was told about the deployment.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct DeploymentReport {
    /// `--embedded-in` origins.
    pub embedded_in: Vec<String>,
    /// `--called-from` origins.
    pub called_from: Vec<String>,
    /// `--header` lines.
    pub headers: Vec<String>,
    /// The profiles the matrix ran.
    pub browsers: Vec<String>,
}

/// What happened to one line.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CookieReport {
    /// The Set-Cookie value as given.
    pub line: String,
    /// The cookie name as parsed (`""` for a nameless cookie or an unparseable line).
    pub name: String,
    /// The cookie as the spec stores it, `null` when it is rejected.
    pub stored_as: Option<StoredAs>,
    /// `stored`, `deleted` (it was already expired: it removes its namesake) or `rejected`.
    pub outcome: Outcome,
    /// For a deletion: whether a cookie was there to remove.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed_existing: Option<bool>,
    /// What the parser ignored, in words.
    pub notes: Vec<String>,
    /// One verdict per browser profile and context.
    pub verdicts: Vec<Verdict>,
}

/// The outcome of receiving a line.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// In the jar.
    Stored,
    /// Expired on arrival: a deletion.
    Deleted,
    /// Ignored, with reasons.
    Rejected,
}

/// A stored cookie's fields (check JSON v1 `stored_as`).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct StoredAs {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
    /// Domain (the host for a host-only cookie).
    pub domain: String,
    /// Host-only.
    pub host_only: bool,
    /// Path.
    pub path: String,
    /// Secure.
    pub secure: bool,
    /// HttpOnly.
    pub http_only: bool,
    /// `strict`, `lax`, `none` or `unspecified`.
    pub same_site: SameSite,
    /// Partitioned (CHIPS).
    pub partitioned: bool,
    /// Seconds after setting until expiry (0 for a deletion), `null` for a session cookie.
    pub expires: Option<i64>,
}

impl StoredAs {
    fn from_cookie(c: &Cookie, partitioned: bool) -> StoredAs {
        StoredAs {
            name: c.name_str().into_owned(),
            value: c.value_str().into_owned(),
            domain: c.domain.to_string(),
            host_only: c.host_only,
            path: c.path_str().into_owned(),
            secure: c.secure,
            http_only: c.http_only,
            same_site: c.same_site,
            partitioned,
            expires: c.lifetime().map(|s| s.max(0)),
        }
    }
}

/// Stored / sent in one browser and context, with reasons.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Verdict {
    /// The browser profile.
    pub browser: Rc<str>,
    /// The request context (one of [`crate::matrix::Context`]'s names, or
    /// [`SAME_SITE_CONTEXT`]).
    pub context: Cow<'static, str>,
    /// Whether the cookie was stored.
    pub stored: bool,
    /// Whether a request in this context carries it.
    pub sent: bool,
    /// Why not (stable codes).
    pub reasons: Reasons,
}

/// Describes parser notes in words.
pub fn describe_notes(notes: ParseNotes) -> Vec<String> {
    let table = [
        (
            ParseNotes::ATTRIBUTE_VALUE_TOO_LONG,
            "an attribute value longer than 1024 bytes was ignored",
        ),
        (
            ParseNotes::UNPARSEABLE_EXPIRES,
            "an Expires date could not be parsed and was ignored",
        ),
        (
            ParseNotes::INVALID_MAX_AGE,
            "a Max-Age that is not an integer was ignored",
        ),
        (
            ParseNotes::UNKNOWN_ATTRIBUTE,
            "an unknown attribute was ignored",
        ),
        (
            ParseNotes::UNKNOWN_SAMESITE,
            "an unknown SameSite value was treated as unspecified",
        ),
        (
            ParseNotes::REPEATED_ATTRIBUTE,
            "an attribute appears more than once; the last one wins",
        ),
    ];
    table
        .iter()
        .filter(|(flag, _)| notes.contains(*flag))
        .map(|(_, text)| (*text).to_string())
        .collect()
}

/// The whole check: the spec's view of each line, the delivery matrix in every
/// profile and context, and the findings.
pub fn check(
    lines: &[String],
    deployment: &Deployment,
    profiles: &[Profile],
    psl: &dyn PublicSuffixList,
    now: Time,
) -> CheckReport {
    let matrix = delivery_matrix(lines, deployment, profiles, psl, now);
    let mut report = match CookieUrl::from_url(&deployment.url) {
        Ok(url) => check_spec(lines, &url, psl, now),
        Err(_) => CheckReport {
            url: deployment.url.to_string(),
            cookies: Vec::new(),
            findings: Vec::new(),
            deployment: deployment_report(deployment, profiles),
        },
    };
    report.deployment = deployment_report(deployment, profiles);
    report.findings = findings(lines, deployment, profiles, psl, &matrix, now);
    // The rules are done with the matrix: its cells become the verdicts.
    for (cookie, cells) in report.cookies.iter_mut().zip(matrix.cells) {
        cookie.verdicts = cells
            .into_iter()
            .map(|c| Verdict {
                browser: c.browser,
                context: Cow::Borrowed(c.context.as_str()),
                stored: c.stored,
                sent: c.sent,
                reasons: c.reasons,
            })
            .collect();
    }
    report
}

/// The rules over a computed matrix.
pub fn findings(
    lines: &[String],
    deployment: &Deployment,
    profiles: &[Profile],
    psl: &dyn PublicSuffixList,
    matrix: &Matrix,
    now: Time,
) -> Vec<Finding> {
    let cookies: Vec<CookieLine> = lines.iter().map(|l| CookieLine::parse(l)).collect();
    let headers = Headers::from_lines(&deployment.headers);
    let cx = RuleContext {
        lines,
        cookies: &cookies,
        deployment,
        headers: &headers,
        matrix,
        profiles,
        psl,
        now,
        probes: Default::default(),
        probes_batched: Default::default(),
        deletions: Default::default(),
        removals: Default::default(),
    };
    run_all(&cx)
}

fn deployment_report(deployment: &Deployment, profiles: &[Profile]) -> DeploymentReport {
    DeploymentReport {
        embedded_in: deployment
            .embedded_in
            .iter()
            .map(ToString::to_string)
            .collect(),
        called_from: deployment
            .called_from
            .iter()
            .map(ToString::to_string)
            .collect(),
        headers: deployment.headers.clone(),
        browsers: profiles.iter().map(|p| p.name.clone()).collect(),
    }
}

/// Applies `lines` (one response's Set-Cookie headers, in order) at `url` and
/// reports each cookie under the RFC 6265bis profile in the same-site context
/// (the `stored_as` of check JSON v1).
pub fn check_spec(
    lines: &[String],
    url: &CookieUrl,
    psl: &dyn PublicSuffixList,
    now: Time,
) -> CheckReport {
    let policy = Policy::rfc6265bis();
    let env = Env {
        now,
        psl,
        policy: &policy,
    };
    let mut jar = CookieJar::new();
    let set_ctx = SetContext::top_level(url);

    let mut cookies: Vec<CookieReport> = Vec::with_capacity(lines.len());
    for line in lines {
        let parsed = parse_set_cookie(line.as_bytes());
        let (name, notes, partitioned) = match &parsed {
            Ok(p) => (
                String::from_utf8_lossy(p.name).into_owned(),
                describe_notes(p.notes),
                p.partitioned,
            ),
            Err(_) => (String::new(), Vec::new(), false),
        };
        let outcome = match parsed {
            Ok(p) => jar.store(&p, &set_ctx, &env),
            Err(e) => SetOutcome::Rejected {
                reasons: reasons![Reason::from(e)],
                cookie: None,
            },
        };
        let (stored_as, kind, removed_existing, reasons) = match &outcome {
            SetOutcome::Stored { cookie, .. } => (
                Some(StoredAs::from_cookie(cookie, partitioned)),
                Outcome::Stored,
                None,
                Reasons::new(),
            ),
            SetOutcome::Deleted { cookie, removed } => (
                Some(StoredAs::from_cookie(cookie, partitioned)),
                Outcome::Deleted,
                Some(removed.is_some()),
                Reasons::new(),
            ),
            SetOutcome::Rejected { reasons, .. } => {
                (None, Outcome::Rejected, None, reasons.clone())
            }
        };
        cookies.push(CookieReport {
            line: line.clone(),
            name,
            stored_as,
            outcome: kind,
            removed_existing,
            notes,
            verdicts: vec![Verdict {
                browser: Rc::from(SPEC_PROFILE),
                context: Cow::Borrowed(SAME_SITE_CONTEXT),
                stored: kind == Outcome::Stored,
                sent: false,
                reasons,
            }],
        });
    }

    // A later same-site GET to the URL: which of these cookies does it carry?
    let retrieval = jar.retrieve(&GetContext::top_level(url), &env);
    for report in &mut cookies {
        let Some(stored) = &report.stored_as else {
            continue;
        };
        let Some(verdict) = report.verdicts.first_mut() else {
            continue;
        };
        if !verdict.stored {
            continue;
        }
        let same = |c: &Cookie| {
            *c.name_str() == stored.name
                && *c.domain == stored.domain
                && *c.path_str() == stored.path
        };
        if retrieval.sent.iter().any(same) {
            verdict.sent = true;
        } else if let Some(excluded) = retrieval.excluded.iter().find(|e| same(&e.cookie)) {
            verdict.reasons = excluded.reasons.clone();
        }
    }

    CheckReport {
        url: url.to_string(),
        cookies,
        findings: Vec::new(),
        deployment: DeploymentReport {
            embedded_in: Vec::new(),
            called_from: Vec::new(),
            headers: Vec::new(),
            browsers: vec![SPEC_PROFILE.to_string()],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cookie_doctor_site::BuiltinPsl;

    fn run(lines: &[&str], url: &str) -> CheckReport {
        let lines: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        check_spec(
            &lines,
            &CookieUrl::parse(url).unwrap(),
            &BuiltinPsl,
            Time::from_unix(1_700_000_000),
        )
    }

    #[test]
    fn samesite_none_without_secure_is_rejected_with_its_code() {
        let report = run(&["sid=abc; SameSite=None"], "https://app.example.com/login");
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["cookies"][0]["stored_as"], serde_json::Value::Null);
        assert_eq!(
            json["cookies"][0]["verdicts"][0]["reasons"][0],
            "samesite-none-insecure"
        );
        assert_eq!(json["cookies"][0]["verdicts"][0]["browser"], "rfc6265bis");
        assert_eq!(json["cookies"][0]["verdicts"][0]["context"], "same-site");
    }

    #[test]
    fn stored_cookie_fields_and_sent_flag() {
        let report = run(
            &[
                "sid=abc; Secure; HttpOnly; Path=/; Max-Age=3600",
                "admin=1; Path=/admin",
            ],
            "https://app.example.com/login",
        );
        let json = serde_json::to_value(&report).unwrap();
        let sid = &json["cookies"][0];
        assert_eq!(sid["stored_as"]["domain"], "app.example.com");
        assert_eq!(sid["stored_as"]["host_only"], true);
        assert_eq!(sid["stored_as"]["expires"], 3600);
        assert_eq!(sid["stored_as"]["same_site"], "unspecified");
        assert_eq!(sid["verdicts"][0]["sent"], true);
        let admin = &json["cookies"][1];
        assert_eq!(admin["verdicts"][0]["stored"], true);
        assert_eq!(admin["verdicts"][0]["sent"], false);
        assert_eq!(admin["verdicts"][0]["reasons"][0], "not-on-path");
    }

    #[test]
    fn lines_share_one_jar_in_order() {
        let report = run(&["a=1", "a=; Max-Age=0"], "https://e.com/");
        assert_eq!(report.cookies[1].outcome, Outcome::Deleted);
        assert_eq!(report.cookies[1].removed_existing, Some(true));
        assert!(!report.cookies[0].verdicts[0].sent);
    }
}
