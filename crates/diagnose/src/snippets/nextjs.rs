//! Next.js App Router: `cookies().set` in a Route Handler or Server Action,
//! CORS in middleware with `NextResponse`, and `headers()` in next.config.

use super::{CorsSpec, FramingSpec, Lang, cookie_path, csp, quote, same_site};
use crate::fix::CookieSpec;

const JS: Lang = Lang::Js;

/// `(await cookies()).set(...)` in a Route Handler or Server Action (`await`
/// works with the synchronous `cookies()` of Next.js 14 too).
pub(super) fn cookie(spec: &CookieSpec) -> String {
    let deletion = spec.is_deletion();
    let mut options = Vec::new();
    if let Some(domain) = &spec.domain {
        options.push(format!("domain: {}", quote(domain, JS)));
    }
    options.push(format!("path: {}", quote(cookie_path(spec), JS)));
    if spec.secure {
        options.push("secure: true".into());
    }
    if spec.http_only {
        options.push("httpOnly: true".into());
    }
    if let Some(same_site) = same_site(spec) {
        options.push(format!("sameSite: {}", quote(same_site.lower(), JS)));
    }
    if spec.partitioned {
        options.push("partitioned: true".into());
    }
    if deletion {
        options.push("maxAge: 0".into());
        options.push("expires: new Date(0)".into());
    } else {
        if let Some(max_age) = spec.max_age {
            options.push(format!("maxAge: {max_age}"));
        }
        if let Some(expires) = &spec.expires {
            options.push(format!("expires: new Date({})", quote(expires, JS)));
        }
    }
    let value = if deletion { "" } else { spec.value.as_str() };
    let mut out = String::from("import { cookies } from \"next/headers\";\n\n");
    if deletion {
        out.push_str(
            "// cookies().delete(name) keeps only name, path and domain: set an expired,\n\
             // empty cookie so Domain, Path, Secure and Partitioned all match\n",
        );
    }
    out.push_str(&format!(
        "(await cookies()).set({}, {}, {{\n  {},\n}});",
        quote(&spec.name, JS),
        quote(value, JS),
        options.join(",\n  ")
    ));
    out
}

/// `middleware.js`: echo the request's Origin when it is in the allow-list,
/// with `Vary: Origin`, and answer the preflight.
pub(super) fn cors(spec: &CorsSpec) -> String {
    let mut allowed = vec!["\"Access-Control-Allow-Origin\": origin".to_string()];
    if spec.allow_credentials {
        allowed.push("\"Access-Control-Allow-Credentials\": \"true\"".into());
    }
    let mut preflight = vec!["...cors".to_string()];
    if !spec.allow_methods.is_empty() {
        preflight.push(format!(
            "\"Access-Control-Allow-Methods\": {}",
            quote(&spec.allow_methods.join(", "), JS)
        ));
    }
    if !spec.allow_headers.is_empty() {
        preflight.push(format!(
            "\"Access-Control-Allow-Headers\": {}",
            quote(&spec.allow_headers.join(", "), JS)
        ));
    }
    preflight.push("Vary: \"Origin\"".into());
    let origins: Vec<String> = spec
        .allow_origins
        .iter()
        .map(|o| format!("  {},\n", quote(o, JS)))
        .collect();
    format!(
        "// middleware.js (proxy.js from Next.js 16)\n\
         import {{ NextResponse }} from \"next/server\";\n\n\
         const allowedOrigins = [\n{}];\n\n\
         export function middleware(request) {{\n  \
         const origin = request.headers.get(\"origin\") ?? \"\";\n  \
         const cors = allowedOrigins.includes(origin)\n    \
         ? {{ {} }}\n    \
         : {{}};\n  \
         if (request.method === \"OPTIONS\") {{\n    \
         return new Response(null, {{\n      \
         status: 204,\n      \
         headers: {{ {} }},\n    \
         }});\n  \
         }}\n  \
         const response = NextResponse.next();\n  \
         for (const [name, value] of Object.entries(cors)) response.headers.set(name, value);\n  \
         // the answer depends on Origin: caches must key on it\n  \
         response.headers.append(\"Vary\", \"Origin\");\n  \
         return response;\n\
         }}",
        origins.concat(),
        allowed.join(", "),
        preflight.join(", "),
    )
}

/// `headers()` in next.config.mjs: the framing header on every route.
pub(super) fn framing(spec: &FramingSpec) -> String {
    format!(
        "// next.config.mjs\n\
         export default {{\n  \
         async headers() {{\n    \
         return [\n      \
         {{\n        \
         source: \"/:path*\",\n        \
         headers: [{{ key: \"Content-Security-Policy\", value: {} }}],\n      \
         }},\n    \
         ];\n  \
         }},\n\
         }};",
        quote(&csp(spec), JS)
    )
}
