//! A scenario's trace as a picture (SVG), one column per browser side by side
//! so that differences stand out: the frames are lanes, each request an arrow
//! from its frame to the network, labelled with the cookies it carried (✓) and
//! those withheld (✗ with the reason code), what each Set-Cookie did, and the
//! CORS and framing verdicts. Every text comes from user input (the scenario)
//! and is XML-escaped; hovering a request shows its details (`<title>`).
//!
//! Steps line up across browsers: a step's row is as tall as its tallest
//! rendering. Request groups carry `data-run`, `data-step` and `data-request`
//! (indices into the trace JSON) for a page that shows details on click.

use std::fmt::Write as _;

use cookie_doctor_engine::{RequestTrace, StepTrace, Trace};
use cookie_doctor_inputs::{Scenario, StepKind};

const GUTTER: usize = 150;
const COLUMN: usize = 540;
const LANE_GAP: usize = 70;
const LANE_LEFT: usize = 28;
const HEADER: usize = 70;
const LINE: usize = 17;
const ROW_PAD: usize = 12;
const CHAR_W: f64 = 6.6;
const FONT: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

const GREEN: &str = "#1a7f37";
const RED: &str = "#cf222e";
const AMBER: &str = "#9a6700";
const GREY: &str = "#6e7781";
const INK: &str = "#1f2328";
const BLUE: &str = "#0969da";

/// Escapes text for XML content and attribute values; characters XML 1.0
/// cannot carry become U+FFFD.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c as u32, 0xFFFE | 0xFFFF) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Cuts `text` to `max` characters, with `…` when cut.
fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// One line of a request's label.
struct Label {
    text: String,
    color: &'static str,
    class: &'static str,
    bold: bool,
}

impl Label {
    fn new(text: String, color: &'static str, class: &'static str) -> Label {
        Label {
            text,
            color,
            class,
            bold: false,
        }
    }
}

/// The lines under one request's arrow.
fn request_labels(r: &RequestTrace) -> Vec<Label> {
    let mut out = Vec::new();
    let status = if r.status == 200 {
        String::new()
    } else {
        format!(" → {}", r.status)
    };
    let mut head = Label::new(
        format!("{} {} · {}{status}", r.method, r.url, r.destination),
        INK,
        "url",
    );
    head.bold = true;
    out.push(head);
    if let Some(b) = &r.blocked {
        out.push(Label::new(
            format!(
                "⛔ blocked by {}: {}",
                b.by,
                b.reasons
                    .iter()
                    .map(|x| x.code())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            RED,
            "blocked",
        ));
    }
    if !r.sent.is_empty() {
        let names: Vec<String> = r
            .sent
            .iter()
            .map(|c| match &c.partition {
                Some(p) => format!("{} (partition {p})", c.name),
                None => c.name.clone(),
            })
            .collect();
        out.push(Label::new(
            format!("✓ sent {}", names.join(", ")),
            GREEN,
            "sent",
        ));
    }
    for e in &r.excluded {
        out.push(Label::new(
            format!(
                "✗ {} withheld: {}",
                e.name,
                e.reasons
                    .iter()
                    .map(|x| x.code())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            RED,
            "withheld",
        ));
    }
    for s in &r.set_cookie {
        let name = s
            .cookie
            .as_ref()
            .map_or_else(|| s.line.clone(), |c| c.name.clone());
        let (text, color, class) = if s.deleted {
            (
                format!("⬇ Set-Cookie {name}: deleted"),
                AMBER,
                "set-deleted",
            )
        } else if s.stored {
            (format!("⬇ Set-Cookie {name}: stored"), BLUE, "set-stored")
        } else {
            (
                format!(
                    "⬇ Set-Cookie {name}: rejected ({})",
                    s.reasons
                        .iter()
                        .map(|x| x.code())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                RED,
                "set-rejected",
            )
        };
        out.push(Label::new(text, color, class));
    }
    if let Some(c) = &r.cors {
        let pre = if c.preflight {
            " (after a preflight)"
        } else {
            ""
        };
        if c.readable {
            out.push(Label::new(
                format!("CORS: script may read the response{pre}"),
                GREEN,
                "cors-ok",
            ));
        } else {
            out.push(Label::new(
                format!(
                    "CORS: not readable{pre}: {}",
                    c.reasons
                        .iter()
                        .map(|x| x.code())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                RED,
                "cors-fail",
            ));
        }
    }
    out
}

/// The lines of a step that are not about one request.
fn step_labels(step: &StepTrace) -> Vec<Label> {
    let mut out = Vec::new();
    if let Some(js) = &step.js_set {
        let (text, color) = if js.stored {
            (format!("document.cookie = {}: stored", js.line), BLUE)
        } else {
            (
                format!(
                    "document.cookie = {}: rejected ({})",
                    js.line,
                    js.reasons
                        .iter()
                        .map(|x| x.code())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                RED,
            )
        };
        out.push(Label::new(text, color, "js"));
    }
    if step.kind == "js-read" {
        let text = match &step.js_cookie {
            Some(v) => format!("document.cookie → \"{v}\""),
            None => "document.cookie: no readable document".to_string(),
        };
        out.push(Label::new(text, INK, "js"));
    }
    if let Some(sa) = &step.storage_access {
        out.push(Label::new(format!("storage access: {sa}"), INK, "js"));
    }
    if let Some(e) = &step.error {
        out.push(Label::new(format!("⚠ {e}"), RED, "error"));
    }
    for x in &step.expect {
        let mark = if x.passed { "✓" } else { "✗" };
        let actual = x
            .actual
            .as_ref()
            .map_or_else(String::new, |a| format!(" (got {a})"));
        out.push(Label::new(
            format!("expect {} {} {mark}{actual}", x.check, x.value),
            if x.passed { GREEN } else { RED },
            if x.passed { "expect-ok" } else { "expect-fail" },
        ));
    }
    out
}

/// How many lines a step takes in one run.
fn step_lines(step: &StepTrace) -> usize {
    let requests: usize = step.requests.iter().map(|r| request_labels(r).len()).sum();
    (requests + step_labels(step).len()).max(1)
}

/// The hover text of a request: everything the trace says about it.
fn request_title(r: &RequestTrace) -> String {
    let mut t = format!(
        "{} {}\ndestination: {}\nsite for cookies: {}\ntop-level site: {}\nsame-site: {} · third-party: {} · status {}",
        r.method,
        r.url,
        r.destination,
        r.site_for_cookies.as_deref().unwrap_or("(opaque)"),
        r.top_level_site,
        r.same_site,
        r.third_party,
        r.status
    );
    for c in &r.sent {
        let _ = write!(t, "\nsent: {} ({}{})", c.name, c.domain, c.path);
    }
    for e in &r.excluded {
        let codes: Vec<&str> = e.reasons.iter().map(|x| x.code()).collect();
        let _ = write!(
            t,
            "\nwithheld: {} ({}{}): {}",
            e.name,
            e.domain,
            e.path,
            codes.join(", ")
        );
    }
    for s in &r.set_cookie {
        let codes: Vec<&str> = s.reasons.iter().map(|x| x.code()).collect();
        let verdict = if s.stored { "stored" } else { "rejected" };
        let _ = write!(t, "\nSet-Cookie: {} → {verdict}", s.line);
        if !codes.is_empty() {
            let _ = write!(t, " ({})", codes.join(", "));
        }
    }
    t
}

/// The frames of the scenario, in the order they appear: `top`, then each
/// iframe's name.
fn frames(scenario: &Scenario) -> Vec<String> {
    let mut out = vec!["top".to_string()];
    for step in &scenario.steps {
        for name in [step.name.as_ref(), step.from.as_ref()]
            .into_iter()
            .flatten()
        {
            if !out.contains(name) {
                out.push(name.clone());
            }
        }
    }
    out
}

fn text(
    out: &mut String,
    x: usize,
    y: usize,
    label: &Label,
    max_chars: usize,
    anchor: Option<&str>,
) {
    let weight = if label.bold {
        " font-weight=\"600\""
    } else {
        ""
    };
    let anchor = anchor.map_or_else(String::new, |a| format!(" text-anchor=\"{a}\""));
    let _ = writeln!(
        out,
        "<text x=\"{x}\" y=\"{y}\" fill=\"{}\" class=\"{}\"{weight}{anchor}>{}</text>",
        label.color,
        label.class,
        escape_xml(&fit(&label.text, max_chars))
    );
}

/// Renders the trace of `scenario` as one SVG document.
pub fn render_timeline_svg(scenario: &Scenario, trace: &Trace) -> String {
    let lanes = frames(scenario);
    let steps = trace.runs.iter().map(|r| r.steps.len()).max().unwrap_or(0);
    let heights: Vec<usize> = (0..steps)
        .map(|i| {
            trace
                .runs
                .iter()
                .filter_map(|r| r.steps.get(i))
                .map(step_lines)
                .max()
                .unwrap_or(1)
                * LINE
                + ROW_PAD * 2
        })
        .collect();
    let net_offset = LANE_LEFT + LANE_GAP * lanes.len().saturating_sub(1) + 56;
    // Room for about 56 characters of label right of the network lane.
    let column = COLUMN.max(net_offset + 390);
    let width = GUTTER + column * trace.runs.len().max(1);
    let height = HEADER + heights.iter().sum::<usize>() + 16;
    let text_chars = ((column.saturating_sub(net_offset + 16)) as f64 / CHAR_W) as usize;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"{FONT}\" font-size=\"12\" role=\"img\" aria-labelledby=\"timeline-title\">"
    );
    let _ = writeln!(
        out,
        "<title id=\"timeline-title\">{}</title>",
        escape_xml(&format!("Timeline of “{}”", scenario.name))
    );
    out.push_str(
        "<defs>\
         <marker id=\"arrow-ok\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#1a7f37\"/></marker>\
         <marker id=\"arrow-bad\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#cf222e\"/></marker>\
         <marker id=\"arrow-plain\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#6e7781\"/></marker>\
         </defs>\n",
    );
    let _ = writeln!(
        out,
        "<rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>"
    );

    // Row stripes and the step gutter.
    let mut y = HEADER;
    for (i, h) in heights.iter().enumerate() {
        let fill = if i % 2 == 0 { "#f6f8fa" } else { "#ffffff" };
        let _ = writeln!(
            out,
            "<rect x=\"0\" y=\"{y}\" width=\"{width}\" height=\"{h}\" fill=\"{fill}\" class=\"row\"/>"
        );
        if let Some(step) = scenario.steps.get(i) {
            let what = match step.kind {
                StepKind::Open => "open".to_string(),
                StepKind::Iframe => format!("iframe “{}”", step.name.as_deref().unwrap_or("")),
                StepKind::Wait => format!("wait {} s", step.seconds.unwrap_or(0.0)),
                k => k.as_str().to_string(),
            };
            let from = step
                .from
                .as_deref()
                .map_or_else(String::new, |f| format!("in {f}"));
            let _ = writeln!(
                out,
                "<text x=\"14\" y=\"{}\" fill=\"{INK}\" font-weight=\"600\" class=\"step\">{}</text>",
                y + ROW_PAD + 12,
                escape_xml(&fit(&format!("{}. {what}", i + 1), 20))
            );
            if !from.is_empty() {
                let _ = writeln!(
                    out,
                    "<text x=\"14\" y=\"{}\" fill=\"{GREY}\" class=\"step-from\">{}</text>",
                    y + ROW_PAD + 12 + LINE,
                    escape_xml(&fit(&from, 20))
                );
            }
        }
        y += h;
    }
    let _ = writeln!(
        out,
        "<line x1=\"{GUTTER}\" y1=\"0\" x2=\"{GUTTER}\" y2=\"{height}\" stroke=\"#d0d7de\"/>"
    );

    for (run_index, run) in trace.runs.iter().enumerate() {
        let x0 = GUTTER + column * run_index;
        let net_x = x0 + net_offset;
        let lane_x = |name: &str| -> usize {
            let i = lanes.iter().position(|l| l == name).unwrap_or(0);
            x0 + LANE_LEFT + LANE_GAP * i
        };
        if run_index > 0 {
            let _ = writeln!(
                out,
                "<line x1=\"{x0}\" y1=\"0\" x2=\"{x0}\" y2=\"{height}\" stroke=\"#d0d7de\"/>"
            );
        }
        let holds = run.expectations_hold();
        let _ = writeln!(
            out,
            "<g class=\"run\" data-run=\"{run_index}\" data-browser=\"{}\">",
            escape_xml(&run.browser)
        );
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"24\" fill=\"{INK}\" font-size=\"15\" font-weight=\"700\" class=\"browser\">{}</text>",
            x0 + 14,
            escape_xml(&run.browser)
        );
        let any_expect = run.steps.iter().any(|s| !s.expect.is_empty());
        if any_expect {
            let (label, color) = if holds {
                ("every expectation holds", GREEN)
            } else {
                ("an expectation fails", RED)
            };
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"24\" fill=\"{color}\" text-anchor=\"end\" class=\"verdict\">{label}</text>",
                x0 + column - 14
            );
        }
        // Lanes: frames, then the network.
        for name in &lanes {
            let x = lane_x(name);
            let _ = writeln!(
                out,
                "<text x=\"{x}\" y=\"{}\" fill=\"{GREY}\" text-anchor=\"middle\" class=\"lane-label\">{}</text>",
                HEADER - 12,
                escape_xml(&fit(name, 10))
            );
            let _ = writeln!(
                out,
                "<line x1=\"{x}\" y1=\"{HEADER}\" x2=\"{x}\" y2=\"{}\" stroke=\"#8c959f\" stroke-dasharray=\"3 3\" class=\"lane\"/>",
                height - 8
            );
        }
        let _ = writeln!(
            out,
            "<text x=\"{net_x}\" y=\"{}\" fill=\"{GREY}\" text-anchor=\"middle\" class=\"lane-label\">network</text>",
            HEADER - 12
        );
        let _ = writeln!(
            out,
            "<line x1=\"{net_x}\" y1=\"{HEADER}\" x2=\"{net_x}\" y2=\"{}\" stroke=\"#8c959f\" class=\"lane\"/>",
            height - 8
        );

        let mut row_y = HEADER;
        for (step_index, h) in heights.iter().enumerate() {
            let Some(step) = run.steps.get(step_index) else {
                row_y += h;
                continue;
            };
            let scen_step = scenario.steps.get(step_index);
            let from = step
                .from
                .clone()
                .or_else(|| scen_step.and_then(|s| s.from.clone()))
                .unwrap_or_else(|| "top".to_string());
            let mut line_y = row_y + ROW_PAD + 12;
            for (request_index, r) in step.requests.iter().enumerate() {
                let labels = request_labels(r);
                let (marker, stroke) =
                    if r.blocked.is_some() || r.cors.as_ref().is_some_and(|c| !c.readable) {
                        ("arrow-bad", RED)
                    } else if !r.sent.is_empty() {
                        ("arrow-ok", GREEN)
                    } else if !r.excluded.is_empty() {
                        ("arrow-bad", RED)
                    } else {
                        ("arrow-plain", GREY)
                    };
                let dash = if r.method == "OPTIONS" {
                    " stroke-dasharray=\"5 3\""
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "<g class=\"req\" tabindex=\"0\" data-run=\"{run_index}\" data-step=\"{step_index}\" data-request=\"{request_index}\">"
                );
                let _ = writeln!(out, "<title>{}</title>", escape_xml(&request_title(r)));
                let box_h = labels.len() * LINE;
                let _ = writeln!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"transparent\" class=\"hit\"/>",
                    x0 + 4,
                    line_y - 13,
                    column - 8,
                    box_h + 2
                );
                let ax = lane_x(&from);
                let _ = writeln!(
                    out,
                    "<circle cx=\"{ax}\" cy=\"{}\" r=\"3.5\" fill=\"{stroke}\"/>",
                    line_y - 4
                );
                let _ = writeln!(
                    out,
                    "<line x1=\"{ax}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{stroke}\" stroke-width=\"1.8\"{dash} marker-end=\"url(#{marker})\" class=\"arrow\"/>",
                    net_x - 2,
                    y = line_y - 4
                );
                if step.kind == "iframe"
                    && request_index + 1 == step.requests.len()
                    && let Some(name) = scen_step.and_then(|s| s.name.as_deref())
                {
                    {
                        let fx = lane_x(name);
                        let _ = writeln!(
                            out,
                            "<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" rx=\"2\" fill=\"#ffffff\" stroke=\"{INK}\" class=\"frame-start\"/>",
                            fx - 5,
                            line_y - 9
                        );
                    }
                }
                for label in &labels {
                    text(&mut out, net_x + 10, line_y, label, text_chars, None);
                    line_y += LINE;
                }
                out.push_str("</g>\n");
            }
            let extra = step_labels(step);
            if !extra.is_empty() {
                let ax = lane_x(&from);
                if step.requests.is_empty() {
                    let _ = writeln!(
                        out,
                        "<circle cx=\"{ax}\" cy=\"{}\" r=\"4\" fill=\"{INK}\"/>",
                        line_y - 4
                    );
                }
                let chars =
                    (column.saturating_sub(ax.saturating_sub(x0) + 24) as f64 / CHAR_W) as usize;
                let chars = chars.max(text_chars);
                let x = if step.requests.is_empty() {
                    ax + 10
                } else {
                    net_x + 10
                };
                for label in &extra {
                    text(&mut out, x, line_y, label, chars, None);
                    line_y += LINE;
                }
            }
            if step.requests.is_empty() && extra.is_empty() {
                let _ = writeln!(
                    out,
                    "<text x=\"{}\" y=\"{line_y}\" fill=\"{GREY}\" class=\"quiet\">(no request)</text>",
                    lane_x(&from) + 10
                );
            }
            row_y += h;
        }
        out.push_str("</g>\n");
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_xml_cares_about() {
        assert_eq!(
            escape_xml("<a href=\"x\">&'\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;\u{FFFD}"
        );
    }

    #[test]
    fn fit_cuts_with_an_ellipsis() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
    }
}
