//! `GET /api/explain/{code}` (the JSON of `cookie-doctor explain CODE --format
//! json`) and `GET /explain/{code}` (the same, as a small HTML page). Codes
//! come from the reason table and the rules' documentation, as for the CLI.

use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use cookie_doctor_cookie::{REASONS, ReasonInfo, lookup_reason};
use cookie_doctor_diagnose::rules::{self, RuleDoc};
use cookie_doctor_report::rules_doc::{Explained, RuleDocJson};
use cookie_doctor_report::to_json_compact;

use crate::error::{ApiError, shorten};

/// The reasons and rules a code names (`all`: every one).
fn lookup(code: &str) -> (Vec<&'static ReasonInfo>, Vec<&'static RuleDoc>) {
    let all_rules: Vec<&'static RuleDoc> = rules::all().into_iter().map(|r| r.doc()).collect();
    if code == "all" {
        (REASONS.iter().collect(), all_rules)
    } else {
        (
            lookup_reason(code),
            all_rules.into_iter().filter(|d| d.code == code).collect(),
        )
    }
}

fn unknown(code: &str) -> ApiError {
    ApiError {
        status: StatusCode::NOT_FOUND,
        error: format!(
            "unknown code `{}` (neither a reason nor a rule)",
            shorten(code)
        ),
        location: Some("code".into()),
    }
}

/// `GET /api/explain/{code}`.
pub(crate) async fn explain_json(code: Result<Path<String>, PathRejection>) -> Response {
    let Ok(Path(code)) = code else {
        return unknown("(not UTF-8)").into_response();
    };
    let (reasons, docs) = lookup(&code);
    if reasons.is_empty() && docs.is_empty() {
        return unknown(&code).into_response();
    }
    let entries: Vec<Explained<'_>> = reasons
        .iter()
        .map(|r| Explained::Reason(r))
        .chain(docs.iter().map(|d| Explained::Rule(RuleDocJson::new(d))))
        .collect();
    (
        [(CONTENT_TYPE, "application/json")],
        to_json_compact(&entries),
    )
        .into_response()
}

/// Escapes text for HTML element content and double-quoted attributes.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text with `` `code` `` spans as `<code>` (the docs' only markup
/// besides `**bold**`).
fn inline_markup(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(&escape_html(part));
            out.push_str("</code>");
        } else {
            out.push_str(&escape_html(part).replace("**", ""));
        }
    }
    out
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} · cookie-doctor</title>\n\
         <link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\n\
         <link rel=\"stylesheet\" href=\"/assets/app.css\">\n</head>\n\
         <body class=\"explain-page\">\n<header class=\"top\"><a class=\"brand\" href=\"/\">cookie-doctor</a></header>\n\
         <main class=\"explain\">\n{body}</main>\n</body>\n</html>\n",
        escape_html(title)
    )
}

fn reason_html(r: &ReasonInfo) -> String {
    format!(
        "<article class=\"card\" id=\"{code}\">\n<h1><code>{code}</code></h1>\n\
         <p class=\"meta\">reason code · {phase} decision</p>\n\
         <h2>What happened</h2>\n<p>{meaning}</p>\n<h2>Fix</h2>\n<p>{fix}</p>\n\
         <p class=\"source\">Source: {source}</p>\n</article>\n",
        code = escape_html(r.code),
        phase = escape_html(r.phase),
        meaning = inline_markup(r.meaning),
        fix = inline_markup(r.fix),
        source = inline_markup(r.source),
    )
}

fn rule_html(d: &RuleDoc) -> String {
    format!(
        "<article class=\"card\" id=\"{code}\">\n<h1><code>{code}</code></h1>\n\
         <p class=\"lead\">{title}</p>\n\
         <p class=\"meta\">rule · area {area} · severity <span class=\"sev sev-{sev}\">{sev}</span></p>\n\
         <h2>What it detects</h2>\n<p>{what}</p>\n<h2>Why it matters</h2>\n<p>{why}</p>\n\
         <h2>How to fix it</h2>\n<p>{fix}</p>\n<h2>Example</h2>\n<p>Triggers the rule:</p>\n\
         <pre class=\"bad\">{bad}</pre>\n<p>Fixed:</p>\n<pre class=\"good\">{good}</pre>\n</article>\n",
        code = escape_html(d.code),
        title = inline_markup(d.title),
        area = escape_html(d.area),
        sev = escape_html(d.severity.as_str()),
        what = inline_markup(d.what.trim()),
        why = inline_markup(d.why.trim()),
        fix = inline_markup(d.fix.trim()),
        bad = escape_html(d.bad.trim()),
        good = escape_html(d.good.trim()),
    )
}

/// `GET /explain/{code}`: the explanation as a page.
pub(crate) async fn explain_html(code: Result<Path<String>, PathRejection>) -> Response {
    let code = code.map_or_else(|_| String::from("(not UTF-8)"), |Path(c)| c);
    let (reasons, docs) = lookup(&code);
    if reasons.is_empty() && docs.is_empty() {
        let body = format!(
            "<article class=\"card\"><h1>Unknown code</h1><p><code>{}</code> is neither a reason \
             code nor a rule code. <a href=\"/explain/all\">Every code</a>.</p></article>\n",
            escape_html(&shorten(&code))
        );
        return (
            StatusCode::NOT_FOUND,
            [(CONTENT_TYPE, "text/html; charset=utf-8")],
            page("unknown code", &body),
        )
            .into_response();
    }
    let mut body = String::new();
    for r in &reasons {
        body.push_str(&reason_html(r));
    }
    for d in &docs {
        body.push_str(&rule_html(d));
    }
    (
        [(CONTENT_TYPE, "text/html; charset=utf-8")],
        page(&code, &body),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape_html("<script>\"&'"),
            "&lt;script&gt;&quot;&amp;&#39;"
        );
        assert_eq!(
            inline_markup("use `<b>` **now**"),
            "use <code>&lt;b&gt;</code> now"
        );
    }
}
