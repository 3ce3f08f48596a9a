//! Rules about cross-site request forgery: a credential cookie that browsers
//! attach to requests another site starts, with no sign of a defence.
//!
//! Shared here: the origins a CSRF check must trust (the app, its declared
//! embedders and callers) and the per-framework code of an `Origin` /
//! `Sec-Fetch-Site` check (Fetch Metadata, w3c/webappsec-fetch-metadata), as
//! plain strings keyed like the other snippets.

mod cross_site_cookie_without_check;

use std::collections::BTreeMap;

use cookie_doctor_site::Origin;

use super::{Rule, RuleContext};

/// The rules of this area, in report order.
pub fn rules() -> Vec<&'static dyn Rule> {
    vec![&cross_site_cookie_without_check::CrossSiteCookieWithoutCheck]
}

/// The origins whose state-changing requests are legitimate: the URL's own,
/// then every declared embedder and caller, without duplicates.
pub fn trusted_origins(cx: &RuleContext<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let own = Origin::of_url(&cx.deployment.url).ok();
    for origin in own
        .iter()
        .chain(&cx.deployment.embedded_in)
        .chain(&cx.deployment.called_from)
    {
        let s = origin.to_string();
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

fn quoted(origins: &[String]) -> String {
    origins
        .iter()
        .map(|o| format!("\"{o}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An `Origin` / `Sec-Fetch-Site` check for each framework: refuse a
/// state-changing request (not GET, HEAD, OPTIONS) that a browser marks
/// cross-origin, unless its `Origin` is trusted; requests with neither header
/// (old browsers, non-browser clients) pass, as in Go's
/// `http.CrossOriginProtection`.
pub fn origin_check_snippets(trusted: &[String]) -> BTreeMap<String, String> {
    let list = quoted(trusted);
    let mut out = BTreeMap::new();
    out.insert(
        "express".to_string(),
        format!(
            r#"// Refuse cross-origin state-changing requests (Fetch Metadata + Origin).
const TRUSTED_ORIGINS = new Set([{list}]);
app.use((req, res, next) => {{
  if (["GET", "HEAD", "OPTIONS"].includes(req.method)) return next();
  const site = req.get("Sec-Fetch-Site");
  const origin = req.get("Origin");
  if (site === "same-origin" || site === "none") return next();
  if (origin !== undefined && TRUSTED_ORIGINS.has(origin)) return next();
  if (site === undefined && origin === undefined) return next(); // not a browser, or a very old one
  res.status(403).send("cross-site request refused");
}});
"#
        ),
    );
    out.insert(
        "nextjs".to_string(),
        format!(
            r#"// middleware.js: refuse cross-origin state-changing requests.
import {{ NextResponse }} from "next/server";

const TRUSTED_ORIGINS = new Set([{list}]);

export function middleware(request) {{
  if (["GET", "HEAD", "OPTIONS"].includes(request.method)) return NextResponse.next();
  const site = request.headers.get("sec-fetch-site");
  const origin = request.headers.get("origin");
  if (site === "same-origin" || site === "none") return NextResponse.next();
  if (origin !== null && TRUSTED_ORIGINS.has(origin)) return NextResponse.next();
  if (site === null && origin === null) return NextResponse.next();
  return new NextResponse("cross-site request refused", {{ status: 403 }});
}}
"#
        ),
    );
    out.insert(
        "fastapi".to_string(),
        format!(
            r#"# Refuse cross-origin state-changing requests (Fetch Metadata + Origin).
from fastapi import Request
from fastapi.responses import PlainTextResponse

TRUSTED_ORIGINS = {{{list}}}


@app.middleware("http")
async def refuse_cross_site(request: Request, call_next):
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        site = request.headers.get("sec-fetch-site")
        origin = request.headers.get("origin")
        trusted = site in ("same-origin", "none") or origin in TRUSTED_ORIGINS
        if not trusted and (site is not None or origin is not None):
            return PlainTextResponse("cross-site request refused", status_code=403)
    return await call_next(request)
"#
        ),
    );
    out.insert(
        "flask".to_string(),
        format!(
            r#"# Refuse cross-origin state-changing requests (Fetch Metadata + Origin).
from flask import abort, request

TRUSTED_ORIGINS = {{{list}}}


@app.before_request
def refuse_cross_site():
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if site in ("same-origin", "none") or origin in TRUSTED_ORIGINS:
        return None
    if site is None and origin is None:
        return None
    abort(403)
"#
        ),
    );
    out.insert(
        "django".to_string(),
        format!(
            r#"# settings.py: keep "django.middleware.csrf.CsrfViewMiddleware" in MIDDLEWARE
# (it checks the Origin header and the csrftoken), and never mark views
# @csrf_exempt. The origins that may send state-changing requests:
CSRF_TRUSTED_ORIGINS = [{list}]
"#
        ),
    );
    out.insert(
        "rails".to_string(),
        format!(
            r#"# app/controllers/application_controller.rb
class ApplicationController < ActionController::Base
  protect_from_forgery with: :exception

  TRUSTED_ORIGINS = [{list}].freeze

  before_action :refuse_cross_site

  private

  def refuse_cross_site
    return if request.get? || request.head? || request.options?
    site = request.headers["Sec-Fetch-Site"]
    origin = request.headers["Origin"]
    return if %w[same-origin none].include?(site) || TRUSTED_ORIGINS.include?(origin)
    return if site.nil? && origin.nil?
    head :forbidden
  end
end
"#
        ),
    );
    out.insert(
        "spring".to_string(),
        r#"// Spring Security checks a CSRF token on every state-changing request by
// default: keep it on (never http.csrf(csrf -> csrf.disable())).
@Bean
SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
    http.csrf(Customizer.withDefaults());
    return http.build();
}
"#
        .to_string(),
    );
    out.insert(
        "aspnet".to_string(),
        format!(
            r#"// Program.cs: antiforgery tokens plus a Fetch Metadata / Origin check.
builder.Services.AddAntiforgery();
var app = builder.Build();
app.UseAntiforgery();

string[] trustedOrigins = {{ {list} }};
app.Use(async (context, next) =>
{{
    var method = context.Request.Method;
    if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method))
    {{
        var site = context.Request.Headers["Sec-Fetch-Site"].ToString();
        var origin = context.Request.Headers.Origin.ToString();
        var trusted = site == "same-origin" || site == "none" || trustedOrigins.Contains(origin);
        if (!trusted && (site.Length > 0 || origin.Length > 0))
        {{
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }}
    }}
    await next();
}});
"#
        ),
    );
    let go_trusted: String = trusted.iter().map(|o| format!("\t\"{o}\",\n")).collect();
    out.insert(
        "go".to_string(),
        format!(
            r#"package main

import "net/http"

var trustedOrigins = []string{{
{go_trusted}}}

// refuseCrossSite refuses cross-origin state-changing requests using
// Sec-Fetch-Site and Origin (Go 1.25+: http.NewCrossOriginProtection does the same).
func refuseCrossSite(next http.Handler) http.Handler {{
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {{
		switch r.Method {{
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}}
		site := r.Header.Get("Sec-Fetch-Site")
		origin := r.Header.Get("Origin")
		trusted := site == "same-origin" || site == "none" || (site == "" && origin == "")
		for _, o := range trustedOrigins {{
			trusted = trusted || origin == o
		}}
		if !trusted {{
			http.Error(w, "cross-site request refused", http.StatusForbidden)
			return
		}}
		next.ServeHTTP(w, r)
	}})
}}
"#
        ),
    );
    let nginx_trusted: String = trusted
        .iter()
        .map(|o| format!("    \"{o}\" 1;\n"))
        .collect();
    out.insert(
        "nginx".to_string(),
        format!(
            "# http {{ }} context: refuse cross-site state-changing requests from untrusted origins.\nmap $http_origin $csrf_trusted_origin {{\n    default 0;\n{nginx_trusted}}}\nmap \"$request_method:$http_sec_fetch_site:$csrf_trusted_origin\" $csrf_refuse {{\n    default 0;\n    \"~^(POST|PUT|PATCH|DELETE):cross-site:0$\" 1;\n}}\n# server {{ }} context:\n# if ($csrf_refuse) {{ return 403; }}\n"
        ),
    );
    out
}
