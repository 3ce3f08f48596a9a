//! Rails: the `cookies` jar, rack-cors, and the `content_security_policy`
//! controller DSL.

use std::fmt::Write as _;

use super::{
    CorsSpec, Framing, FramingSpec, Lang, cookie_buffer, cookie_path, cors_buffer, framing_buffer,
    framing_kind, push_quoted, push_quoted_list, same_site,
};
use crate::fix::CookieSpec;

const RB: Lang = Lang::Ruby;

/// `cookies[...] = {...}` / `cookies.delete(...)` in a controller action.
pub(super) fn cookie(spec: &CookieSpec) -> String {
    let deletion = spec.is_deletion();
    let mut out = cookie_buffer(spec);
    if deletion {
        // cookies.delete sends an empty value that expired in 1970 with these
        // options, so Domain, Path, Secure and Partitioned match the cookie.
        out.push_str("cookies.delete(\n  ");
        push_quoted(&mut out, &spec.name, RB);
        out.push_str(",\n");
    } else {
        out.push_str("cookies[");
        push_quoted(&mut out, &spec.name, RB);
        out.push_str("] = {\n  value: ");
        push_quoted(&mut out, &spec.value, RB);
        out.push_str(",\n");
    }
    // The options, one a line: `  option,` and its comment.
    if let Some(domain) = &spec.domain {
        out.push_str("  domain: ");
        push_quoted(&mut out, domain, RB);
        out.push_str(",\n");
    }
    out.push_str("  path: ");
    push_quoted(&mut out, cookie_path(spec), RB);
    out.push_str(",\n");
    if spec.secure {
        out.push_str("  secure: true,\n");
    }
    if spec.http_only {
        out.push_str("  httponly: true,\n");
    }
    if let Some(same_site) = same_site(spec) {
        out.push_str("  same_site: :");
        out.push_str(same_site.lower());
        out.push_str(",\n");
    }
    if spec.partitioned {
        out.push_str("  partitioned: true, # needs Rack 3.1+\n");
    }
    if !deletion {
        if let Some(max_age) = spec.max_age {
            let _ = writeln!(out, "  max_age: {max_age},");
        }
        if let Some(expires) = &spec.expires {
            out.push_str("  expires: Time.httpdate(");
            push_quoted(&mut out, expires, RB);
            out.push_str("),\n");
        }
    }
    out.push(if deletion { ')' } else { '}' });
    out
}

/// Appends a Ruby symbol for an HTTP method (`:get`), quoted when it is not a
/// plain word.
fn push_method_symbol(out: &mut String, method: &str) {
    // A plain word once lowercased: a letter or `_`, then letters, digits, `_`.
    let plain = method
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && method
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    out.push(':');
    if plain {
        out.extend(method.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        push_quoted(out, &method.to_ascii_lowercase(), RB);
    }
}

/// rack-cors in `config/initializers/cors.rb`: it echoes an allowed origin and
/// adds `Vary: Origin`.
pub(super) fn cors(spec: &CorsSpec) -> String {
    let mut out = cors_buffer(spec);
    out.push_str(
        "# config/initializers/cors.rb, with gem \"rack-cors\"; it echoes the request's\n\
         # Origin when it is in the list, and sends Vary: Origin\n\
         Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  \
         allow do\n    \
         origins ",
    );
    push_quoted_list(&mut out, &spec.allow_origins, RB);
    out.push_str("\n    resource \"*\"");
    // The options, each on its own line after `resource "*",`.
    if !spec.allow_headers.is_empty() {
        out.push_str(",\n      headers: [");
        push_quoted_list(&mut out, &spec.allow_headers, RB);
        out.push(']');
    }
    if !spec.allow_methods.is_empty() {
        out.push_str(",\n      methods: [");
        for (i, method) in spec.allow_methods.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            push_method_symbol(&mut out, method);
        }
        out.push(']');
    }
    if spec.allow_credentials {
        out.push_str(",\n      credentials: true");
    }
    out.push_str("\n  end\nend");
    out
}

/// Appends a source for the CSP DSL: `:self`, `:none`, or the origin as a string.
fn push_source(out: &mut String, s: &str) {
    if s.eq_ignore_ascii_case("'self'") {
        out.push_str(":self");
    } else if s.eq_ignore_ascii_case("'none'") {
        out.push_str(":none");
    } else {
        push_quoted(out, s, RB);
    }
}

/// `content_security_policy` in the controller (class body); when other sites
/// may frame it, Rails' default `X-Frame-Options: SAMEORIGIN` goes.
pub(super) fn framing(spec: &FramingSpec) -> String {
    let mut out = framing_buffer(spec);
    out.push_str(
        "# in the controller class (or ApplicationController for every page)\n\
         content_security_policy do |policy|\n  \
         policy.frame_ancestors ",
    );
    if spec.frame_ancestors.is_empty() {
        out.push_str(":none");
    }
    for (i, source) in spec.frame_ancestors.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_source(&mut out, source);
    }
    out.push_str("\nend");
    if framing_kind(spec) == Framing::Others {
        out.push_str(
            "\n# Rails' default X-Frame-Options: SAMEORIGIN cannot name the embedder\n\
             after_action { response.headers.delete(\"X-Frame-Options\") }",
        );
    }
    out
}
