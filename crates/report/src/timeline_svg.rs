//! A scenario's trace as a picture (SVG), one column per browser side by side
//! so that differences stand out: the frames are lanes, each request an arrow
//! from its frame to the network, labelled with the cookies it carried (✓) and
//! those withheld (✗ with the reason code), what each Set-Cookie did, and the
//! CORS and framing verdicts. Every text comes from user input (the scenario)
//! and is XML-escaped; hovering a request shows its details (`<title>`).
//!
//! Steps line up across browsers: a step's row is as tall as its tallest
//! rendering. Many browsers narrow the columns to about 1 456 units in all
//! (labels wrap; too narrow for lanes, each request is a short arrow and the
//! gutter names the frame); such a picture has the class `wide`, which the
//! web page scales down to its width. Request groups carry `data-run`,
//! `data-step` and `data-request` (indices into the trace JSON) for a page
//! that shows details on click.

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
/// The width of a bold character (a request's first line).
const CHAR_W_BOLD: f64 = 7.4;
/// The width (user units) the picture aims at when several browsers do not
/// fit at their natural width: a page about 1 320 px wide shows it at about
/// 11 px text (the page lets it shrink to 10 px before scrolling sideways).
const TARGET_WIDTH: usize = 1456;
/// A picture wider than this gets the class `wide`: a page may scale it down
/// to its width (`viewBox` keeps the proportions).
const WIDE: usize = 1200;
/// The step gutter of a compact picture.
const COMPACT_GUTTER: usize = 140;
/// The header of a compact picture (browser name, then its verdict).
const COMPACT_HEADER: usize = 56;
/// The narrowest compact column; past it the picture grows wider.
const COMPACT_MIN: usize = 200;
/// A compact column's request labels start this far right of its edge.
const COMPACT_TEXT: usize = 28;
/// Space kept right of a label.
const RIGHT_PAD: usize = 6;
/// The most lines one label wraps to before it is cut with `…`.
const MAX_LABEL_LINES: usize = 4;
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
                None => c.name.to_string(),
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
        // Unparsed: the line up to its attributes (all of it on hover).
        let name = s.cookie.as_ref().map_or_else(
            || s.line.split(';').next().unwrap_or("").trim().to_string(),
            |c| c.name.to_string(),
        );
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

/// Splits `text` into lines of at most `max` characters: at a space or after
/// a `,` when it can, else after a `/` (not inside `//`), else after a `-`,
/// else anywhere; at most `max_lines` lines, the last cut with `…` when text
/// is left over. The lines keep their spaces, so that joined they give `text`
/// back (when it was not cut): the picture's text content stays searchable.
fn wrap(text: &str, max: usize, max_lines: usize) -> Vec<String> {
    let max = max.max(8);
    let mut lines: Vec<String> = Vec::new();
    let mut rest: Vec<char> = text.chars().collect();
    while !rest.is_empty() {
        if lines.len() + 1 == max_lines.max(1) || rest.len() <= max {
            lines.push(fit(&rest.iter().collect::<String>(), max));
            break;
        }
        // The last break opportunity within `max` characters, by rank:
        // between words, else in a path, else in a hyphenated word. Never
        // right after a URL's `://`: `https://` alone on a line says nothing.
        let after_scheme =
            |i: usize| i >= 3 && rest.get(i - 3..i).is_some_and(|s| s == [':', '/', '/']);
        let rank = |i: usize| match (rest.get(i - 1), rest.get(i)) {
            (Some(' ' | ','), _) | (_, Some(' ')) => 3,
            (Some('/'), next) if next != Some(&'/') && !after_scheme(i) => 2,
            (Some('-'), _) => 1,
            _ => 0,
        };
        // Not before a third of the line, unless the only other choice is
        // cutting a word or a host (`GET` / `https://host/…`).
        let third = max / 3 + 1;
        let cut = [(3, third), (2, third), (1, third), (3, 2)]
            .into_iter()
            .find_map(|(r, earliest)| {
                (earliest..=max.min(rest.len()))
                    .rev()
                    .find(|&i| rank(i) >= r)
            })
            .unwrap_or(max);
        // A space right after the cut stays on this line (it does not show).
        let cut = if rest.get(cut) == Some(&' ') {
            cut + 1
        } else {
            cut
        };
        let tail = rest.split_off(cut.min(rest.len()));
        lines.push(rest.iter().collect());
        rest = tail;
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// How many characters fit in `width` user units.
fn chars_in(width: usize, bold: bool) -> usize {
    (width as f64 / if bold { CHAR_W_BOLD } else { CHAR_W }) as usize
}

/// The lines of `label` in `width` user units.
fn label_lines(label: &Label, width: usize) -> Vec<String> {
    wrap(&label.text, chars_in(width, label.bold), MAX_LABEL_LINES)
}

/// Writes one label at (`x`, `y`), wrapped to `width` user units; returns
/// how many lines it took.
fn text(out: &mut String, x: usize, y: usize, label: &Label, width: usize) -> usize {
    let weight = if label.bold {
        " font-weight=\"600\""
    } else {
        ""
    };
    let lines = label_lines(label, width);
    let _ = write!(
        out,
        "<text x=\"{x}\" y=\"{y}\" fill=\"{}\" class=\"{}\"{weight}>",
        label.color, label.class,
    );
    if let [line] = lines.as_slice() {
        out.push_str(&escape_xml(line));
    } else {
        for (i, line) in lines.iter().enumerate() {
            let dy = if i == 0 { 0 } else { LINE };
            let _ = write!(
                out,
                "<tspan x=\"{x}\" dy=\"{dy}\">{}</tspan>",
                escape_xml(line)
            );
        }
    }
    out.push_str("</text>\n");
    lines.len()
}

/// Where things go in one picture: the same for every browser column.
struct Layout {
    /// The step gutter's width.
    gutter: usize,
    /// One browser column's width.
    column: usize,
    /// The header's height.
    header: usize,
    /// Whether each column draws a lane per frame and one for the network
    /// (else, too narrow for them, each request is a short arrow and the
    /// gutter names the frame).
    lanes: bool,
    /// The network lane, from the column's left edge (lanes only).
    net_offset: usize,
}

impl Layout {
    /// The layout for `runs` columns of `frames` lanes: each column at its
    /// natural width when they all fit in [`TARGET_WIDTH`], else narrower
    /// columns with the lanes, else compact columns without them.
    fn new(runs: usize, frames: usize) -> Layout {
        let runs = runs.max(1);
        let net_offset = LANE_LEFT + LANE_GAP * frames.saturating_sub(1) + 56;
        // Room for about 56 characters of label right of the network lane.
        let natural = COLUMN.max(net_offset + 390);
        let avail = TARGET_WIDTH.saturating_sub(GUTTER) / runs;
        // Lanes keep room for about 34 characters of label.
        let min_lanes = net_offset + 16 + 34 * CHAR_W as usize;
        if runs == 1 || avail >= natural {
            Layout {
                gutter: GUTTER,
                column: natural,
                header: HEADER,
                lanes: true,
                net_offset,
            }
        } else if avail >= min_lanes {
            Layout {
                gutter: GUTTER,
                column: avail,
                header: HEADER,
                lanes: true,
                net_offset,
            }
        } else {
            Layout {
                gutter: COMPACT_GUTTER,
                column: (TARGET_WIDTH.saturating_sub(COMPACT_GUTTER) / runs).max(COMPACT_MIN),
                header: COMPACT_HEADER,
                lanes: false,
                net_offset: 0,
            }
        }
    }

    /// The x of frame `index`'s lane, from the column's left edge.
    fn lane(&self, index: usize) -> usize {
        if self.lanes {
            LANE_LEFT + LANE_GAP * index
        } else {
            8
        }
    }

    /// The x of request labels, from the column's left edge.
    fn request_text(&self) -> usize {
        if self.lanes {
            self.net_offset + 10
        } else {
            COMPACT_TEXT
        }
    }

    /// The x of the labels of a step without requests, from the column's
    /// left edge, when the step happens in frame `lane`.
    fn step_text(&self, lane: usize, has_requests: bool) -> usize {
        if has_requests {
            self.request_text()
        } else if self.lanes {
            self.lane(lane) + 10
        } else {
            COMPACT_TEXT
        }
    }

    /// The width left for labels from `x` (from the column's edge).
    fn width_from(&self, x: usize) -> usize {
        self.column.saturating_sub(x + RIGHT_PAD)
    }
}

/// The frame a step happens in: the trace's, else the scenario's, else `top`.
fn step_from(step: &StepTrace, scen_step: Option<&cookie_doctor_inputs::Step>) -> String {
    step.from
        .as_deref()
        .map(str::to_string)
        .or_else(|| scen_step.and_then(|s| s.from.clone()))
        .unwrap_or_else(|| "top".to_string())
}

/// How many lines a step takes in one run.
fn step_lines(
    layout: &Layout,
    lanes: &[String],
    step: &StepTrace,
    scen_step: Option<&cookie_doctor_inputs::Step>,
) -> usize {
    let request_width = layout.width_from(layout.request_text());
    let requests: usize = step
        .requests
        .iter()
        .flat_map(request_labels)
        .map(|l| label_lines(&l, request_width).len())
        .sum();
    let from = step_from(step, scen_step);
    let lane = lanes.iter().position(|l| *l == from).unwrap_or(0);
    let width = layout.width_from(layout.step_text(lane, !step.requests.is_empty()));
    let extra: usize = step_labels(step)
        .iter()
        .map(|l| label_lines(l, width).len())
        .sum();
    (requests + extra).max(1)
}

/// Renders the trace of `scenario` as one SVG document.
pub fn render_timeline_svg(scenario: &Scenario, trace: &Trace) -> String {
    let lanes = frames(scenario);
    let layout = Layout::new(trace.runs.len(), lanes.len());
    let Layout {
        gutter,
        column,
        header,
        net_offset,
        ..
    } = layout;
    let steps = trace.runs.iter().map(|r| r.steps.len()).max().unwrap_or(0);
    let heights: Vec<usize> = (0..steps)
        .map(|i| {
            trace
                .runs
                .iter()
                .filter_map(|r| r.steps.get(i))
                .map(|s| step_lines(&layout, &lanes, s, scenario.steps.get(i)))
                .max()
                .unwrap_or(1)
                * LINE
                + ROW_PAD * 2
        })
        .collect();
    let width = gutter + column * trace.runs.len().max(1);
    let height = header + heights.iter().sum::<usize>() + 16;
    let gutter_chars = chars_in(gutter.saturating_sub(18), true);

    let class = if width > WIDE {
        "timeline wide"
    } else {
        "timeline"
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{class}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"{FONT}\" font-size=\"12\" role=\"img\" aria-labelledby=\"timeline-title\">"
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
    let mut y = header;
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
                escape_xml(&fit(&format!("{}. {what}", i + 1), gutter_chars))
            );
            if !from.is_empty() {
                let _ = writeln!(
                    out,
                    "<text x=\"14\" y=\"{}\" fill=\"{GREY}\" class=\"step-from\">{}</text>",
                    y + ROW_PAD + 12 + LINE,
                    escape_xml(&fit(&from, gutter_chars))
                );
            }
        }
        y += h;
    }
    let _ = writeln!(
        out,
        "<line x1=\"{gutter}\" y1=\"0\" x2=\"{gutter}\" y2=\"{height}\" stroke=\"#d0d7de\"/>"
    );

    for (run_index, run) in trace.runs.iter().enumerate() {
        let x0 = gutter + column * run_index;
        let net_x = x0 + net_offset;
        let lane_x = |name: &str| -> usize {
            let i = lanes.iter().position(|l| l == name).unwrap_or(0);
            x0 + layout.lane(i)
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
        // A browser name is about 9.5 units a character (15, bold).
        let name_chars = (column.saturating_sub(20) as f64 / 9.5) as usize;
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"24\" fill=\"{INK}\" font-size=\"15\" font-weight=\"700\" class=\"browser\">{}</text>",
            x0 + 14,
            escape_xml(&if layout.lanes {
                run.browser.clone()
            } else {
                fit(&run.browser, name_chars)
            })
        );
        let any_expect = run.steps.iter().any(|s| !s.expect.is_empty());
        if any_expect {
            let (label, color) = if holds {
                ("every expectation holds", GREEN)
            } else {
                ("an expectation fails", RED)
            };
            if layout.lanes {
                let _ = writeln!(
                    out,
                    "<text x=\"{}\" y=\"24\" fill=\"{color}\" text-anchor=\"end\" class=\"verdict\">{label}</text>",
                    x0 + column - 14
                );
            } else {
                let _ = writeln!(
                    out,
                    "<text x=\"{}\" y=\"42\" fill=\"{color}\" class=\"verdict\">{label}</text>",
                    x0 + 14
                );
            }
        }
        if layout.lanes {
            // Lanes: frames, then the network.
            for name in &lanes {
                let x = lane_x(name);
                let _ = writeln!(
                    out,
                    "<text x=\"{x}\" y=\"{}\" fill=\"{GREY}\" text-anchor=\"middle\" class=\"lane-label\">{}</text>",
                    header - 12,
                    escape_xml(&fit(name, 10))
                );
                let _ = writeln!(
                    out,
                    "<line x1=\"{x}\" y1=\"{header}\" x2=\"{x}\" y2=\"{}\" stroke=\"#8c959f\" stroke-dasharray=\"3 3\" class=\"lane\"/>",
                    height - 8
                );
            }
            let _ = writeln!(
                out,
                "<text x=\"{net_x}\" y=\"{}\" fill=\"{GREY}\" text-anchor=\"middle\" class=\"lane-label\">network</text>",
                header - 12
            );
            let _ = writeln!(
                out,
                "<line x1=\"{net_x}\" y1=\"{header}\" x2=\"{net_x}\" y2=\"{}\" stroke=\"#8c959f\" class=\"lane\"/>",
                height - 8
            );
        }

        let request_x = x0 + layout.request_text();
        let request_width = layout.width_from(layout.request_text());
        let mut row_y = header;
        for (step_index, h) in heights.iter().enumerate() {
            let Some(step) = run.steps.get(step_index) else {
                row_y += h;
                continue;
            };
            let scen_step = scenario.steps.get(step_index);
            let from = step_from(step, scen_step);
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
                let box_lines: usize = labels
                    .iter()
                    .map(|l| label_lines(l, request_width).len())
                    .sum();
                let _ = writeln!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"transparent\" class=\"hit\"/>",
                    x0 + 4,
                    line_y - 13,
                    column - 8,
                    box_lines * LINE + 2
                );
                let ax = lane_x(&from);
                let to_x = if layout.lanes {
                    net_x - 2
                } else {
                    request_x - 6
                };
                let _ = writeln!(
                    out,
                    "<circle cx=\"{ax}\" cy=\"{}\" r=\"3.5\" fill=\"{stroke}\"/>",
                    line_y - 4
                );
                let _ = writeln!(
                    out,
                    "<line x1=\"{ax}\" y1=\"{y}\" x2=\"{to_x}\" y2=\"{y}\" stroke=\"{stroke}\" stroke-width=\"1.8\"{dash} marker-end=\"url(#{marker})\" class=\"arrow\"/>",
                    y = line_y - 4
                );
                if layout.lanes
                    && step.kind == "iframe"
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
                    line_y += LINE * text(&mut out, request_x, line_y, label, request_width);
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
                let lane = lanes.iter().position(|l| *l == from).unwrap_or(0);
                let rel = layout.step_text(lane, !step.requests.is_empty());
                let width = layout.width_from(rel);
                for label in &extra {
                    line_y += LINE * text(&mut out, x0 + rel, line_y, label, width);
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
    use super::wrap;

    #[test]
    fn a_url_never_breaks_right_after_its_scheme() {
        let lines = wrap("GET https://partner.example/ · document", 26, 4);
        assert!(lines.iter().all(|l| !l.ends_with("://")), "{lines:?}");
        assert_eq!(
            lines.first().map(|l| l.trim_end()),
            Some("GET"),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("https://partner.example/")),
            "{lines:?}"
        );
    }

    #[test]
    fn words_and_paths_break_where_they_did() {
        assert_eq!(
            wrap("GET https://app.example/dashboard · iframe", 26, 4),
            ["GET https://app.example/", "dashboard · iframe"]
        );
        assert_eq!(
            wrap("✗ sid withheld: samesite-lax, third-party-blocked", 26, 4),
            ["✗ sid withheld: ", "samesite-lax, ", "third-party-blocked"]
        );
    }
}
