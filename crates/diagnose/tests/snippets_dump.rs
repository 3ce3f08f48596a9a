//! Every framework's snippet for a representative set of cookie, CORS and
//! framing specs: each is non-empty and carries the values it must (name,
//! SameSite, Partitioned; origins; frame-ancestors sources).
//!
//! With `SNIPPETS_DUMP_DIR` set, each snippet is also written there inside a
//! minimal file its language's own parser accepts (a handler, a module, a
//! class, an nginx.conf), for `scripts/check-snippets.sh` to parse.

use std::fmt::Write as _;
use std::path::Path;

use cookie_doctor_diagnose::fix::{CookieLine, CookieSpec};
use cookie_doctor_diagnose::snippets::{self, CorsSpec, FramingSpec};

/// The cookies: name of the case, Set-Cookie line.
const COOKIES: &[(&str, &str)] = &[
    (
        "session",
        "sid=abc123; Path=/; Secure; HttpOnly; SameSite=Lax",
    ),
    (
        "partitioned",
        "__Host-embed=xyz; Path=/; Secure; HttpOnly; SameSite=None; Partitioned; Max-Age=86400",
    ),
    (
        "deletion",
        "sid=; Domain=example.com; Path=/app; Max-Age=0; Secure; HttpOnly; SameSite=None",
    ),
    (
        "deletion-partitioned",
        "__Host-embed=; Path=/; Max-Age=0; Secure; SameSite=None; Partitioned",
    ),
    (
        "deletion-lax-secure",
        "prefs=; Path=/; Max-Age=0; Secure; SameSite=Lax",
    ),
    (
        "domain-quotes",
        r#"prefs=v="a\b" $x #{y}'z; Domain=.example.com; Path=/settings; Max-Age=3600; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Secure; SameSite=Strict"#,
    ),
    (
        "partitioned-quotes",
        r#"w="1\2" $y #{z}; Path=/widget; Secure; SameSite=None; Partitioned"#,
    ),
    ("plain", "lang=en"),
];

fn cookie_specs() -> Vec<(&'static str, CookieSpec)> {
    COOKIES
        .iter()
        .map(|(case, line)| (*case, CookieLine::parse(line).spec()))
        .collect()
}

fn cors_specs() -> Vec<(&'static str, CorsSpec)> {
    vec![
        (
            "one-origin",
            CorsSpec {
                allow_origins: vec!["https://app.example".into()],
                allow_credentials: true,
                allow_methods: vec!["GET".into(), "POST".into()],
                allow_headers: vec!["Content-Type".into()],
            },
        ),
        (
            "two-origins",
            CorsSpec {
                allow_origins: vec![
                    "https://app.example".into(),
                    "https://partner.example:8443".into(),
                ],
                allow_credentials: true,
                allow_methods: vec![],
                allow_headers: vec!["Content-Type".into(), "X-CSRF-Token".into()],
            },
        ),
        (
            "no-credentials",
            CorsSpec {
                allow_origins: vec!["https://app.example".into()],
                allow_credentials: false,
                allow_methods: vec!["PUT".into()],
                allow_headers: vec![],
            },
        ),
    ]
}

fn framing_specs() -> Vec<(&'static str, FramingSpec)> {
    let spec = |sources: &[&str]| FramingSpec {
        frame_ancestors: sources.iter().map(|s| s.to_string()).collect(),
    };
    vec![
        ("self-partner", spec(&["'self'", "https://partner.example"])),
        ("none", spec(&["'none'"])),
        ("self", spec(&["'self'"])),
    ]
}

fn contains_ci(haystack: &str, needle: &str) -> bool {
    haystack
        .to_ascii_lowercase()
        .contains(&needle.to_ascii_lowercase())
}

#[test]
fn every_framework_answers_every_spec_with_its_values() {
    let frameworks = snippets::frameworks();
    assert_eq!(frameworks.len(), 10);
    for (case, spec) in cookie_specs() {
        let out = snippets::cookie(&spec);
        for framework in &frameworks {
            let Some(snippet) = out.get(*framework) else {
                panic!("{framework}: no cookie snippet for {case}");
            };
            assert!(!snippet.trim().is_empty(), "{framework}/{case}: empty");
            assert!(
                snippet.contains(&spec.name),
                "{framework}/{case}: no name {:?} in\n{snippet}",
                spec.name
            );
            if let Some(same_site) = &spec.same_site {
                assert!(
                    contains_ci(snippet, same_site),
                    "{framework}/{case}: no SameSite {same_site} in\n{snippet}"
                );
            }
            if spec.partitioned {
                assert!(
                    contains_ci(snippet, "partitioned"),
                    "{framework}/{case}: no Partitioned in\n{snippet}"
                );
            }
            if let Some(domain) = &spec.domain {
                // nginx fixes only the flags of the upstream's cookie.
                if *framework != "nginx" || spec.is_deletion() {
                    assert!(
                        snippet.contains(domain.as_str()),
                        "{framework}/{case}: no Domain in\n{snippet}"
                    );
                }
            }
        }
    }
    for (case, spec) in cors_specs() {
        let out = snippets::cors(&spec);
        for framework in &frameworks {
            let snippet = out.get(*framework).map(String::as_str).unwrap_or("");
            assert!(!snippet.trim().is_empty(), "{framework}/{case}: empty");
            for origin in &spec.allow_origins {
                assert!(
                    snippet.contains(origin.as_str()),
                    "{framework}/{case}: no {origin} in\n{snippet}"
                );
            }
            assert!(
                snippet.contains("Vary"),
                "{framework}/{case}: says nothing of Vary: Origin\n{snippet}"
            );
            assert_eq!(
                contains_ci(snippet, "credentials"),
                spec.allow_credentials,
                "{framework}/{case}: credentials\n{snippet}"
            );
        }
    }
    for (case, spec) in framing_specs() {
        let out = snippets::framing(&spec);
        for framework in &frameworks {
            let snippet = out.get(*framework).map(String::as_str).unwrap_or("");
            assert!(!snippet.trim().is_empty(), "{framework}/{case}: empty");
            // Rails spells 'self' and 'none' as :self and :none.
            assert!(
                contains_ci(snippet, "frame-ancestors") || contains_ci(snippet, "frame_ancestors"),
                "{framework}/{case}: no frame-ancestors in\n{snippet}"
            );
            for source in &spec.frame_ancestors {
                assert!(
                    snippet.contains(source.trim_matches('\'')),
                    "{framework}/{case}: no {source} in\n{snippet}"
                );
            }
        }
    }
}

#[test]
fn deletions_match_the_cookie_they_clear() {
    let spec =
        CookieLine::parse("__Host-embed=; Path=/; Max-Age=0; Secure; SameSite=None; Partitioned")
            .spec();
    let out = snippets::cookie(&spec);
    let get = |f: &str| out.get(f).cloned().unwrap_or_default();
    assert!(get("express").starts_with("res.clearCookie(\"__Host-embed\""));
    assert!(get("express").contains("partitioned: true"));
    assert!(get("flask").contains("delete_cookie") && get("flask").contains("partitioned=True"));
    assert!(get("rails").contains("cookies.delete(") && get("rails").contains("partitioned: true"));
    assert!(get("go").contains("MaxAge:      -1") && get("go").contains("Partitioned: true"));
    assert!(get("spring").contains(".maxAge(0)") && get("spring").contains(".partitioned(true)"));
    assert!(get("nextjs").contains("maxAge: 0") && get("nextjs").contains("partitioned: true"));
    for raw in ["fastapi", "django", "nginx"] {
        assert!(
            get(raw).contains("__Host-embed=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Secure; SameSite=None; Partitioned"),
            "{raw}: {}",
            get(raw)
        );
    }
    assert!(get("aspnet").contains("Extensions = { \"Partitioned\" }"));
    assert!(get("aspnet").contains("Expires = DateTimeOffset.UnixEpoch"));
}

/// Which variant a snippet is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    Cookie,
    Cors,
    Framing,
}

/// Splits a snippet's import lines (which must come first in the file) from the rest.
fn split_imports(snippet: &str, prefixes: &[&str]) -> (String, String) {
    let mut imports = String::new();
    let mut rest = String::new();
    for line in snippet.lines() {
        if prefixes.iter().any(|p| line.starts_with(p)) {
            imports.push_str(line);
            imports.push('\n');
        } else if !rest.is_empty() || !line.trim().is_empty() {
            rest.push_str(line);
            rest.push('\n');
        }
    }
    (imports, rest)
}

fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{by}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The file name extension and the whole file that gives the snippet the
/// context it is written for.
fn wrap(framework: &str, variant: Variant, snippet: &str) -> (&'static str, String) {
    use Variant::*;
    match (framework, variant) {
        ("express", Cookie) => (
            "js",
            format!(
                "const express = require(\"express\");\nconst app = express();\n\n\
                 app.post(\"/login\", (req, res) => {{\n{}\n  res.end();\n}});\n",
                indent(snippet, "  ")
            ),
        ),
        ("express", _) => (
            "js",
            format!(
                "const express = require(\"express\");\nconst app = express();\n\n{snippet}\n\n\
                 app.listen(3000);\n"
            ),
        ),
        ("nextjs", Cookie) => {
            let (imports, rest) = split_imports(snippet, &["import "]);
            (
                "mjs",
                format!(
                    "{imports}\nexport async function POST(request) {{\n{}\n  \
                     return new Response(null, {{ status: 204 }});\n}}\n",
                    indent(&rest, "  ")
                ),
            )
        }
        ("nextjs", _) => ("mjs", format!("{snippet}\n")),
        ("fastapi", Cookie) => (
            "py",
            format!(
                "from fastapi import FastAPI, Response\n\napp = FastAPI()\n\n\n\
                 @app.post(\"/login\")\ndef login(response: Response):\n{}\n    return {{}}\n",
                indent(snippet, "    ")
            ),
        ),
        ("fastapi", _) => (
            "py",
            format!("from fastapi import FastAPI\n\napp = FastAPI()\n\n{snippet}\n"),
        ),
        ("django", Cors) => (
            "py",
            format!("INSTALLED_APPS = []\nMIDDLEWARE = []\n\n{snippet}\n"),
        ),
        ("django", _) => (
            "py",
            format!(
                "from django.http import HttpResponse\n\n\ndef view(request):\n    \
                 response = HttpResponse()\n{}\n    return response\n",
                indent(snippet, "    ")
            ),
        ),
        ("flask", Cookie) => (
            "py",
            format!(
                "from flask import Flask, make_response\n\napp = Flask(__name__)\n\n\n\
                 @app.post(\"/login\")\ndef login():\n    response = make_response(\"\")\n{}\n    \
                 return response\n",
                indent(snippet, "    ")
            ),
        ),
        ("flask", _) => (
            "py",
            format!("from flask import Flask\n\napp = Flask(__name__)\n\n{snippet}\n"),
        ),
        ("rails", Cookie) => (
            "rb",
            format!(
                "class SessionsController < ApplicationController\n  def create\n{}\n    \
                 head :no_content\n  end\nend\n",
                indent(snippet, "    ")
            ),
        ),
        ("rails", Cors) => ("rb", format!("{snippet}\n")),
        ("rails", Framing) => (
            "rb",
            format!(
                "class EmbedController < ApplicationController\n{}\nend\n",
                indent(snippet, "  ")
            ),
        ),
        ("go", _) => (
            "go",
            format!(
                "package main\n\nimport \"net/http\"\n\n\
                 func handler(w http.ResponseWriter, r *http.Request) {{\n{}\n}}\n",
                indent(snippet, "\t")
            ),
        ),
        ("spring", _) => {
            let (imports, rest) = split_imports(snippet, &["import "]);
            let body = match variant {
                Cookie => format!(
                    "class SnippetController {{\n    \
                     void handle(jakarta.servlet.http.HttpServletResponse response) {{\n{}\n    \
                     }}\n}}\n",
                    indent(&rest, "        ")
                ),
                Cors => format!(
                    "@org.springframework.context.annotation.Configuration\n\
                     class SnippetConfig {{\n{}\n}}\n",
                    indent(&rest, "    ")
                ),
                Framing => format!(
                    "class SnippetSecurity {{\n    \
                     SecurityFilterChain filterChain(HttpSecurity http) throws Exception {{\n{}\n        \
                     return http.build();\n    }}\n}}\n",
                    indent(&rest, "        ")
                ),
            };
            ("java", format!("{imports}\n{body}"))
        }
        ("aspnet", _) => {
            let (imports, rest) = split_imports(snippet, &["using "]);
            let body = match variant {
                Cookie => format!(
                    "public class SnippetController : Controller\n{{\n    \
                     public IActionResult Handle()\n    {{\n{}\n        return NoContent();\n    \
                     }}\n}}\n",
                    indent(&rest, "        ")
                ),
                Cors | Framing => format!(
                    "public static class Snippet\n{{\n    \
                     public static void Configure(WebApplicationBuilder builder, WebApplication app)\n    \
                     {{\n{}\n    }}\n}}\n",
                    indent(&rest, "        ")
                ),
            };
            ("cs", format!("{imports}\n{body}"))
        }
        ("nginx", _) => (
            "conf",
            // The prefix (-p) holds the pid, logs and temp paths; `$dollar` is
            // what the snippets ask for at the http level when a value has '$'.
            format!(
                "pid nginx.pid;\nerror_log stderr;\nevents {{}}\nhttp {{\n    access_log off;\n    \
                 client_body_temp_path tmp/body;\n    proxy_temp_path tmp/proxy;\n    \
                 fastcgi_temp_path tmp/fastcgi;\n    uwsgi_temp_path tmp/uwsgi;\n    \
                 scgi_temp_path tmp/scgi;\n    geo $dollar {{ default \"$\"; }}\n    server {{\n        \
                 listen 127.0.0.1:8080;\n        location / {{\n{}\n            \
                 proxy_pass http://127.0.0.1:9;\n        }}\n    }}\n}}\n",
                indent(snippet, "            ")
            ),
        ),
        (other, _) => ("txt", format!("unknown framework {other}\n{snippet}\n")),
    }
}

#[test]
fn dump_snippets_for_their_parsers() {
    let Some(dir) = std::env::var_os("SNIPPETS_DUMP_DIR") else {
        return;
    };
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).unwrap();
    let mut index = String::new();
    let mut dump = |variant: Variant,
                    kind: &str,
                    case: &str,
                    out: std::collections::BTreeMap<String, String>| {
        for (framework, snippet) in out {
            let (ext, file) = wrap(&framework, variant, &snippet);
            let name = format!("{framework}-{kind}-{case}.{ext}");
            std::fs::write(dir.join(&name), file).unwrap();
            writeln!(index, "{framework}\t{name}").unwrap();
        }
    };
    for (case, spec) in cookie_specs() {
        dump(Variant::Cookie, "cookie", case, snippets::cookie(&spec));
    }
    for (case, spec) in cors_specs() {
        dump(Variant::Cors, "cors", case, snippets::cors(&spec));
    }
    for (case, spec) in framing_specs() {
        dump(Variant::Framing, "framing", case, snippets::framing(&spec));
    }
    std::fs::write(dir.join("index.tsv"), index).unwrap();
}
