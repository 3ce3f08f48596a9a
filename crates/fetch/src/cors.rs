//! The CORS protocol, as the WHATWG Fetch standard defines it (fetch.bs, snapshot
//! 2026-07-02): when a request needs a preflight, the "CORS check" on a response,
//! and the checks a "CORS-preflight fetch" makes on the preflight's response.
//!
//! Every function is pure and total: any header text gives an answer, never a
//! panic. What is not modelled: opaque or redirect-tainted request origins (whose
//! serialisation is `null`), the `use-CORS-preflight` flag (XHR upload listeners),
//! and the preflight cache.

use cookie_doctor_cookie::{Reason, Reasons};
use cookie_doctor_site::Origin;

use crate::headers::Headers;

/// A fetch's credentials mode (Fetch "request credentials mode").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CredentialsMode {
    /// `omit`: never send or store cookies.
    Omit,
    /// `same-origin` (the `fetch()` default): credentials only for same-origin requests.
    SameOrigin,
    /// `include`: credentials on every request, and the CORS check demands
    /// `Access-Control-Allow-Credentials: true`.
    Include,
}

impl CredentialsMode {
    /// Reads the `RequestCredentials` IDL value: `omit`, `same-origin` or
    /// `include` (exact, as WebIDL enums are).
    pub fn parse(s: &str) -> Option<CredentialsMode> {
        match s {
            "omit" => Some(CredentialsMode::Omit),
            "same-origin" => Some(CredentialsMode::SameOrigin),
            "include" => Some(CredentialsMode::Include),
            _ => None,
        }
    }

    /// The IDL value.
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialsMode::Omit => "omit",
            CredentialsMode::SameOrigin => "same-origin",
            CredentialsMode::Include => "include",
        }
    }
}

/// A cross-origin request in `cors` mode, as CORS sees it.
#[derive(Clone, Copy, Debug)]
pub struct CorsRequest<'a> {
    /// The requesting document's origin (the request's origin).
    pub origin: &'a Origin,
    /// The method as the author wrote it; normalised per Fetch where needed.
    pub method: &'a str,
    /// The author request headers (what script set on the request).
    pub headers: &'a Headers,
    /// The request's credentials mode.
    pub credentials: CredentialsMode,
}

/// The CORS-preflight request (`OPTIONS`) a request needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preflight {
    /// `Access-Control-Request-Method`: the request's normalised method.
    pub method: String,
    /// `Access-Control-Request-Headers`: the request's CORS-unsafe request-header
    /// names, lowercase, sorted and deduplicated (sent joined by `,` without spaces).
    pub headers: Vec<String>,
}

impl Preflight {
    /// The `Access-Control-Request-Headers` value as sent (`None` when empty,
    /// since Fetch omits the header then).
    pub fn request_headers_value(&self) -> Option<String> {
        if self.headers.is_empty() {
            None
        } else {
            Some(self.headers.join(","))
        }
    }
}

/// Fetch "normalize a method": `DELETE`, `GET`, `HEAD`, `OPTIONS`, `POST` and
/// `PUT` are byte-uppercased when they match case-insensitively; any other
/// method (`patch`, `Foo`) is kept exactly as written.
pub fn normalize_method(method: &str) -> String {
    const NORMALISED: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
    match NORMALISED.iter().find(|m| m.eq_ignore_ascii_case(method)) {
        Some(m) => (*m).to_string(),
        None => method.to_string(),
    }
}

/// Fetch "CORS-safelisted method": `GET`, `HEAD` or `POST` (byte-case-sensitive;
/// normalise first).
pub fn is_cors_safelisted_method(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "POST")
}

/// Fetch "CORS-unsafe request-header byte".
fn is_cors_unsafe_byte(b: u8) -> bool {
    (b < 0x20 && b != 0x09)
        || matches!(
            b,
            b'"' | b'('
                | b')'
                | b':'
                | b'<'
                | b'>'
                | b'?'
                | b'@'
                | b'['
                | b'\\'
                | b']'
                | b'{'
                | b'}'
                | 0x7F
        )
}

/// Fetch "CORS-safelisted request-header" for one (name, value).
pub fn is_cors_safelisted_request_header(name: &str, value: &str) -> bool {
    // Step 1: a value longer than 128 bytes is never safelisted.
    if value.len() > 128 {
        return false;
    }
    // Step 2: switch on the byte-lowercased name.
    match name.to_ascii_lowercase().as_str() {
        "accept" => !value.bytes().any(is_cors_unsafe_byte),
        "accept-language" | "content-language" => value.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b' ' | b'*' | b',' | b'-' | b'.' | b';' | b'=')
        }),
        "content-type" => {
            // Step 1: no CORS-unsafe request-header byte.
            if value.bytes().any(is_cors_unsafe_byte) {
                return false;
            }
            // Steps 2–4: parse a MIME type; its essence must be one of three.
            matches!(
                mime_essence(value).as_deref(),
                Some("application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain")
            )
        }
        // Steps 1–3: a single range with a first position (no suffix ranges).
        "range" => matches!(parse_single_range(value), Some((Some(_), _))),
        // Otherwise: not safelisted.
        _ => false,
    }
}

/// Fetch "forbidden request-header": headers script cannot set (the `Headers`
/// object silently drops them), so they never make a request CORS-unsafe.
pub fn is_forbidden_request_header(name: &str, value: &str) -> bool {
    const FORBIDDEN: [&str; 21] = [
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    ];
    let lower = name.to_ascii_lowercase();
    // Step 1: the fixed list, and the `proxy-` / `sec-` prefixes.
    if FORBIDDEN.contains(&lower.as_str())
        || lower.starts_with("proxy-")
        || lower.starts_with("sec-")
    {
        return true;
    }
    // Step 2: method-override headers naming a forbidden method.
    if matches!(
        lower.as_str(),
        "x-http-method" | "x-http-method-override" | "x-method-override"
    ) {
        return decode_and_split_value(value).iter().any(|m| {
            let m = m.to_ascii_uppercase();
            m == "CONNECT" || m == "TRACE" || m == "TRACK"
        });
    }
    false
}

fn decode_and_split_value(value: &str) -> Vec<String> {
    let mut h = Headers::new();
    h.push("v", value);
    h.get_decode_split("v").unwrap_or_default()
}

/// Fetch "CORS-unsafe request-header names" for the author headers (forbidden
/// request-headers skipped, as the `Headers` object drops them): lowercase,
/// sorted, deduplicated.
pub fn cors_unsafe_request_header_names(headers: &Headers) -> Vec<String> {
    // Steps 1–3.
    let mut unsafe_names: Vec<String> = Vec::new();
    let mut potentially_unsafe: Vec<String> = Vec::new();
    let mut safelist_value_size: usize = 0;
    // Step 4.
    for (name, value) in headers.iter() {
        if is_forbidden_request_header(name, value) {
            continue;
        }
        if is_cors_safelisted_request_header(name, value) {
            // Step 4.2.
            potentially_unsafe.push(name.to_ascii_lowercase());
            safelist_value_size = safelist_value_size.saturating_add(value.len());
        } else {
            // Step 4.1.
            unsafe_names.push(name.to_ascii_lowercase());
        }
    }
    // Step 5: more than 1024 bytes of safelisted values makes them all unsafe.
    if safelist_value_size > 1024 {
        unsafe_names.append(&mut potentially_unsafe);
    }
    // Step 6: "convert header names to a sorted-lowercase set".
    unsafe_names.sort();
    unsafe_names.dedup();
    unsafe_names
}

/// Fetch "main fetch" step (the `unsafe-request` flag is set, as `fetch()` and
/// XHR set it): a preflight is needed when the normalised method is not
/// CORS-safelisted or there is a CORS-unsafe request-header name. `None` when no
/// preflight is needed. Only meaningful for cross-origin requests in `cors` mode
/// (deciding that is the caller's job).
pub fn preflight_for(req: &CorsRequest) -> Option<Preflight> {
    let method = normalize_method(req.method);
    let headers = cors_unsafe_request_header_names(req.headers);
    if is_cors_safelisted_method(&method) && headers.is_empty() {
        return None;
    }
    // CORS-preflight fetch steps 2–4: `Access-Control-Request-Method` and
    // `Access-Control-Request-Headers`.
    Some(Preflight { method, headers })
}

/// Fetch "byte-serializing a request origin" (tuple origins only: see the
/// module docs).
fn serialise_request_origin(req: &CorsRequest) -> String {
    req.origin.to_string()
}

/// Fetch "CORS check" on a response to `req`. On failure, every reason that
/// applies: first the `Access-Control-Allow-Origin` problem (absent, `*` with
/// credentials, or not the request origin), then, for a credentialed request,
/// the missing `Access-Control-Allow-Credentials: true` (Fetch stops at the first
/// failing step; the later ones are reported too so one fix does not reveal the
/// next).
pub fn cors_check(req: &CorsRequest, response: &Headers) -> Result<(), Reasons> {
    let include = req.credentials == CredentialsMode::Include;
    let mut reasons = Reasons::new();
    // Step 1: "get" `Access-Control-Allow-Origin` (several headers combine as
    // "a, b", which matches nothing).
    match response.get_combined("Access-Control-Allow-Origin") {
        // Step 2: null → failure.
        None => reasons.push(Reason::CorsNoAllowOrigin),
        Some(origin) => {
            if origin == "*" {
                // Step 3: `*` succeeds without credentials.
                if !include {
                    return Ok(());
                }
                // With credentials, step 4 compares `*` to the origin: failure.
                reasons.push(Reason::CorsWildcardWithCredentials);
            } else if origin != serialise_request_origin(req) {
                // Step 4: must be the byte-serialised request origin, exactly.
                reasons.push(Reason::CorsAllowOriginMismatch);
            }
        }
    }
    // Step 5: no credentials → success (if the origin passed).
    if include {
        // Steps 6–8: `Access-Control-Allow-Credentials` must be exactly `true`.
        let credentials = response.get_combined("Access-Control-Allow-Credentials");
        if credentials.as_deref() != Some("true") {
            reasons.push(Reason::CorsNoAllowCredentials);
        }
    }
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(reasons)
    }
}

/// Fetch "extracting header list values" for `Access-Control-Allow-Methods` /
/// `Access-Control-Allow-Headers` (ABNF `#method`, `#field-name`): every header's
/// value split on commas, trimmed, empty elements dropped. `Ok(None)` when the
/// header is absent; `Err(())` when an element is not a token (a parse failure,
/// which fails the preflight).
fn extract_token_list(response: &Headers, name: &str) -> Result<Option<Vec<String>>, ()> {
    if !response.contains(name) {
        return Ok(None);
    }
    let mut values = Vec::new();
    for value in response.get_all(name) {
        for item in value.split(',') {
            let item = item.trim_matches([' ', '\t']);
            if item.is_empty() {
                continue;
            }
            if !is_token(item) {
                return Err(());
            }
            values.push(item.to_string());
        }
    }
    Ok(Some(values))
}

/// RFC 9110 `token`.
fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_token_byte)
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'.'
                | b'^'
                | b'_'
                | b'`'
                | b'|'
                | b'~'
        )
}

/// Where browsers knowingly depart from the Fetch text in the preflight checks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CorsOptions {
    /// Let `Access-Control-Allow-Headers: *` cover `Authorization` on a request
    /// without credentials. Fetch says it never does (`Authorization` is a "CORS
    /// non-wildcard request-header name"), but the browser oracle saw Chromium 156
    /// and Firefox ESR 153 both send such a request
    /// (`tests/scenarios/cors-preflight-authorization-header-needs-explicit-listing.toml`):
    /// Chromium keeps the rule behind a feature (it only warns), Firefox behind a pref.
    pub authorization_covered_by_wildcard: bool,
}

/// Fetch "CORS-preflight fetch" step 7: does the preflight's response (`status`
/// and `response` headers) let the actual request `req` proceed? `preflight` is
/// what [`preflight_for`] built for `req`. Spec-exact; see
/// [`check_preflight_with`] for what browsers ship.
///
/// On failure, every reason that applies, in this order: the CORS check's (run
/// with the actual request's credentials mode), [`Reason::CorsPreflightStatus`],
/// [`Reason::CorsMethodNotAllowed`], [`Reason::CorsHeaderNotAllowed`]. The
/// caller records [`Reason::CorsPreflightFailed`] on the request that was then
/// never sent.
pub fn check_preflight(
    req: &CorsRequest,
    preflight: &Preflight,
    status: u16,
    response: &Headers,
) -> Result<(), Reasons> {
    check_preflight_with(req, preflight, status, response, CorsOptions::default())
}

/// Whether Fetch's rule that `Authorization` needs explicit listing is the one
/// thing that fails this preflight: the request passes in browsers that let `*`
/// cover it ([`CorsOptions::authorization_covered_by_wildcard`]) and breaks
/// where the spec rule ships. Chromium warns about exactly this case.
pub fn relies_on_authorization_wildcard(
    req: &CorsRequest,
    preflight: &Preflight,
    status: u16,
    response: &Headers,
) -> bool {
    let lenient = CorsOptions {
        authorization_covered_by_wildcard: true,
    };
    check_preflight(req, preflight, status, response).is_err()
        && check_preflight_with(req, preflight, status, response, lenient).is_ok()
}

/// [`check_preflight`] with browser departures from Fetch chosen by `options`.
pub fn check_preflight_with(
    req: &CorsRequest,
    preflight: &Preflight,
    status: u16,
    response: &Headers,
    options: CorsOptions,
) -> Result<(), Reasons> {
    let include = req.credentials == CredentialsMode::Include;
    // Step 7: "a CORS check for request and response returns success and
    // response's status is an ok status".
    let mut reasons = match cors_check(req, response) {
        Ok(()) => Reasons::new(),
        Err(reasons) => reasons,
    };
    if !(200..=299).contains(&status) {
        reasons.push(Reason::CorsPreflightStatus);
    }

    // Steps 7.1 and 7.3: methods (a parse failure is a network error).
    match extract_token_list(response, "Access-Control-Allow-Methods") {
        Err(()) => reasons.push(Reason::CorsMethodNotAllowed),
        Ok(methods) => {
            let methods = methods.unwrap_or_default();
            // Step 7.5: the method must be listed (byte-exact: `put` does not
            // list PUT), or safelisted, or covered by `*` without credentials.
            let listed = methods.contains(&preflight.method);
            let wildcard = !include && methods.iter().any(|m| m == "*");
            if !listed && !is_cors_safelisted_method(&preflight.method) && !wildcard {
                reasons.push(Reason::CorsMethodNotAllowed);
            }
        }
    }

    // Steps 7.2 and 7.3: header names (a parse failure is a network error).
    match extract_token_list(response, "Access-Control-Allow-Headers") {
        Err(()) => reasons.push(Reason::CorsHeaderNotAllowed),
        Ok(names) => {
            let names = names.unwrap_or_default();
            let listed = |name: &str| names.iter().any(|n| n.eq_ignore_ascii_case(name));
            let wildcard = !include && names.iter().any(|n| n == "*");
            // Step 7.6: a CORS non-wildcard request-header name (`Authorization`)
            // must be listed explicitly, `*` or not (unless `options` say
            // browsers let `*` cover it).
            let wildcard_covers_authorization =
                wildcard && options.authorization_covered_by_wildcard;
            let authorization_unlisted = !wildcard_covers_authorization
                && req
                    .headers
                    .iter()
                    .any(|(name, _)| name.eq_ignore_ascii_case("authorization"))
                && !listed("authorization");
            // Step 7.7: every CORS-unsafe request-header name must be listed, or
            // covered by `*` without credentials.
            let unsafe_unlisted = preflight
                .headers
                .iter()
                .any(|name| !listed(name) && !wildcard);
            if authorization_unlisted || unsafe_unlisted {
                reasons.push(Reason::CorsHeaderNotAllowed);
            }
        }
    }

    if reasons.is_empty() {
        Ok(())
    } else {
        Err(reasons)
    }
}

/// Whether the response's `Access-Control-Allow-Origin` echoes the exact request
/// origin while no `Vary` header lists `Origin` (or `*`): a shared cache may then
/// serve this origin's answer to another origin (Fetch "CORS protocol and HTTP
/// caches"). A note for the report, not a failure.
pub fn allow_origin_is_dynamic_without_vary(req: &CorsRequest, response: &Headers) -> bool {
    let echoes_origin = response
        .get_combined("Access-Control-Allow-Origin")
        .is_some_and(|acao| acao == serialise_request_origin(req));
    if !echoes_origin {
        return false;
    }
    let varies = response.get_all("Vary").any(|value| {
        value.split(',').any(|item| {
            let item = item.trim_matches([' ', '\t']);
            item == "*" || item.eq_ignore_ascii_case("origin")
        })
    });
    !varies
}

/// MIME Sniffing "parse a MIME type", as far as the essence: `type/subtype`
/// lowercase, or `None` on failure (parameters never make parsing fail).
fn mime_essence(input: &str) -> Option<String> {
    const HTTP_WHITESPACE: [char; 4] = ['\t', '\n', '\r', ' '];
    // Step 1: strip leading and trailing HTTP whitespace.
    let input = input.trim_matches(HTTP_WHITESPACE);
    // Steps 3–6: type up to `/` (which must be there).
    let (type_, rest) = input.split_once('/')?;
    // Step 4: non-empty, only HTTP token code points.
    if !is_token(type_) {
        return None;
    }
    // Steps 7–8: subtype up to `;`, trailing HTTP whitespace removed.
    let subtype = rest.split(';').next().unwrap_or("");
    let subtype = subtype.trim_end_matches(HTTP_WHITESPACE);
    // Step 9.
    if !is_token(subtype) {
        return None;
    }
    // Step 10: lowercase.
    Some(format!(
        "{}/{}",
        type_.to_ascii_lowercase(),
        subtype.to_ascii_lowercase()
    ))
}

/// Fetch "parse a single range header value" with allowWhitespace false:
/// `(start, end)` with at least one present, or `None` on failure. Positions
/// are decimal digit strings (unbounded), kept without leading zeros.
fn parse_single_range(value: &str) -> Option<(Option<String>, Option<String>)> {
    // Steps 3–4: the unit is ASCII alphas, case-insensitively `bytes`.
    let unit_end = value
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(value.len());
    let (unit, rest) = value.split_at_checked(unit_end)?;
    if !unit.eq_ignore_ascii_case("bytes") {
        return None;
    }
    // Steps 6–7: `=`.
    let rest = rest.strip_prefix('=')?;
    // Steps 9–10: start digits.
    let (start, rest) = split_digits(rest);
    // Steps 12–13: `-`.
    let rest = rest.strip_prefix('-')?;
    // Steps 15–16: end digits.
    let (end, rest) = split_digits(rest);
    // Step 17: nothing may follow.
    if !rest.is_empty() {
        return None;
    }
    // Step 18: at least one position.
    if start.is_none() && end.is_none() {
        return None;
    }
    // Step 19: start ≤ end.
    if let (Some(s), Some(e)) = (&start, &end)
        && (s.len(), s.as_str()) > (e.len(), e.as_str())
    {
        return None;
    }
    Some((start, end))
}

/// Splits leading ASCII digits off `s`; the digits without leading zeros
/// (`"0"` for all zeros), or `None` when there are none.
fn split_digits(s: &str) -> (Option<String>, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    match s.split_at_checked(end) {
        Some(("", rest)) => (None, rest),
        Some((digits, rest)) => {
            let trimmed = digits.trim_start_matches('0');
            let number = if trimmed.is_empty() { "0" } else { trimmed };
            (Some(number.to_string()), rest)
        }
        None => (None, s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cookie_doctor_cookie::reasons;

    fn origin(s: &str) -> Origin {
        Origin::parse(s).unwrap()
    }

    fn h(lines: &[&str]) -> Headers {
        Headers::from_lines(lines)
    }

    fn req<'a>(
        origin: &'a Origin,
        method: &'a str,
        headers: &'a Headers,
        credentials: CredentialsMode,
    ) -> CorsRequest<'a> {
        CorsRequest {
            origin,
            method,
            headers,
            credentials,
        }
    }

    const OMIT: CredentialsMode = CredentialsMode::Omit;
    const SAME: CredentialsMode = CredentialsMode::SameOrigin;
    const INCLUDE: CredentialsMode = CredentialsMode::Include;

    #[test]
    fn credentials_mode_parses_idl_values() {
        assert_eq!(CredentialsMode::parse("omit"), Some(OMIT));
        assert_eq!(CredentialsMode::parse("same-origin"), Some(SAME));
        assert_eq!(CredentialsMode::parse("include"), Some(INCLUDE));
        assert_eq!(CredentialsMode::parse("Include"), None);
        assert_eq!(CredentialsMode::parse(""), None);
        for m in [OMIT, SAME, INCLUDE] {
            assert_eq!(CredentialsMode::parse(m.as_str()), Some(m));
        }
    }

    // ---- CORS check ----

    #[test]
    fn no_allow_origin_fails() {
        let o = origin("https://a.example");
        let none = Headers::new();
        assert_eq!(
            cors_check(&req(&o, "GET", &none, OMIT), &h(&["Vary: Origin"])),
            Err(reasons![Reason::CorsNoAllowOrigin])
        );
        assert_eq!(
            cors_check(&req(&o, "GET", &none, INCLUDE), &Headers::new()),
            Err(reasons![
                Reason::CorsNoAllowOrigin,
                Reason::CorsNoAllowCredentials
            ])
        );
    }

    #[test]
    fn wildcard_is_fine_without_credentials_only() {
        let o = origin("https://a.example");
        let none = Headers::new();
        let star = h(&["Access-Control-Allow-Origin: *"]);
        assert_eq!(cors_check(&req(&o, "GET", &none, OMIT), &star), Ok(()));
        assert_eq!(cors_check(&req(&o, "GET", &none, SAME), &star), Ok(()));
        assert_eq!(
            cors_check(&req(&o, "GET", &none, INCLUDE), &star),
            Err(reasons![
                Reason::CorsWildcardWithCredentials,
                Reason::CorsNoAllowCredentials
            ])
        );
        let star_acac = h(&[
            "Access-Control-Allow-Origin: *",
            "Access-Control-Allow-Credentials: true",
        ]);
        assert_eq!(
            cors_check(&req(&o, "GET", &none, INCLUDE), &star_acac),
            Err(reasons![Reason::CorsWildcardWithCredentials])
        );
    }

    #[test]
    fn exact_origin_with_and_without_credentials() {
        let o = origin("https://a.example");
        let none = Headers::new();
        let exact = h(&["Access-Control-Allow-Origin: https://a.example"]);
        assert_eq!(cors_check(&req(&o, "GET", &none, OMIT), &exact), Ok(()));
        assert_eq!(
            cors_check(&req(&o, "GET", &none, INCLUDE), &exact),
            Err(reasons![Reason::CorsNoAllowCredentials])
        );
        let with_acac = h(&[
            "Access-Control-Allow-Origin: https://a.example",
            "Access-Control-Allow-Credentials: true",
        ]);
        assert_eq!(
            cors_check(&req(&o, "GET", &none, INCLUDE), &with_acac),
            Ok(())
        );
        // A non-default port is part of the serialisation.
        let p = origin("https://a.example:8443");
        let with_port = h(&["Access-Control-Allow-Origin: https://a.example:8443"]);
        assert_eq!(cors_check(&req(&p, "GET", &none, OMIT), &with_port), Ok(()));
        assert_eq!(
            cors_check(&req(&p, "GET", &none, OMIT), &exact),
            Err(reasons![Reason::CorsAllowOriginMismatch])
        );
    }

    #[test]
    fn origin_comparison_is_byte_exact() {
        let o = origin("https://a.example");
        let none = Headers::new();
        for acao in [
            "https://a.example/",
            "https://A.example",
            "HTTPS://a.example",
            "http://a.example",
            "https://a.example:443",
            "https://b.example",
            "null",
            "",
            "https://a.example https://b.example",
        ] {
            let resp = h(&[&format!("Access-Control-Allow-Origin: {acao}")]);
            assert_eq!(
                cors_check(&req(&o, "GET", &none, OMIT), &resp),
                Err(reasons![Reason::CorsAllowOriginMismatch]),
                "{acao:?}"
            );
        }
    }

    #[test]
    fn two_allow_origin_headers_combine_and_fail() {
        let o = origin("https://a.example");
        let none = Headers::new();
        let two = h(&[
            "Access-Control-Allow-Origin: https://a.example",
            "Access-Control-Allow-Origin: https://a.example",
        ]);
        assert_eq!(
            cors_check(&req(&o, "GET", &none, OMIT), &two),
            Err(reasons![Reason::CorsAllowOriginMismatch])
        );
        let two_stars = h(&[
            "Access-Control-Allow-Origin: *",
            "Access-Control-Allow-Origin: *",
        ]);
        assert_eq!(
            cors_check(&req(&o, "GET", &none, OMIT), &two_stars),
            Err(reasons![Reason::CorsAllowOriginMismatch])
        );
    }

    #[test]
    fn allow_credentials_must_be_exactly_true() {
        let o = origin("https://a.example");
        let none = Headers::new();
        for acac in ["True", "TRUE", "1", "yes", "", "true, true"] {
            let resp = h(&[
                "Access-Control-Allow-Origin: https://a.example",
                &format!("Access-Control-Allow-Credentials: {acac}"),
            ]);
            assert_eq!(
                cors_check(&req(&o, "GET", &none, INCLUDE), &resp),
                Err(reasons![Reason::CorsNoAllowCredentials]),
                "{acac:?}"
            );
        }
        let two = h(&[
            "Access-Control-Allow-Origin: https://a.example",
            "Access-Control-Allow-Credentials: true",
            "Access-Control-Allow-Credentials: true",
        ]);
        assert!(cors_check(&req(&o, "GET", &none, INCLUDE), &two).is_err());
        // Without credentials ACAC is not looked at.
        let ok = h(&[
            "Access-Control-Allow-Origin: https://a.example",
            "Access-Control-Allow-Credentials: True",
        ]);
        assert_eq!(cors_check(&req(&o, "GET", &none, SAME), &ok), Ok(()));
    }

    #[test]
    fn mismatch_with_credentials_reports_both() {
        let o = origin("https://a.example");
        let none = Headers::new();
        let resp = h(&["Access-Control-Allow-Origin: https://b.example"]);
        assert_eq!(
            cors_check(&req(&o, "GET", &none, INCLUDE), &resp),
            Err(reasons![
                Reason::CorsAllowOriginMismatch,
                Reason::CorsNoAllowCredentials
            ])
        );
    }

    #[test]
    fn dynamic_allow_origin_without_vary() {
        let o = origin("https://a.example");
        let none = Headers::new();
        let r = req(&o, "GET", &none, OMIT);
        let echo = h(&["Access-Control-Allow-Origin: https://a.example"]);
        assert!(allow_origin_is_dynamic_without_vary(&r, &echo));
        for vary in ["Origin", "accept-encoding, ORIGIN", "*", " origin "] {
            let resp = h(&[
                "Access-Control-Allow-Origin: https://a.example",
                &format!("Vary: {vary}"),
            ]);
            assert!(!allow_origin_is_dynamic_without_vary(&r, &resp), "{vary}");
        }
        let other_vary = h(&[
            "Access-Control-Allow-Origin: https://a.example",
            "Vary: Accept-Encoding",
            "Vary: Origin-Agent-Cluster",
        ]);
        assert!(allow_origin_is_dynamic_without_vary(&r, &other_vary));
        assert!(!allow_origin_is_dynamic_without_vary(
            &r,
            &h(&["Access-Control-Allow-Origin: *"])
        ));
        assert!(!allow_origin_is_dynamic_without_vary(&r, &Headers::new()));
    }

    // ---- when a preflight happens ----

    #[test]
    fn methods_are_normalised_and_safelisted() {
        assert_eq!(normalize_method("get"), "GET");
        assert_eq!(normalize_method("Put"), "PUT");
        assert_eq!(normalize_method("delete"), "DELETE");
        assert_eq!(normalize_method("options"), "OPTIONS");
        assert_eq!(normalize_method("patch"), "patch");
        assert_eq!(normalize_method("PATCH"), "PATCH");
        assert!(is_cors_safelisted_method("POST"));
        assert!(!is_cors_safelisted_method("post"));
        assert!(!is_cors_safelisted_method("PUT"));
    }

    #[test]
    fn simple_requests_need_no_preflight() {
        let o = origin("https://a.example");
        for (method, lines) in [
            ("GET", vec![]),
            ("get", vec![]),
            ("HEAD", vec![]),
            ("post", vec!["Content-Type: text/plain;charset=UTF-8"]),
            (
                "POST",
                vec!["content-type: application/x-www-form-urlencoded"],
            ),
            (
                "POST",
                vec!["Content-Type: multipart/form-data; boundary=x"],
            ),
            ("GET", vec!["Accept: application/json"]),
            ("GET", vec!["Accept-Language: en-GB,en;q=0.9"]),
            ("GET", vec!["Content-Language: de-DE"]),
            ("GET", vec!["Range: bytes=0-"]),
            ("GET", vec!["Range: bytes=10-20"]),
            // Forbidden request-headers are dropped by the Headers object.
            (
                "GET",
                vec!["Cookie: a=b", "Origin: https://x", "Sec-Fetch-Mode: cors"],
            ),
        ] {
            let headers = h(&lines);
            assert_eq!(
                preflight_for(&req(&o, method, &headers, OMIT)),
                None,
                "{method} {lines:?}"
            );
        }
    }

    #[test]
    fn put_and_delete_need_a_preflight() {
        let o = origin("https://a.example");
        let none = Headers::new();
        assert_eq!(
            preflight_for(&req(&o, "PUT", &none, INCLUDE)),
            Some(Preflight {
                method: "PUT".into(),
                headers: vec![]
            })
        );
        assert_eq!(
            preflight_for(&req(&o, "delete", &none, OMIT)).map(|p| p.method),
            Some("DELETE".into())
        );
        assert_eq!(
            preflight_for(&req(&o, "patch", &none, OMIT)).map(|p| p.method),
            Some("patch".into())
        );
    }

    #[test]
    fn json_content_type_and_custom_headers_need_a_preflight() {
        let o = origin("https://a.example");
        let headers = h(&[
            "Content-Type: application/json",
            "X-Requested-With: XMLHttpRequest",
            "x-requested-with: again",
            "Authorization: Bearer t",
            "Accept: */*",
        ]);
        let p = preflight_for(&req(&o, "POST", &headers, OMIT)).unwrap();
        assert_eq!(p.method, "POST");
        assert_eq!(
            p.headers,
            ["authorization", "content-type", "x-requested-with"]
        );
        assert_eq!(
            p.request_headers_value().as_deref(),
            Some("authorization,content-type,x-requested-with")
        );
        assert_eq!(
            Preflight {
                method: "PUT".into(),
                headers: vec![]
            }
            .request_headers_value(),
            None
        );
    }

    #[test]
    fn safelisted_header_values_are_checked() {
        assert!(is_cors_safelisted_request_header("accept", "text/html"));
        assert!(!is_cors_safelisted_request_header("Accept", "a\"b"));
        assert!(!is_cors_safelisted_request_header(
            "Accept",
            &"a".repeat(129)
        ));
        assert!(is_cors_safelisted_request_header(
            "Accept",
            &"a".repeat(128)
        ));
        assert!(!is_cors_safelisted_request_header(
            "Accept-Language",
            "en_GB"
        ));
        assert!(!is_cors_safelisted_request_header(
            "Content-Type",
            "text/plain; x=\"y\""
        ));
        assert!(!is_cors_safelisted_request_header(
            "Content-Type",
            "text/html"
        ));
        assert!(!is_cors_safelisted_request_header("Content-Type", "text"));
        assert!(!is_cors_safelisted_request_header("Content-Type", "/plain"));
        assert!(is_cors_safelisted_request_header(
            "Content-Type",
            " TEXT/Plain ;"
        ));
        assert!(!is_cors_safelisted_request_header("Range", "bytes=-5"));
        assert!(!is_cors_safelisted_request_header("Range", "bytes=5-1"));
        assert!(!is_cors_safelisted_request_header("Range", "bytes=0-1,3-4"));
        assert!(!is_cors_safelisted_request_header("Range", "bytes = 0-1"));
        assert!(!is_cors_safelisted_request_header("Range", "items=0-1"));
        assert!(is_cors_safelisted_request_header("Range", "BYTES=007-0010"));
        assert!(is_cors_safelisted_request_header(
            "Range",
            "bytes=99999999999999999999998-99999999999999999999999"
        ));
        assert!(!is_cors_safelisted_request_header("X-Custom", "1"));
    }

    #[test]
    fn over_1024_safelisted_bytes_make_them_all_unsafe() {
        let long = "a".repeat(128);
        let lines: Vec<String> = (0..9).map(|_| format!("Accept: {long}")).collect();
        let headers = Headers::from_lines(&lines);
        assert_eq!(cors_unsafe_request_header_names(&headers), ["accept"]);
        let eight = Headers::from_lines(&lines[..8]);
        assert!(cors_unsafe_request_header_names(&eight).is_empty());
    }

    #[test]
    fn method_override_headers_are_forbidden_only_for_forbidden_methods() {
        assert!(is_forbidden_request_header(
            "X-HTTP-Method-Override",
            "trace"
        ));
        assert!(is_forbidden_request_header(
            "x-method-override",
            "GET, CONNECT"
        ));
        assert!(!is_forbidden_request_header("X-HTTP-Method", "PATCH"));
        assert!(is_forbidden_request_header("Proxy-Authorization", "x"));
        assert!(!is_forbidden_request_header("Authorization", "x"));
    }

    // ---- preflight responses ----

    fn ok_headers(extra: &[&str]) -> Headers {
        let mut lines = vec![
            "Access-Control-Allow-Origin: https://a.example",
            "Access-Control-Allow-Credentials: true",
        ];
        lines.extend_from_slice(extra);
        h(&lines)
    }

    #[test]
    fn preflight_204_with_listed_method_passes_403_fails() {
        let o = origin("https://a.example");
        let none = Headers::new();
        let r = req(&o, "PUT", &none, INCLUDE);
        let p = preflight_for(&r).unwrap();
        let resp = ok_headers(&["Access-Control-Allow-Methods: GET, PUT"]);
        assert_eq!(check_preflight(&r, &p, 204, &resp), Ok(()));
        assert_eq!(check_preflight(&r, &p, 200, &resp), Ok(()));
        assert_eq!(
            check_preflight(&r, &p, 403, &resp),
            Err(reasons![Reason::CorsPreflightStatus])
        );
        assert_eq!(
            check_preflight(&r, &p, 301, &resp),
            Err(reasons![Reason::CorsPreflightStatus])
        );
    }

    #[test]
    fn preflight_cors_check_uses_the_actual_credentials_mode() {
        let o = origin("https://a.example");
        let none = Headers::new();
        let r = req(&o, "DELETE", &none, INCLUDE);
        let p = preflight_for(&r).unwrap();
        let resp = h(&[
            "Access-Control-Allow-Origin: https://a.example",
            "Access-Control-Allow-Methods: DELETE",
        ]);
        assert_eq!(
            check_preflight(&r, &p, 204, &resp),
            Err(reasons![Reason::CorsNoAllowCredentials])
        );
        let r = req(&o, "DELETE", &none, OMIT);
        assert_eq!(check_preflight(&r, &p, 204, &resp), Ok(()));
    }

    #[test]
    fn preflight_collects_every_reason_in_order() {
        let o = origin("https://a.example");
        let headers = h(&["X-Custom: 1"]);
        let r = req(&o, "PUT", &headers, INCLUDE);
        let p = preflight_for(&r).unwrap();
        assert_eq!(
            check_preflight(&r, &p, 500, &Headers::new()),
            Err(reasons![
                Reason::CorsNoAllowOrigin,
                Reason::CorsNoAllowCredentials,
                Reason::CorsPreflightStatus,
                Reason::CorsMethodNotAllowed,
                Reason::CorsHeaderNotAllowed,
            ])
        );
    }

    #[test]
    fn method_lists_compare_byte_exact() {
        let o = origin("https://a.example");
        let none = Headers::new();
        let r = req(&o, "put", &none, OMIT);
        let p = preflight_for(&r).unwrap();
        let lower = ok_headers(&["Access-Control-Allow-Methods: put"]);
        assert_eq!(
            check_preflight(&r, &p, 200, &lower),
            Err(reasons![Reason::CorsMethodNotAllowed])
        );
        let r = req(&o, "patch", &none, OMIT);
        let p = preflight_for(&r).unwrap();
        let upper = ok_headers(&["Access-Control-Allow-Methods: PATCH"]);
        assert_eq!(
            check_preflight(&r, &p, 200, &upper),
            Err(reasons![Reason::CorsMethodNotAllowed])
        );
        let exact = ok_headers(&[
            "Access-Control-Allow-Methods: GET",
            "Access-Control-Allow-Methods: patch",
        ]);
        assert_eq!(check_preflight(&r, &p, 200, &exact), Ok(()));
    }

    #[test]
    fn method_wildcard_only_without_credentials() {
        let o = origin("https://a.example");
        let none = Headers::new();
        let resp = ok_headers(&["Access-Control-Allow-Methods: *"]);
        let r = req(&o, "PUT", &none, OMIT);
        let p = preflight_for(&r).unwrap();
        assert_eq!(check_preflight(&r, &p, 200, &resp), Ok(()));
        let r = req(&o, "PUT", &none, INCLUDE);
        assert_eq!(
            check_preflight(&r, &p, 200, &resp),
            Err(reasons![Reason::CorsMethodNotAllowed])
        );
    }

    #[test]
    fn safelisted_method_needs_no_listing() {
        let o = origin("https://a.example");
        let headers = h(&["Content-Type: application/json"]);
        let r = req(&o, "POST", &headers, INCLUDE);
        let p = preflight_for(&r).unwrap();
        let resp = ok_headers(&["Access-Control-Allow-Headers: Content-Type"]);
        assert_eq!(check_preflight(&r, &p, 200, &resp), Ok(()));
    }

    #[test]
    fn header_lists_are_case_insensitive_and_wildcard_needs_no_credentials() {
        let o = origin("https://a.example");
        let headers = h(&["X-Custom: 1", "Content-Type: application/json"]);
        let r = req(&o, "POST", &headers, INCLUDE);
        let p = preflight_for(&r).unwrap();
        let listed = ok_headers(&["Access-Control-Allow-Headers: x-CUSTOM,CONTENT-type"]);
        assert_eq!(check_preflight(&r, &p, 200, &listed), Ok(()));
        let partial = ok_headers(&["Access-Control-Allow-Headers: x-custom"]);
        assert_eq!(
            check_preflight(&r, &p, 200, &partial),
            Err(reasons![Reason::CorsHeaderNotAllowed])
        );
        let star = ok_headers(&["Access-Control-Allow-Headers: *"]);
        assert_eq!(
            check_preflight(&r, &p, 200, &star),
            Err(reasons![Reason::CorsHeaderNotAllowed])
        );
        let r = req(&o, "POST", &headers, SAME);
        assert_eq!(check_preflight(&r, &p, 200, &star), Ok(()));
    }

    #[test]
    fn authorization_is_never_covered_by_wildcard() {
        let o = origin("https://a.example");
        let headers = h(&["Authorization: Bearer x", "X-Custom: 1"]);
        let r = req(&o, "GET", &headers, OMIT);
        let p = preflight_for(&r).unwrap();
        assert_eq!(p.headers, ["authorization", "x-custom"]);
        let star = ok_headers(&["Access-Control-Allow-Headers: *"]);
        assert_eq!(
            check_preflight(&r, &p, 200, &star),
            Err(reasons![Reason::CorsHeaderNotAllowed])
        );
        assert!(relies_on_authorization_wildcard(&r, &p, 200, &star));
        let browsers = CorsOptions {
            authorization_covered_by_wildcard: true,
        };
        assert_eq!(check_preflight_with(&r, &p, 200, &star, browsers), Ok(()));
        // With credentials `*` is a literal name, whatever the option.
        let ri = req(&o, "GET", &headers, INCLUDE);
        assert_eq!(
            check_preflight_with(&ri, &p, 200, &star, browsers),
            Err(reasons![Reason::CorsHeaderNotAllowed])
        );
        assert!(!relies_on_authorization_wildcard(&ri, &p, 200, &star));
        let star_auth = ok_headers(&["Access-Control-Allow-Headers: *, Authorization"]);
        assert_eq!(check_preflight(&r, &p, 200, &star_auth), Ok(()));
        let listed = ok_headers(&["Access-Control-Allow-Headers: authorization, x-custom"]);
        assert_eq!(check_preflight(&r, &p, 200, &listed), Ok(()));
    }

    #[test]
    fn unparsable_allow_lists_fail_the_preflight() {
        let o = origin("https://a.example");
        let headers = h(&["X-Custom: 1"]);
        let r = req(&o, "PUT", &headers, OMIT);
        let p = preflight_for(&r).unwrap();
        let bad = ok_headers(&[
            "Access-Control-Allow-Methods: PUT, GET POST",
            "Access-Control-Allow-Headers: x-custom, [bad]",
        ]);
        assert_eq!(
            check_preflight(&r, &p, 200, &bad),
            Err(reasons![
                Reason::CorsMethodNotAllowed,
                Reason::CorsHeaderNotAllowed
            ])
        );
        // Empty list elements are allowed (#rule).
        let sparse = ok_headers(&[
            "Access-Control-Allow-Methods: , PUT,,",
            "Access-Control-Allow-Headers: ,x-custom",
        ]);
        assert_eq!(check_preflight(&r, &p, 200, &sparse), Ok(()));
    }

    #[test]
    fn mime_and_range_helpers() {
        assert_eq!(mime_essence("Text/Plain").as_deref(), Some("text/plain"));
        assert_eq!(
            mime_essence("text/plain ; a=b").as_deref(),
            Some("text/plain")
        );
        assert_eq!(mime_essence("text /plain"), None);
        assert_eq!(mime_essence("text/"), None);
        assert_eq!(mime_essence(""), None);
        assert_eq!(
            parse_single_range("bytes=0-"),
            Some((Some("0".into()), None))
        );
        assert_eq!(parse_single_range("bytes=-"), None);
        assert_eq!(parse_single_range("bytes="), None);
        assert_eq!(parse_single_range("bytes=1-2x"), None);
        assert_eq!(parse_single_range("bytés=1-2"), None);
    }
}
