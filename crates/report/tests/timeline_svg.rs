//! Snapshot of the SVG timeline for a seed scenario, plus the properties that
//! must hold for any input: well-formed XML (every tag closed, user text
//! escaped), the withheld cookie shown with its reason, and a picture of six
//! browsers narrow enough for a page to show them side by side.
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

/// The `width` attribute of the picture.
fn width(svg: &str) -> usize {
    let (_, rest) = svg.split_once(" width=\"").unwrap();
    rest.split('"').next().unwrap().parse().unwrap()
}

/// The picture's text with the line breaks (`<tspan>`) taken out.
fn unwrapped(svg: &str) -> String {
    let mut out = String::new();
    for (i, piece) in svg.split("<tspan").enumerate() {
        out.push_str(if i == 0 {
            piece
        } else {
            piece.split_once('>').unwrap().1
        });
    }
    out.replace("</tspan>", "")
}

const BUNDLED: [&str; 5] = [
    include_str!("../../../examples/scenarios/api-on-another-site.toml"),
    include_str!("../../../examples/scenarios/chips-widget-two-embedders.toml"),
    include_str!("../../../examples/scenarios/embedded-dashboard.toml"),
    include_str!("../../../examples/scenarios/logout-does-not-clear.toml"),
    include_str!("../../../examples/scenarios/sso-form-post-callback.toml"),
];

#[test]
fn six_browsers_fit_side_by_side() {
    for toml in BUNDLED {
        let svg = render(toml);
        assert_eq!(svg.matches("class=\"run\"").count(), 6);
        // About 1 320 px of page shows it at 11 px text (12 in the picture).
        assert!(width(&svg) <= 1456, "{}", width(&svg));
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline wide\"")
        );
        assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
        assert_eq!(
            svg.matches("<tspan").count(),
            svg.matches("</tspan>").count()
        );
    }
    // Long labels wrap rather than lose their end: the reasons that differ
    // between browsers stay visible.
    let svg = unwrapped(&render(BUNDLED[2]));
    assert!(svg.contains(">✗ sid withheld: samesite-lax, third-party-blocked</text>"));
    assert!(svg.contains(">GET https://partner.example/ · document</text>"));
}

#[test]
fn one_browser_keeps_its_lanes_and_width() {
    let toml = BUNDLED[2].replacen(
        "\n[[response]]",
        "browsers = [\"chrome\"]\n\n[[response]]",
        1,
    );
    let svg = render(&toml);
    assert_eq!(svg.matches("class=\"run\"").count(), 1);
    // The natural width: the gutter, two lanes and ~56 characters of label.
    assert_eq!(width(&svg), 150 + 154 + 390);
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\""));
    assert!(svg.contains("class=\"lane-label\">network</text>"));
    assert!(!svg.contains("<tspan"));
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
    // Six browsers: narrow columns, where labels wrap (each line escaped).
    let svg = render(&toml.replace("browsers = [\"chrome\"]\n", ""));
    assert!(svg.contains("<tspan"), "{svg}");
    assert!(!svg.contains("<script"), "{svg}");
    assert!(!svg.contains("<img"), "{svg}");
    assert!(!svg.contains("<b>"), "{svg}");
    assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
    assert_eq!(
        svg.matches("<tspan").count(),
        svg.matches("</tspan>").count()
    );
}
