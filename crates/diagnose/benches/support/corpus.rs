#![allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    dead_code
)]
//! A deterministic synthetic crawl: audit lines v1 (DESIGN.md §7) the way a
//! crawl of many sites looks — most responses carry no cookie, pages carry a
//! few of their site's cookies (fresh session ids and analytics ids each time),
//! some APIs answer with CORS headers, some widgets are framed, and about 1 %
//! of the lines are malformed. Shared by the audit benchmark, the peers'
//! benchmark inputs and the shape-cache test.

/// xorshift64*: small, fast, deterministic.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    /// The next 64 bits.
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// True with probability `percent` %.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    /// `len` characters drawn from `alphabet`.
    pub fn token(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| {
                let i = self.below(alphabet.len() as u64) as usize;
                char::from(alphabet.get(i).copied().unwrap_or(b'x'))
            })
            .collect()
    }
    /// One of `items`.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = self.below(items.len() as u64) as usize;
        items.get(i).copied().unwrap_or("")
    }
}

const HEX: &[u8] = b"0123456789abcdef";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// One cookie a site sets: a line template where `{v}` is a fresh value.
struct Kit {
    name: String,
    value: fn(&mut Rng) -> String,
    attrs: String,
}

fn session_value(r: &mut Rng) -> String {
    match r.below(3) {
        0 => r.token(HEX, 32),
        1 => r.token(B64URL, 43),
        _ => r.token(ALNUM, 26),
    }
}

fn ga_value(r: &mut Rng) -> String {
    format!(
        "GA1.2.{}.{}",
        1_000_000_000 + r.below(999_999_999),
        1_700_000_000 + r.below(99_999_999)
    )
}

fn b64_value(r: &mut Rng) -> String {
    format!("{}==", r.token(B64, 86))
}

fn short_value(r: &mut Rng) -> String {
    r.pick(&["1", "true", "en", "dark", "0"]).to_string()
}

fn hex16(r: &mut Rng) -> String {
    r.token(HEX, 16)
}

struct Site {
    host: String,
    registrable: String,
    https: bool,
    kit: Vec<Kit>,
    dirs: Vec<&'static str>,
    framed_by: Option<String>,
    api_caller: Option<String>,
}

fn site(r: &mut Rng, i: usize) -> Site {
    let registrable = format!("site{i}.example");
    let host = match r.below(3) {
        0 => registrable.clone(),
        1 => format!("www.{registrable}"),
        _ => format!("shop.{registrable}"),
    };
    let session_attrs = r.pick(&[
        "Path=/; HttpOnly",
        "Path=/; Secure; HttpOnly; SameSite=Lax",
        "Path=/; Secure; HttpOnly; SameSite=None",
        "Path=/; HttpOnly; SameSite=None",
        "Path=/; Secure; HttpOnly; SameSite=Strict",
        "path=/; secure; httponly; samesite=lax",
    ]);
    let session_name = r.pick(&[
        "sid",
        "PHPSESSID",
        "JSESSIONID",
        "connect.sid",
        "session",
        "_app_session",
        "ASP.NET_SessionId",
        "__Host-session",
    ]);
    let session_attrs = if session_name.starts_with("__Host-") {
        "Path=/; Secure; HttpOnly; SameSite=Lax".to_string()
    } else {
        session_attrs.to_string()
    };
    let mut kit = vec![Kit {
        name: session_name.to_string(),
        value: session_value,
        attrs: session_attrs,
    }];
    if r.chance(60) {
        kit.push(Kit {
            name: "_ga".into(),
            value: ga_value,
            attrs: format!(
                "Domain=.{registrable}; Path=/; Expires=Wed, 01 Jan 2031 00:00:00 GMT; SameSite=Lax"
            ),
        });
    }
    if r.chance(40) {
        kit.push(Kit {
            name: "cookie_consent".into(),
            value: short_value,
            attrs: "Path=/; Max-Age=31536000".into(),
        });
    }
    if r.chance(30) {
        kit.push(Kit {
            name: "csrftoken".into(),
            value: |r| r.token(ALNUM, 32),
            attrs: "Path=/; Secure; SameSite=Lax".into(),
        });
    }
    if r.chance(10) {
        kit.push(Kit {
            name: "AWSALB".into(),
            value: b64_value,
            attrs: "Expires=Wed, 10 Dec 2031 10:00:00 GMT; Path=/".into(),
        });
    }
    if r.chance(8) {
        kit.push(Kit {
            name: "__Host-widget".into(),
            value: hex16,
            attrs: "Secure; Path=/; SameSite=None; Partitioned".into(),
        });
    }
    if r.chance(8) {
        kit.push(Kit {
            name: "old_session".into(),
            value: |_| String::new(),
            attrs: "Max-Age=0; Path=/app".into(),
        });
    }
    if r.chance(5) {
        kit.push(Kit {
            name: "prefs".into(),
            value: hex16,
            attrs: "Domain=example; Path=/".into(),
        });
    }
    let all_dirs = [
        "/",
        "/products/",
        "/blog/2025/",
        "/account/",
        "/api/v1/",
        "/auth/callback/",
        "/static/js/",
    ];
    let dirs: Vec<&'static str> = all_dirs.iter().copied().filter(|_| r.chance(60)).collect();
    Site {
        https: !r.chance(5),
        framed_by: r
            .chance(10)
            .then(|| format!("https://partner{}.example", r.below(20))),
        api_caller: r.chance(10).then(|| format!("https://app.{registrable}")),
        host,
        registrable,
        kit,
        dirs: if dirs.is_empty() { vec!["/"] } else { dirs },
    }
}

/// `s` as a JSON string literal.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_list(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| json_string(s)).collect();
    format!("[{}]", parts.join(","))
}

/// `n` audit lines (JSON text, one per line, no newline) from `seed`.
pub fn audit_lines(n: usize, seed: u64) -> Vec<String> {
    let mut r = Rng::new(seed);
    let sites: Vec<Site> = (0..(n / 150).max(40)).map(|i| site(&mut r, i)).collect();
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        if r.chance(1) {
            out.push(
                r.pick(&[
                    "{\"url\": \"https://broken.example/\", \"headers\": [\"Set-Cookie: a=b\"",
                    "{\"url\": 42, \"headers\": []}",
                    "{\"headers\": [\"Set-Cookie: a=b\"]}",
                    "{\"url\": \"not a url\", \"headers\": []}",
                    "not json at all",
                ])
                .to_string(),
            );
            continue;
        }
        let s = sites
            .get(r.below(sites.len() as u64) as usize)
            .expect("sites is never empty");
        let dir = s
            .dirs
            .get(r.below(s.dirs.len() as u64) as usize)
            .copied()
            .unwrap_or("/");
        let asset = dir == "/static/js/" || r.chance(35);
        let page = if asset {
            format!("{}.js", r.token(HEX, 8))
        } else {
            match r.below(4) {
                0 => String::new(),
                1 => format!("item-{}", 100_000 + r.below(900_000)),
                2 => format!("post-{}", r.token(b"abcdefghijklmnopqrstuvwxyz", 10)),
                _ => "index.html".into(),
            }
        };
        let query = match r.below(10) {
            0 => format!("?page={}", r.below(5)),
            1 => format!("?utm_source=news&id={}", r.below(1_000_000)),
            _ => String::new(),
        };
        let scheme = if s.https { "https" } else { "http" };
        let url = format!("{scheme}://{}{dir}{page}{query}", s.host);
        let mut headers = vec![
            format!(
                "Content-Type: {}",
                if asset {
                    "text/javascript"
                } else {
                    "text/html; charset=utf-8"
                }
            ),
            "Cache-Control: private, max-age=0".to_string(),
        ];
        if !asset {
            for k in &s.kit {
                // Sessions come often, the rest now and then.
                let p = if k.name == "_ga" || k.name.contains("ess") {
                    50
                } else {
                    25
                };
                if r.chance(p) {
                    let value = (k.value)(&mut r);
                    headers.push(format!("Set-Cookie: {}={}; {}", k.name, value, k.attrs));
                }
            }
            if r.chance(3) {
                headers.push(format!("Set-Cookie: big={}; Path=/", r.token(ALNUM, 4100)));
            }
            if r.chance(1) {
                headers.push("Set-Cookie: =nameless; Path=/".into());
            }
        }
        let mut embedded_in = Vec::new();
        let mut called_from = Vec::new();
        if let Some(partner) = &s.framed_by
            && !asset
            && r.chance(50)
        {
            embedded_in.push(partner.clone());
            if r.chance(30) {
                headers.push("X-Frame-Options: SAMEORIGIN".into());
            }
        }
        if let Some(caller) = &s.api_caller
            && dir == "/api/v1/"
        {
            called_from.push(caller.clone());
            headers.push(match r.below(3) {
                0 => "Access-Control-Allow-Origin: *".to_string(),
                _ => format!("Access-Control-Allow-Origin: {caller}"),
            });
            headers.push("Access-Control-Allow-Credentials: true".into());
        }
        let _ = &s.registrable;
        out.push(format!(
            "{{\"url\":{},\"status\":200,\"headers\":{},\"embedded_in\":{},\"called_from\":{}}}",
            json_string(&url),
            json_list(&headers),
            json_list(&embedded_in),
            json_list(&called_from)
        ));
    }
    out
}
