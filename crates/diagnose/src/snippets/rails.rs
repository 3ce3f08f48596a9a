//! Rails: the `cookies` jar, rack-cors, and the `content_security_policy`
//! controller DSL.

use super::{CorsSpec, Framing, FramingSpec, Lang, cookie_path, framing_kind, quote, same_site};
use crate::fix::CookieSpec;

const RB: Lang = Lang::Ruby;

/// `cookies[...] = {...}` / `cookies.delete(...)` in a controller action.
pub(super) fn cookie(spec: &CookieSpec) -> String {
    let deletion = spec.is_deletion();
    // Each option, and a comment for its line.
    let mut options: Vec<(String, &str)> = Vec::new();
    if !deletion {
        options.push((format!("value: {}", quote(&spec.value, RB)), ""));
    }
    if let Some(domain) = &spec.domain {
        options.push((format!("domain: {}", quote(domain, RB)), ""));
    }
    options.push((format!("path: {}", quote(cookie_path(spec), RB)), ""));
    if spec.secure {
        options.push(("secure: true".into(), ""));
    }
    if spec.http_only {
        options.push(("httponly: true".into(), ""));
    }
    if let Some(same_site) = same_site(spec) {
        options.push((format!("same_site: :{}", same_site.lower()), ""));
    }
    if spec.partitioned {
        options.push(("partitioned: true".into(), " # needs Rack 3.1+"));
    }
    if !deletion {
        if let Some(max_age) = spec.max_age {
            options.push((format!("max_age: {max_age}"), ""));
        }
        if let Some(expires) = &spec.expires {
            options.push((
                format!("expires: Time.httpdate({})", quote(expires, RB)),
                "",
            ));
        }
    }
    let name = quote(&spec.name, RB);
    let lines: Vec<String> = options
        .iter()
        .map(|(option, comment)| format!("  {option},{comment}"))
        .collect();
    if deletion {
        // cookies.delete sends an empty value that expired in 1970 with these
        // options, so Domain, Path, Secure and Partitioned match the cookie.
        format!("cookies.delete(\n  {name},\n{}\n)", lines.join("\n"))
    } else {
        format!("cookies[{name}] = {{\n{}\n}}", lines.join("\n"))
    }
}

/// A Ruby symbol for an HTTP method (`:get`), quoted when it is not a plain word.
fn method_symbol(method: &str) -> String {
    let lower = method.to_ascii_lowercase();
    let plain = lower
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && lower
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        format!(":{lower}")
    } else {
        format!(":{}", quote(&lower, RB))
    }
}

/// rack-cors in `config/initializers/cors.rb`: it echoes an allowed origin and
/// adds `Vary: Origin`.
pub(super) fn cors(spec: &CorsSpec) -> String {
    let origins: Vec<String> = spec.allow_origins.iter().map(|o| quote(o, RB)).collect();
    let mut options = Vec::new();
    if !spec.allow_headers.is_empty() {
        let headers: Vec<String> = spec.allow_headers.iter().map(|h| quote(h, RB)).collect();
        options.push(format!("headers: [{}]", headers.join(", ")));
    }
    if !spec.allow_methods.is_empty() {
        let methods: Vec<String> = spec
            .allow_methods
            .iter()
            .map(|m| method_symbol(m))
            .collect();
        options.push(format!("methods: [{}]", methods.join(", ")));
    }
    if spec.allow_credentials {
        options.push("credentials: true".into());
    }
    let resource = if options.is_empty() {
        "    resource \"*\"".to_string()
    } else {
        format!("    resource \"*\",\n      {}", options.join(",\n      "))
    };
    format!(
        "# config/initializers/cors.rb, with gem \"rack-cors\"; it echoes the request's\n\
         # Origin when it is in the list, and sends Vary: Origin\n\
         Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  \
         allow do\n    \
         origins {}\n\
         {resource}\n  \
         end\n\
         end",
        origins.join(", ")
    )
}

/// A source for the CSP DSL: `:self`, `:none`, or the origin as a string.
fn source(s: &str) -> String {
    if s.eq_ignore_ascii_case("'self'") {
        ":self".into()
    } else if s.eq_ignore_ascii_case("'none'") {
        ":none".into()
    } else {
        quote(s, RB)
    }
}

/// `content_security_policy` in the controller (class body); when other sites
/// may frame it, Rails' default `X-Frame-Options: SAMEORIGIN` goes.
pub(super) fn framing(spec: &FramingSpec) -> String {
    let sources: Vec<String> = if spec.frame_ancestors.is_empty() {
        vec![":none".into()]
    } else {
        spec.frame_ancestors.iter().map(|s| source(s)).collect()
    };
    let mut out = format!(
        "# in the controller class (or ApplicationController for every page)\n\
         content_security_policy do |policy|\n  policy.frame_ancestors {}\nend",
        sources.join(", ")
    );
    if framing_kind(spec) == Framing::Others {
        out.push_str(
            "\n# Rails' default X-Frame-Options: SAMEORIGIN cannot name the embedder\n\
             after_action { response.headers.delete(\"X-Frame-Options\") }",
        );
    }
    out
}
