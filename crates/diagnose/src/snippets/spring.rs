//! Spring Boot (Spring Framework 6.2+ / Spring Security 6): `ResponseCookie`,
//! a `CorsConfigurationSource` bean, and the Security headers DSL.

use std::fmt::Write as _;

use super::{
    CorsSpec, Framing, FramingSpec, Lang, cookie_buffer, cookie_path, cors_buffer, framing_buffer,
    framing_kind, push_quoted, push_quoted_csp, push_quoted_list, same_site,
};
use crate::fix::CookieSpec;

const JAVA: Lang = Lang::Java;

/// A `ResponseCookie` added to the handler's `HttpServletResponse response`.
pub(super) fn cookie(spec: &CookieSpec) -> String {
    let deletion = spec.is_deletion();
    let value = if deletion { "" } else { spec.value.as_str() };
    let mut out = cookie_buffer(spec);
    out.push_str(
        "import org.springframework.http.HttpHeaders;\n\
         import org.springframework.http.ResponseCookie;\n\n",
    );
    if !deletion && spec.expires.is_some() && spec.max_age.is_none() {
        out.push_str(
            "// ResponseCookie has no Expires: give the same lifetime with .maxAge(seconds)\n",
        );
    }
    out.push_str("ResponseCookie cookie = ResponseCookie.from(");
    push_quoted(&mut out, &spec.name, JAVA);
    out.push_str(", ");
    push_quoted(&mut out, value, JAVA);
    out.push_str(")\n");
    // The builder's calls, one a line.
    if let Some(domain) = &spec.domain {
        out.push_str("        .domain(");
        push_quoted(&mut out, domain, JAVA);
        out.push_str(")\n");
    }
    out.push_str("        .path(");
    push_quoted(&mut out, cookie_path(spec), JAVA);
    out.push_str(")\n");
    if spec.secure {
        out.push_str("        .secure(true)\n");
    }
    if spec.http_only {
        out.push_str("        .httpOnly(true)\n");
    }
    if let Some(same_site) = same_site(spec) {
        out.push_str("        .sameSite(");
        push_quoted(&mut out, same_site.title(), JAVA);
        out.push_str(")\n");
    }
    if spec.partitioned {
        out.push_str("        .partitioned(true) // Spring Framework 6.2+\n");
    }
    if deletion {
        out.push_str(
            "        .maxAge(0) // deletes it: same Domain, Path, Secure and Partitioned\n",
        );
    } else if let Some(max_age) = spec.max_age {
        let _ = writeln!(out, "        .maxAge({max_age})");
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
    let mut out = cors_buffer(spec);
    out.push_str(
        "import java.util.List;\n\
         import org.springframework.context.annotation.Bean;\n\
         import org.springframework.web.cors.CorsConfiguration;\n\
         import org.springframework.web.cors.CorsConfigurationSource;\n\
         import org.springframework.web.cors.UrlBasedCorsConfigurationSource;\n\n\
         // echoes the request's Origin when it is in the list, and sends Vary: Origin;\n\
         // with Spring Security, also call http.cors(Customizer.withDefaults())\n\
         @Bean\n\
         CorsConfigurationSource corsConfigurationSource() {\n    \
         CorsConfiguration config = new CorsConfiguration();\n    \
         config.setAllowedOrigins(List.of(",
    );
    push_quoted_list(&mut out, &spec.allow_origins, JAVA);
    out.push_str("));\n    ");
    if spec.allow_credentials {
        out.push_str("config.setAllowCredentials(true);\n    ");
    }
    if !spec.allow_methods.is_empty() {
        out.push_str("config.setAllowedMethods(List.of(");
        push_quoted_list(&mut out, &spec.allow_methods, JAVA);
        out.push_str("));\n    ");
    }
    if !spec.allow_headers.is_empty() {
        out.push_str("config.setAllowedHeaders(List.of(");
        push_quoted_list(&mut out, &spec.allow_headers, JAVA);
        out.push_str("));\n    ");
    }
    out.push_str(
        "UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();\n    \
         source.registerCorsConfiguration(\"/**\", config);\n    \
         return source;\n\
         }",
    );
    out
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
    let mut out = framing_buffer(spec);
    out.push_str(
        "// in the SecurityFilterChain bean that configures HttpSecurity http\n\
         http.headers(headers -> headers\n        \
         .frameOptions(",
    );
    out.push_str(frame_options);
    out.push_str(")\n        .contentSecurityPolicy(policy -> policy.policyDirectives(");
    push_quoted_csp(&mut out, spec, JAVA);
    out.push_str(")));");
    out
}
