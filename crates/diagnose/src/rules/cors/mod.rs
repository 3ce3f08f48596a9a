//! Rules about CORS (WHATWG Fetch "CORS protocol"): whether the declared
//! callers (`--called-from`, whose scripts use `credentials: "include"`) can
//! read the response given the declared headers (`--header`), and what is
//! unsafe in those headers.
//!
//! The rules reuse the Fetch implementation of `cookie-doctor-fetch`
//! ([`cors_check`], [`allow_origin_is_dynamic_without_vary`]) for every declared
//! caller, and quote the engine's verdicts for the caller the matrix ran
//! (the `fetch-include` context uses the first `--called-from`).
//!
//! Limits: `check` sees one response, so it cannot tell a fixed
//! `Access-Control-Allow-Origin` from one computed per request, nor see a
//! preflight's methods and headers (no method or request header is declared):
//! preflight checks are left to `simulate` and `scan`.

mod allow_origin_mismatch;
mod credentials_include_needed;
mod dynamic_allow_origin_without_vary;
mod missing_allow_credentials;
mod missing_allow_origin;
mod null_origin_allowed;
mod reflects_any_origin;
mod wildcard_lists_with_credentials;
mod wildcard_with_credentials;

use cookie_doctor_cookie::{Reason, Reasons};
use cookie_doctor_fetch::Headers;
use cookie_doctor_fetch::cors::{CorsRequest, CredentialsMode, cors_check};
use cookie_doctor_site::Origin;

use super::{Rule, RuleContext};
use crate::matrix::Context;
use crate::snippets::{self, CorsSpec};

/// The rules of this area, in report order.
pub fn rules() -> Vec<&'static dyn Rule> {
    vec![
        &wildcard_with_credentials::WildcardWithCredentials,
        &missing_allow_origin::MissingAllowOrigin,
        &allow_origin_mismatch::AllowOriginMismatch,
        &missing_allow_credentials::MissingAllowCredentials,
        &null_origin_allowed::NullOriginAllowed,
        &reflects_any_origin::ReflectsAnyOrigin,
        &dynamic_allow_origin_without_vary::DynamicAllowOriginWithoutVary,
        &wildcard_lists_with_credentials::WildcardListsWithCredentials,
        &credentials_include_needed::CredentialsIncludeNeeded,
    ]
}

/// `Access-Control-Allow-Origin`.
pub const ACAO: &str = "Access-Control-Allow-Origin";
/// `Access-Control-Allow-Credentials`.
pub const ACAC: &str = "Access-Control-Allow-Credentials";

/// The URL's origin.
pub fn url_origin(cx: &RuleContext<'_>) -> Option<Origin> {
    Origin::of_url(&cx.deployment.url).ok()
}

/// The declared callers that are cross-origin to the URL (CORS does not apply
/// to a same-origin caller).
pub fn callers<'a>(cx: &'a RuleContext<'_>) -> Vec<&'a Origin> {
    let own = url_origin(cx);
    cx.deployment
        .called_from
        .iter()
        .filter(|c| own.as_ref() != Some(*c))
        .collect()
}

/// The combined `Access-Control-Allow-Origin` (Fetch "get": several headers
/// join with `, `).
pub fn allow_origin(headers: &Headers) -> Option<String> {
    headers.get_combined(ACAO)
}

/// Fetch "CORS check" for a credentialed `GET` from `caller` (what
/// `fetch(url, {credentials: "include"})` does), on the declared headers.
pub fn check_for(cx: &RuleContext<'_>, caller: &Origin) -> Reasons {
    let none = Headers::new();
    let req = CorsRequest {
        origin: caller,
        method: "GET",
        headers: &none,
        credentials: CredentialsMode::Include,
    };
    cors_check(&req, cx.headers).err().unwrap_or_default()
}

/// The browsers whose `fetch-include` run (from the first declared caller)
/// failed the CORS check with `reason`, and one line of evidence naming them.
pub fn engine_verdict(cx: &RuleContext<'_>, reason: Reason) -> (Vec<String>, Option<String>) {
    let browsers: Vec<String> = cx
        .matrix
        .runs
        .iter()
        .filter(|r| r.context == Context::FetchInclude)
        .filter(|r| {
            [r.store_request(), r.send_request()]
                .into_iter()
                .flatten()
                .filter_map(|q| q.cors.as_ref())
                .any(|c| !c.readable && c.reasons.contains(&reason))
        })
        .map(|r| r.browser.to_string())
        .collect();
    if browsers.is_empty() {
        return (browsers, None);
    }
    let caller = cx.deployment.origin_for(Context::FetchInclude);
    let line = format!(
        "engine: fetch from {caller} with credentials: \"include\": the response is not readable ({reason}) in {}",
        browsers.join(", ")
    );
    (browsers, Some(line))
}

/// The CORS configuration the fixes want: the declared callers as an
/// allow-list, with credentials, and the methods and headers already declared.
pub fn fix_spec(cx: &RuleContext<'_>) -> CorsSpec {
    let list = |name: &str| -> Vec<String> {
        cx.headers
            .get_all(name)
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty() && s != "*")
            .collect()
    };
    CorsSpec {
        allow_origins: callers(cx).iter().map(ToString::to_string).collect(),
        allow_credentials: true,
        allow_methods: list("Access-Control-Allow-Methods"),
        allow_headers: list("Access-Control-Allow-Headers"),
    }
}

/// The CORS snippets for [`fix_spec`].
pub fn fix_snippets(cx: &RuleContext<'_>) -> std::collections::BTreeMap<String, String> {
    snippets::cors(&fix_spec(cx))
}

/// The header lines as declared, for evidence.
pub fn declared(cx: &RuleContext<'_>, name: &str) -> Vec<String> {
    cx.headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(n, v)| format!("{n}: {v}"))
        .collect()
}

/// Why `value` (an `Access-Control-Allow-Origin`) is not `caller`, in words.
pub fn why_not(value: &str, caller: &Origin) -> String {
    let caller_s = caller.to_string();
    let trimmed = value.trim();
    if trimmed == "null" {
        return "`null` is the origin of sandboxed documents, local files and requests redirected across origins, never of the caller's page".into();
    }
    if trimmed.contains(',') || trimmed.split_whitespace().count() > 1 {
        return "it lists several origins; the header must hold exactly one (or `*`), so a list matches nobody".into();
    }
    if trimmed.trim_end_matches('/') == caller_s {
        return "it has a trailing `/`; an origin has no path, and the comparison is byte-exact"
            .into();
    }
    if trimmed.eq_ignore_ascii_case(&caller_s) {
        return "it differs in letter case; the comparison is byte-exact".into();
    }
    match Origin::parse(trimmed) {
        Ok(o) if o.host == caller.host && o.scheme != caller.scheme => format!(
            "the scheme differs ({} vs {})",
            o.scheme.as_str(),
            caller.scheme.as_str()
        ),
        Ok(o) if o.host == caller.host && o.port != caller.port => {
            "the port differs (a default port is never written)".into()
        }
        Ok(o) if o.host == caller.host => {
            "it is not the exact serialised origin (scheme://host[:port])".into()
        }
        _ => "it names another origin".into(),
    }
}

/// Whether `value` is a near miss for `caller` (a typo-like difference rather
/// than another origin on purpose).
pub fn near_miss(value: &str, caller: &Origin) -> bool {
    let caller_s = caller.to_string();
    let t = value.trim();
    t.trim_end_matches('/').eq_ignore_ascii_case(&caller_s)
        || t.split([',', ' ']).any(|p| p.trim() == caller_s)
        || Origin::parse(t).is_ok_and(|o| o.host == caller.host)
}
