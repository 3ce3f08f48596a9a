//! nginx (1.19.3+): `proxy_cookie_flags` on the upstream's cookie, or
//! `add_header Set-Cookie`; CORS and framing with `add_header … always`.
//! Every snippet goes in a `location` (or `server`) block.

use super::{
    CorsSpec, Framing, FramingSpec, Lang, SameSite, cookie_buffer, cookie_path, cors_buffer,
    framing_buffer, framing_kind, push_quoted, push_quoted_csp, push_quoted_joined,
    push_quoted_set_cookie_value, same_site,
};
use crate::fix::CookieSpec;

const NGINX: Lang = Lang::Nginx;

/// What a string needs at the `http` level when it holds a `$` (`has_dollar`).
fn dollar_note(has_dollar: bool) -> &'static str {
    if has_dollar {
        "# nginx cannot escape '$' in a string: ${dollar} needs, in http {}:\n\
         #   geo $dollar { default \"$\"; }\n"
    } else {
        ""
    }
}

/// Whether the Set-Cookie value the spec describes holds a `$` (which nginx
/// writes as `${dollar}`): only the spec's own strings can.
fn set_cookie_value_has_dollar(spec: &CookieSpec) -> bool {
    [
        Some(spec.name.as_str()),
        Some(spec.value.as_str()),
        spec.domain.as_deref(),
        Some(cookie_path(spec)),
        spec.expires.as_deref(),
    ]
    .into_iter()
    .flatten()
    .any(|s| s.contains('$'))
}

/// Whether the `Content-Security-Policy` value holds a `$` (which nginx writes
/// as `${dollar}`): only a source can.
fn csp_has_dollar(spec: &FramingSpec) -> bool {
    spec.frame_ancestors.iter().any(|s| s.contains('$'))
}

/// `proxy_cookie_flags` when the upstream sets the cookie and only its flags
/// change; `add_header Set-Cookie` for a deletion or a partitioned cookie (no
/// flag of `proxy_cookie_flags` says Partitioned).
pub(super) fn cookie(spec: &CookieSpec) -> String {
    let mut out = cookie_buffer(spec);
    if spec.is_deletion() || spec.partitioned {
        out.push_str(if spec.partitioned {
            "# proxy_cookie_flags has no Partitioned flag: nginx sends the whole cookie\n"
        } else {
            "# nginx sends the deletion itself, with the Domain, Path, Secure and\n\
             # Partitioned of the cookie it clears\n"
        });
        out.push_str(dollar_note(set_cookie_value_has_dollar(spec)));
        out.push_str("add_header Set-Cookie ");
        push_quoted_set_cookie_value(&mut out, spec, NGINX);
        out.push_str(" always;");
        return out;
    }
    // A cookie name is a token: it needs quoting only if it has odd characters.
    let token = spec
        .name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    let push_name = |out: &mut String| {
        if token {
            out.push_str(&spec.name);
        } else {
            push_quoted(out, &spec.name, NGINX);
        }
    };
    out.push_str("# the upstream's Set-Cookie for ");
    push_name(&mut out);
    out.push_str(
        " gets these flags on the way out;\n\
         # its value, Domain, Path and lifetime stay as the upstream sends them\n\
         proxy_cookie_flags ",
    );
    push_name(&mut out);
    out.push_str(if spec.secure { " secure" } else { " nosecure" });
    out.push_str(if spec.http_only {
        " httponly"
    } else {
        " nohttponly"
    });
    out.push_str(match same_site(spec) {
        Some(SameSite::Strict) => " samesite=strict",
        Some(SameSite::Lax) => " samesite=lax",
        Some(SameSite::None) => " samesite=none",
        None => " nosamesite",
    });
    out.push(';');
    out
}

/// Echo the request's Origin when it is in the allow-list (an empty value
/// sends no header), with `Vary: Origin`, and answer the preflight.
pub(super) fn cors(spec: &CorsSpec) -> String {
    let mut out = cors_buffer(spec);
    out.push_str("set $cors_origin \"\";\n");
    for origin in &spec.allow_origins {
        out.push_str(dollar_note(origin.contains('$')));
        out.push_str("if ($http_origin = ");
        push_quoted(&mut out, origin, NGINX);
        out.push_str(") {\n    set $cors_origin $http_origin;\n}\n");
    }
    out.push_str("add_header Access-Control-Allow-Origin $cors_origin always;\n");
    if spec.allow_credentials {
        out.push_str("add_header Access-Control-Allow-Credentials \"true\" always;\n");
    }
    out.push_str(
        "# the answer depends on Origin: caches must key on it\n\
         add_header Vary \"Origin\" always;\n",
    );
    if !spec.allow_methods.is_empty() {
        out.push_str("add_header Access-Control-Allow-Methods ");
        push_quoted_joined(&mut out, &spec.allow_methods, NGINX);
        out.push_str(" always;\n");
    }
    if !spec.allow_headers.is_empty() {
        out.push_str("add_header Access-Control-Allow-Headers ");
        push_quoted_joined(&mut out, &spec.allow_headers, NGINX);
        out.push_str(" always;\n");
    }
    out.push_str("if ($request_method = OPTIONS) {\n    return 204;\n}");
    out
}

/// `add_header Content-Security-Policy …`; when other sites may frame the page,
/// an upstream's X-Frame-Options (which cannot name them) is dropped.
pub(super) fn framing(spec: &FramingSpec) -> String {
    let mut out = framing_buffer(spec);
    out.push_str(dollar_note(csp_has_dollar(spec)));
    out.push_str("add_header Content-Security-Policy ");
    push_quoted_csp(&mut out, spec, NGINX);
    out.push_str(" always;");
    if framing_kind(spec) == Framing::Others {
        out.push_str(
            "\n# an upstream's X-Frame-Options cannot name the embedder\n\
             proxy_hide_header X-Frame-Options;",
        );
    }
    out
}
