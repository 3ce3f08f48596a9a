//! Next.js App Router: `cookies().set` in a Route Handler or Server Action,
//! CORS in middleware with `NextResponse`, and `headers()` in next.config.

use std::fmt::Write as _;

use super::{
    CorsSpec, FramingSpec, Lang, cookie_buffer, cookie_path, cors_buffer, framing_buffer,
    push_quoted, push_quoted_csp, push_quoted_joined, same_site,
};
use crate::fix::CookieSpec;

const JS: Lang = Lang::Js;

/// `(await cookies()).set(...)` in a Route Handler or Server Action (`await`
/// works with the synchronous `cookies()` of Next.js 14 too).
pub(super) fn cookie(spec: &CookieSpec) -> String {
    let deletion = spec.is_deletion();
    let value = if deletion { "" } else { spec.value.as_str() };
    let mut out = cookie_buffer(spec);
    out.push_str("import { cookies } from \"next/headers\";\n\n");
    if deletion {
        out.push_str(
            "// cookies().delete(name) keeps only name, path and domain: set an expired,\n\
             // empty cookie so Domain, Path, Secure and Partitioned all match\n",
        );
    }
    out.push_str("(await cookies()).set(");
    push_quoted(&mut out, &spec.name, JS);
    out.push_str(", ");
    push_quoted(&mut out, value, JS);
    // The options, one a line.
    out.push_str(", {\n  ");
    if let Some(domain) = &spec.domain {
        out.push_str("domain: ");
        push_quoted(&mut out, domain, JS);
        out.push_str(",\n  ");
    }
    out.push_str("path: ");
    push_quoted(&mut out, cookie_path(spec), JS);
    if spec.secure {
        out.push_str(",\n  secure: true");
    }
    if spec.http_only {
        out.push_str(",\n  httpOnly: true");
    }
    if let Some(same_site) = same_site(spec) {
        out.push_str(",\n  sameSite: ");
        push_quoted(&mut out, same_site.lower(), JS);
    }
    if spec.partitioned {
        out.push_str(",\n  partitioned: true");
    }
    if deletion {
        out.push_str(",\n  maxAge: 0,\n  expires: new Date(0)");
    } else {
        if let Some(max_age) = spec.max_age {
            let _ = write!(out, ",\n  maxAge: {max_age}");
        }
        if let Some(expires) = &spec.expires {
            out.push_str(",\n  expires: new Date(");
            push_quoted(&mut out, expires, JS);
            out.push(')');
        }
    }
    out.push_str(",\n});");
    out
}

/// `middleware.js`: echo the request's Origin when it is in the allow-list,
/// with `Vary: Origin`, and answer the preflight.
pub(super) fn cors(spec: &CorsSpec) -> String {
    let mut out = cors_buffer(spec);
    out.push_str(
        "// middleware.js (proxy.js from Next.js 16)\n\
         import { NextResponse } from \"next/server\";\n\n\
         const allowedOrigins = [\n",
    );
    for origin in &spec.allow_origins {
        out.push_str("  ");
        push_quoted(&mut out, origin, JS);
        out.push_str(",\n");
    }
    out.push_str(
        "];\n\n\
         export function middleware(request) {\n  \
         const origin = request.headers.get(\"origin\") ?? \"\";\n  \
         const cors = allowedOrigins.includes(origin)\n    \
         ? { \"Access-Control-Allow-Origin\": origin",
    );
    if spec.allow_credentials {
        out.push_str(", \"Access-Control-Allow-Credentials\": \"true\"");
    }
    out.push_str(
        " }\n    \
         : {};\n  \
         if (request.method === \"OPTIONS\") {\n    \
         return new Response(null, {\n      \
         status: 204,\n      \
         headers: { ...cors",
    );
    if !spec.allow_methods.is_empty() {
        out.push_str(", \"Access-Control-Allow-Methods\": ");
        push_quoted_joined(&mut out, &spec.allow_methods, JS);
    }
    if !spec.allow_headers.is_empty() {
        out.push_str(", \"Access-Control-Allow-Headers\": ");
        push_quoted_joined(&mut out, &spec.allow_headers, JS);
    }
    out.push_str(
        ", Vary: \"Origin\" },\n    \
         });\n  \
         }\n  \
         const response = NextResponse.next();\n  \
         for (const [name, value] of Object.entries(cors)) response.headers.set(name, value);\n  \
         // the answer depends on Origin: caches must key on it\n  \
         response.headers.append(\"Vary\", \"Origin\");\n  \
         return response;\n\
         }",
    );
    out
}

/// `headers()` in next.config.mjs: the framing header on every route.
pub(super) fn framing(spec: &FramingSpec) -> String {
    let mut out = framing_buffer(spec);
    out.push_str(
        "// next.config.mjs\n\
         export default {\n  \
         async headers() {\n    \
         return [\n      \
         {\n        \
         source: \"/:path*\",\n        \
         headers: [{ key: \"Content-Security-Policy\", value: ",
    );
    push_quoted_csp(&mut out, spec, JS);
    out.push_str(
        " }],\n      \
         },\n    \
         ];\n  \
         },\n\
         };",
    );
    out
}
