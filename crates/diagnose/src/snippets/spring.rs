//! Spring Boot (Spring Framework 6.2+ / Spring Security 6): `ResponseCookie`,
//! a `CorsConfigurationSource` bean, and the Security headers DSL.

use super::{
    CorsSpec, Framing, FramingSpec, Lang, cookie_path, csp, framing_kind, quote, quote_list,
    same_site,
};
use crate::fix::CookieSpec;

const JAVA: Lang = Lang::Java;

/// A `ResponseCookie` added to the handler's `HttpServletResponse response`.
pub(super) fn cookie(spec: &CookieSpec) -> String {
    let deletion = spec.is_deletion();
    let value = if deletion { "" } else { spec.value.as_str() };
    let mut calls = Vec::new();
    if let Some(domain) = &spec.domain {
        calls.push(format!(".domain({})", quote(domain, JAVA)));
    }
    calls.push(format!(".path({})", quote(cookie_path(spec), JAVA)));
    if spec.secure {
        calls.push(".secure(true)".into());
    }
    if spec.http_only {
        calls.push(".httpOnly(true)".into());
    }
    if let Some(same_site) = same_site(spec) {
        calls.push(format!(".sameSite({})", quote(same_site.title(), JAVA)));
    }
    if spec.partitioned {
        calls.push(".partitioned(true) // Spring Framework 6.2+".into());
    }
    if deletion {
        calls.push(".maxAge(0) // deletes it: same Domain, Path, Secure and Partitioned".into());
    } else if let Some(max_age) = spec.max_age {
        calls.push(format!(".maxAge({max_age})"));
    }
    let mut out = String::from(
        "import org.springframework.http.HttpHeaders;\n\
         import org.springframework.http.ResponseCookie;\n\n",
    );
    if !deletion && spec.expires.is_some() && spec.max_age.is_none() {
        out.push_str(
            "// ResponseCookie has no Expires: give the same lifetime with .maxAge(seconds)\n",
        );
    }
    out.push_str(&format!(
        "ResponseCookie cookie = ResponseCookie.from({}, {})\n",
        quote(&spec.name, JAVA),
        quote(value, JAVA)
    ));
    for call in calls {
        out.push_str(&format!("        {call}\n"));
    }
    out.push_str(
        "        .build();\n\
         response.addHeader(HttpHeaders.SET_COOKIE, cookie.toString());",
    );
    out
}

/// A `CorsConfigurationSource` bean (in a `@Configuration` class): Spring echoes
/// an allowed origin and adds `Vary: Origin`.
pub(super) fn cors(spec: &CorsSpec) -> String {
    let mut body = vec![
        "CorsConfiguration config = new CorsConfiguration();".to_string(),
        format!(
            "config.setAllowedOrigins(List.of({}));",
            quote_list(&spec.allow_origins, JAVA)
        ),
    ];
    if spec.allow_credentials {
        body.push("config.setAllowCredentials(true);".into());
    }
    if !spec.allow_methods.is_empty() {
        body.push(format!(
            "config.setAllowedMethods(List.of({}));",
            quote_list(&spec.allow_methods, JAVA)
        ));
    }
    if !spec.allow_headers.is_empty() {
        body.push(format!(
            "config.setAllowedHeaders(List.of({}));",
            quote_list(&spec.allow_headers, JAVA)
        ));
    }
    body.push(
        "UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();".into(),
    );
    body.push("source.registerCorsConfiguration(\"/**\", config);".into());
    body.push("return source;".into());
    format!(
        "import java.util.List;\n\
         import org.springframework.context.annotation.Bean;\n\
         import org.springframework.web.cors.CorsConfiguration;\n\
         import org.springframework.web.cors.CorsConfigurationSource;\n\
         import org.springframework.web.cors.UrlBasedCorsConfigurationSource;\n\n\
         // echoes the request's Origin when it is in the list, and sends Vary: Origin;\n\
         // with Spring Security, also call http.cors(Customizer.withDefaults())\n\
         @Bean\n\
         CorsConfigurationSource corsConfigurationSource() {{\n    {}\n}}",
        body.join("\n    ")
    )
}

/// The Spring Security headers DSL, in the `SecurityFilterChain` bean that
/// configures `HttpSecurity http`; X-Frame-Options is kept consistent with it.
pub(super) fn framing(spec: &FramingSpec) -> String {
    let frame_options = match framing_kind(spec) {
        Framing::Deny => "frame -> frame.deny()",
        Framing::SameOrigin => "frame -> frame.sameOrigin()",
        // Spring Security's default X-Frame-Options: DENY cannot name the embedder.
        Framing::Others => "frame -> frame.disable()",
    };
    format!(
        "// in the SecurityFilterChain bean that configures HttpSecurity http\n\
         http.headers(headers -> headers\n        \
         .frameOptions({frame_options})\n        \
         .contentSecurityPolicy(policy -> policy.policyDirectives({})));",
        quote(&csp(spec), JAVA)
    )
}
