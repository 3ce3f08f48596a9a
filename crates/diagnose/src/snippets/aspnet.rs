//! ASP.NET Core (.NET 8+): `Response.Cookies` with `CookieOptions`, a named
//! CORS policy, and a middleware for the framing header.

use std::fmt::Write as _;

use super::{
    CorsSpec, FramingSpec, Lang, cookie_buffer, cookie_path, cors_buffer, framing_buffer,
    push_quoted, push_quoted_csp, push_quoted_list, same_site,
};
use crate::fix::CookieSpec;

const CS: Lang = Lang::CSharp;

/// `Response.Cookies.Append(...)` / `Response.Cookies.Delete(...)` in a controller
/// action (`HttpContext.Response` elsewhere).
pub(super) fn cookie(spec: &CookieSpec) -> String {
    let deletion = spec.is_deletion();
    let mut out = cookie_buffer(spec);
    out.push_str("using Microsoft.AspNetCore.Http;\n\n");
    if deletion && !spec.partitioned {
        // Delete sends an empty value that expired in 1970 with these options.
        out.push_str("Response.Cookies.Delete(");
        push_quoted(&mut out, &spec.name, CS);
    } else if deletion {
        out.push_str(
            "// an expired, empty cookie with every attribute of the one to clear\n\
             Response.Cookies.Append(",
        );
        push_quoted(&mut out, &spec.name, CS);
        out.push_str(", \"\"");
    } else {
        out.push_str("Response.Cookies.Append(");
        push_quoted(&mut out, &spec.name, CS);
        out.push_str(", ");
        push_quoted(&mut out, &spec.value, CS);
    }
    // The options, one a line.
    out.push_str(", new CookieOptions\n{");
    if let Some(domain) = &spec.domain {
        out.push_str("\n    Domain = ");
        push_quoted(&mut out, domain, CS);
        out.push(',');
    }
    out.push_str("\n    Path = ");
    push_quoted(&mut out, cookie_path(spec), CS);
    out.push(',');
    if spec.secure {
        out.push_str("\n    Secure = true,");
    }
    if spec.http_only {
        out.push_str("\n    HttpOnly = true,");
    }
    if let Some(same_site) = same_site(spec) {
        out.push_str("\n    SameSite = SameSiteMode.");
        out.push_str(same_site.title());
        out.push(',');
    }
    if deletion {
        if spec.partitioned {
            out.push_str(
                "\n    Expires = DateTimeOffset.UnixEpoch,\
                 \n    MaxAge = TimeSpan.Zero,",
            );
        }
    } else {
        if let Some(max_age) = spec.max_age {
            let _ = write!(out, "\n    MaxAge = TimeSpan.FromSeconds({max_age}),");
        }
        if let Some(expires) = &spec.expires {
            out.push_str("\n    Expires = DateTimeOffset.Parse(");
            push_quoted(&mut out, expires, CS);
            out.push_str("),");
        }
    }
    if spec.partitioned {
        out.push_str(
            "\n    // CookieOptions has no Partitioned property: send it as an extension (.NET 8+)\
             \n    Extensions = { \"Partitioned\" },",
        );
    }
    out.push_str("\n});");
    out
}

/// A named CORS policy in Program.cs: ASP.NET Core echoes an allowed origin
/// and adds `Vary: Origin`.
pub(super) fn cors(spec: &CorsSpec) -> String {
    let mut out = cors_buffer(spec);
    out.push_str(
        "// echoes the request's Origin when it is in the list, and sends Vary: Origin\n\
         builder.Services.AddCors(options =>\n    \
         options.AddPolicy(\"CookieDoctor\", policy => policy\n        \
         .WithOrigins(",
    );
    push_quoted_list(&mut out, &spec.allow_origins, CS);
    out.push(')');
    if spec.allow_credentials {
        out.push_str("\n        .AllowCredentials()");
    }
    if !spec.allow_methods.is_empty() {
        out.push_str("\n        .WithMethods(");
        push_quoted_list(&mut out, &spec.allow_methods, CS);
        out.push(')');
    }
    if !spec.allow_headers.is_empty() {
        out.push_str("\n        .WithHeaders(");
        push_quoted_list(&mut out, &spec.allow_headers, CS);
        out.push(')');
    }
    out.push_str(
        "));\n\n\
         // after builder.Build(), between app.UseRouting() and app.UseAuthorization():\n\
         app.UseCors(\"CookieDoctor\");",
    );
    out
}

/// A middleware in Program.cs that sets `Content-Security-Policy: frame-ancestors …`.
pub(super) fn framing(spec: &FramingSpec) -> String {
    let mut out = framing_buffer(spec);
    out.push_str(
        "// Program.cs, before the endpoints\n\
         app.Use(async (context, next) =>\n{\n    \
         context.Response.Headers[\"Content-Security-Policy\"] = ",
    );
    push_quoted_csp(&mut out, spec, CS);
    out.push_str(";\n    await next();\n});");
    out
}
