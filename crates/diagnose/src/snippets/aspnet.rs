//! ASP.NET Core (.NET 8+): `Response.Cookies` with `CookieOptions`, a named
//! CORS policy, and a middleware for the framing header.

use super::{
    CorsSpec, FramingSpec, Lang, SameSite, cookie_path, csp, quote, quote_list, same_site,
};
use crate::fix::CookieSpec;

const CS: Lang = Lang::CSharp;

/// `Response.Cookies.Append(...)` / `Response.Cookies.Delete(...)` in a controller
/// action (`HttpContext.Response` elsewhere).
pub(super) fn cookie(spec: &CookieSpec) -> String {
    let deletion = spec.is_deletion();
    let mut options = Vec::new();
    if let Some(domain) = &spec.domain {
        options.push(format!("Domain = {},", quote(domain, CS)));
    }
    options.push(format!("Path = {},", quote(cookie_path(spec), CS)));
    if spec.secure {
        options.push("Secure = true,".into());
    }
    if spec.http_only {
        options.push("HttpOnly = true,".into());
    }
    if let Some(same_site) = same_site(spec) {
        let mode = match same_site {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
            SameSite::None => "None",
        };
        options.push(format!("SameSite = SameSiteMode.{mode},"));
    }
    if deletion {
        if spec.partitioned {
            options.push("Expires = DateTimeOffset.UnixEpoch,".into());
            options.push("MaxAge = TimeSpan.Zero,".into());
        }
    } else {
        if let Some(max_age) = spec.max_age {
            options.push(format!("MaxAge = TimeSpan.FromSeconds({max_age}),"));
        }
        if let Some(expires) = &spec.expires {
            options.push(format!(
                "Expires = DateTimeOffset.Parse({}),",
                quote(expires, CS)
            ));
        }
    }
    if spec.partitioned {
        options.push(
            "// CookieOptions has no Partitioned property: send it as an extension (.NET 8+)"
                .into(),
        );
        options.push("Extensions = { \"Partitioned\" },".into());
    }
    let options = format!("new CookieOptions\n{{\n    {}\n}}", options.join("\n    "));
    let name = quote(&spec.name, CS);
    let call = if deletion && !spec.partitioned {
        // Delete sends an empty value that expired in 1970 with these options.
        format!("Response.Cookies.Delete({name}, {options});")
    } else if deletion {
        format!(
            "// an expired, empty cookie with every attribute of the one to clear\n\
             Response.Cookies.Append({name}, \"\", {options});"
        )
    } else {
        format!(
            "Response.Cookies.Append({name}, {}, {options});",
            quote(&spec.value, CS)
        )
    };
    format!("using Microsoft.AspNetCore.Http;\n\n{call}")
}

/// A named CORS policy in Program.cs: ASP.NET Core echoes an allowed origin
/// and adds `Vary: Origin`.
pub(super) fn cors(spec: &CorsSpec) -> String {
    let mut policy = vec![format!(
        ".WithOrigins({})",
        quote_list(&spec.allow_origins, CS)
    )];
    if spec.allow_credentials {
        policy.push(".AllowCredentials()".into());
    }
    if !spec.allow_methods.is_empty() {
        policy.push(format!(
            ".WithMethods({})",
            quote_list(&spec.allow_methods, CS)
        ));
    }
    if !spec.allow_headers.is_empty() {
        policy.push(format!(
            ".WithHeaders({})",
            quote_list(&spec.allow_headers, CS)
        ));
    }
    format!(
        "// echoes the request's Origin when it is in the list, and sends Vary: Origin\n\
         builder.Services.AddCors(options =>\n    \
         options.AddPolicy(\"CookieDoctor\", policy => policy\n        {}));\n\n\
         // after builder.Build(), between app.UseRouting() and app.UseAuthorization():\n\
         app.UseCors(\"CookieDoctor\");",
        policy.join("\n        ")
    )
}

/// A middleware in Program.cs that sets `Content-Security-Policy: frame-ancestors …`.
pub(super) fn framing(spec: &FramingSpec) -> String {
    format!(
        "// Program.cs, before the endpoints\n\
         app.Use(async (context, next) =>\n{{\n    \
         context.Response.Headers[\"Content-Security-Policy\"] = {};\n    \
         await next();\n}});",
        quote(&csp(spec), CS)
    )
}
