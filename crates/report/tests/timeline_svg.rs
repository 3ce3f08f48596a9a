//! Snapshot of the SVG timeline for a seed scenario, plus the properties that
//! must hold for any input: well-formed XML (every tag closed, user text
//! escaped) and the withheld cookie shown with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cookie_doctor_cookie::Time;
use cookie_doctor_report::timeline_svg::render_timeline_svg;
use cookie_doctor_site::BuiltinPsl;

fn render(toml: &str) -> String {
    let scenario = cookie_doctor_inputs::parse_scenario(toml, "test").unwrap();
    let profiles: Vec<_> = cookie_doctor_profiles::builtin()
        .into_iter()
        .filter(|p| scenario.browsers.is_empty() || scenario.browsers.contains(&p.name))
        .collect();
    let trace = cookie_doctor_engine::simulate(
        &scenario,
        &profiles,
        &BuiltinPsl,
        Time::from_unix(1_700_000_000),
    );
    render_timeline_svg(&scenario, &trace)
}

#[test]
fn embedded_dashboard_timeline_snapshot() {
    let toml = include_str!("../../../examples/scenarios/embedded-dashboard.toml");
    let svg = render(toml);
    assert!(svg.contains("✗ sid withheld: samesite-lax"));
    assert!(svg.contains("⬇ Set-Cookie sid: stored"));
    insta::assert_snapshot!("embedded_dashboard_timeline", svg);
}

#[test]
fn every_bundled_scenario_renders_balanced_markup() {
    for toml in [
        include_str!("../../../examples/scenarios/api-on-another-site.toml"),
        include_str!("../../../examples/scenarios/chips-widget-two-embedders.toml"),
        include_str!("../../../examples/scenarios/logout-does-not-clear.toml"),
        include_str!("../../../examples/scenarios/sso-form-post-callback.toml"),
    ] {
        let svg = render(toml);
        assert_eq!(svg.matches("<g").count(), svg.matches("</g>").count());
        assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
        assert!(svg.trim_end().ends_with("</svg>"));
    }
}

#[test]
fn user_text_is_escaped() {
    let toml = r#"
name = "<script>alert('x')</script> & co"
browsers = ["chrome"]

[[response]]
url = "https://app.example/"
headers = ["Set-Cookie: a=<b>&\"; Secure"]

[[step]]
do = "open"
url = "https://app.example/?q=<img src=x onerror=alert(1)>"

[[step]]
do = "js-set"
cookie = "x=</text><script>1</script>"
"#;
    let svg = render(toml);
    assert!(!svg.contains("<script"), "{svg}");
    assert!(!svg.contains("<img"), "{svg}");
    assert!(!svg.contains("<b>"), "{svg}");
    assert!(svg.contains("&lt;script&gt;"), "{svg}");
    assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
}
