//! Unit tests of the storage and retrieval models.

use cookie_doctor_site::BuiltinPsl;

use crate::*;

#[derive(Clone, Copy)]
enum Kind {
    TopLevel,
    Script,
    CrossSiteLink,
    CrossSitePost,
    CrossSiteIframe,
}

const NOW: Time = Time::from_unix(1_700_000_000);

struct Fixture {
    jar: CookieJar,
    policy: Policy,
    now: Time,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture {
            jar: CookieJar::new(),
            policy: Policy::rfc6265bis(),
            now: NOW,
        }
    }

    fn env(&self) -> Env<'_> {
        Env {
            now: self.now,
            psl: &BuiltinPsl,
            policy: &self.policy,
        }
    }

    fn set(&mut self, url: &str, line: &str) -> SetOutcome {
        let url = CookieUrl::parse(url).unwrap();
        let env = Env {
            now: self.now,
            psl: &BuiltinPsl,
            policy: &self.policy,
        };
        self.jar
            .set(line.as_bytes(), &SetContext::top_level(&url), &env)
    }

    fn script_set(&mut self, url: &str, line: &str) -> SetOutcome {
        let url = CookieUrl::parse(url).unwrap();
        let env = Env {
            now: self.now,
            psl: &BuiltinPsl,
            policy: &self.policy,
        };
        self.jar
            .set(line.as_bytes(), &SetContext::script(&url), &env)
    }

    fn header(&mut self, url: &str) -> String {
        let url = CookieUrl::parse(url).unwrap();
        let env = Env {
            now: self.now,
            psl: &BuiltinPsl,
            policy: &self.policy,
        };
        self.jar
            .retrieve(&GetContext::top_level(&url), &env)
            .cookie_string()
    }

    fn get(&mut self, url: &str, kind: Kind) -> Retrieval {
        let url = CookieUrl::parse(url).unwrap();
        let env = Env {
            now: self.now,
            psl: &BuiltinPsl,
            policy: &self.policy,
        };
        let base = GetContext::top_level(&url);
        let ctx = match kind {
            Kind::TopLevel => base,
            Kind::Script => GetContext::script(&url),
            Kind::CrossSiteLink => GetContext {
                same_site: false,
                ..base
            },
            Kind::CrossSitePost => GetContext {
                same_site: false,
                safe_method: false,
                ..base
            },
            Kind::CrossSiteIframe => GetContext {
                same_site: false,
                top_level_navigation: false,
                ..base
            },
        };
        self.jar.retrieve(&ctx, &env)
    }
}

#[test]
fn host_only_and_domain_cookies() {
    let mut f = Fixture::new();
    assert!(f.set("https://www.example.com/", "a=1").is_stored());
    assert!(
        f.set("https://www.example.com/", "b=2; Domain=example.com")
            .is_stored()
    );
    assert_eq!(f.header("https://www.example.com/"), "a=1; b=2");
    assert_eq!(f.header("https://api.example.com/"), "b=2");
    let r = f.get("https://api.example.com/", Kind::TopLevel);
    assert_eq!(r.excluded.len(), 1);
    assert_eq!(r.excluded[0].reasons[..], [Reason::HostOnlyMismatch]);
    // A cookie of another site is not listed at all.
    assert!(
        f.get("https://other.test/", Kind::TopLevel)
            .excluded
            .is_empty()
    );
}

#[test]
fn domain_rules() {
    let mut f = Fixture::new();
    assert_eq!(
        f.set("https://a.github.io/", "x=1; Domain=github.io")
            .reasons(),
        &[Reason::DomainIsPublicSuffix]
    );
    assert_eq!(
        f.set("https://www.example.com/", "x=1; Domain=other.com")
            .reasons(),
        &[Reason::DomainMismatch]
    );
    assert_eq!(
        f.set("https://example.com/", "x=1; Domain=www.example.com")
            .reasons(),
        &[Reason::DomainMismatch]
    );
    assert_eq!(
        f.set("https://www.example.com/", "x=1; Domain=éxample.com")
            .reasons(),
        &[Reason::DomainNonAscii]
    );
    // A public suffix equal to the host becomes host-only.
    match f.set("https://github.io/", "x=1; Domain=GitHub.io") {
        SetOutcome::Stored { cookie, .. } => assert!(cookie.host_only),
        other => panic!("{other:?}"),
    }
    // IP hosts: only the address itself.
    // A Domain equal to an IP host gives a host-only cookie (layered-cookies, Chromium).
    match f.set("http://127.0.0.1/", "ip=1; Domain=127.0.0.1") {
        SetOutcome::Stored { cookie, .. } => assert!(cookie.host_only),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        f.set("http://127.0.0.1/", "ip=1; Domain=0.0.1").reasons(),
        &[Reason::DomainMismatch]
    );
}

#[test]
fn secure_rules_and_leave_secure_cookies_alone() {
    let mut f = Fixture::new();
    assert_eq!(
        f.set("http://example.com/", "s=1; Secure").reasons(),
        &[Reason::SecureFromInsecureOrigin]
    );
    assert!(f.set("http://localhost/", "s=1; Secure").is_stored());
    assert!(
        f.set(
            "https://example.com/login",
            "sid=secure; Secure; Path=/login"
        )
        .is_stored()
    );
    assert_eq!(
        f.set("http://example.com/", "sid=evil; Path=/login/en")
            .reasons(),
        &[Reason::OverwriteSecure]
    );
    assert!(f.set("http://example.com/", "sid=fine; Path=/").is_stored());
    assert_eq!(f.header("http://example.com/login"), "sid=fine");
    assert_eq!(
        f.header("https://example.com/login"),
        "sid=secure; sid=fine"
    );
}

#[test]
fn samesite_rules_on_store() {
    let mut f = Fixture::new();
    assert_eq!(
        f.set("https://example.com/", "n=1; SameSite=None")
            .reasons(),
        &[Reason::SameSiteNoneInsecure]
    );
    let url = CookieUrl::parse("https://widget.example/").unwrap();
    let env = f.env();
    let iframe = SetContext {
        url: &url,
        api: Api::Http,
        same_site: false,
        top_level_navigation: false,
        partition: None,
    };
    let mut jar = CookieJar::new();
    assert_eq!(
        jar.set(b"l=1; SameSite=Lax", &iframe, &env).reasons(),
        &[Reason::SameSiteSetFromCrossSite]
    );
    assert_eq!(
        jar.set(b"d=1", &iframe, &env).reasons(),
        &[Reason::SameSiteSetFromCrossSite]
    );
    assert!(
        jar.set(b"n=1; SameSite=None; Secure", &iframe, &env)
            .is_stored()
    );
    // A cross-site top-level navigation may set any SameSite value.
    let nav = SetContext {
        same_site: false,
        top_level_navigation: true,
        ..iframe
    };
    assert!(jar.set(b"s=1; SameSite=Strict", &nav, &env).is_stored());
}

#[test]
fn samesite_rules_on_send() {
    let mut f = Fixture::new();
    for line in [
        "s=1; SameSite=Strict",
        "l=1; SameSite=Lax",
        "d=1",
        "n=1; SameSite=None; Secure",
    ] {
        assert!(f.set("https://b.example/", line).is_stored());
    }
    assert_eq!(
        f.get("https://b.example/", Kind::CrossSiteLink)
            .cookie_string(),
        "l=1; d=1; n=1"
    );
    let r = f.get("https://b.example/", Kind::CrossSitePost);
    assert_eq!(r.cookie_string(), "n=1");
    let reasons: Vec<_> = r.excluded.iter().map(|e| e.reasons[0].code()).collect();
    assert_eq!(
        reasons,
        [
            "samesite-strict",
            "samesite-lax",
            "samesite-unspecified-treated-as-lax"
        ]
    );
    // Lax-allowing-unsafe, when the policy has it.
    f.policy.lax_allow_unsafe_max_age = Some(120);
    assert_eq!(
        f.get("https://b.example/", Kind::CrossSitePost)
            .cookie_string(),
        "d=1; n=1"
    );
    f.now = NOW.plus(121);
    assert_eq!(
        f.get("https://b.example/", Kind::CrossSitePost)
            .cookie_string(),
        "n=1"
    );
    // Without Lax-by-default, unspecified behaves like None.
    f.policy.lax_by_default = false;
    assert_eq!(
        f.get("https://b.example/", Kind::CrossSiteIframe)
            .cookie_string(),
        "d=1; n=1"
    );
}

#[test]
fn http_only_and_script() {
    let mut f = Fixture::new();
    assert_eq!(
        f.script_set("https://example.com/", "h=1; HttpOnly")
            .reasons(),
        &[Reason::HttpOnlyFromScript]
    );
    assert!(f.set("https://example.com/", "sid=1; HttpOnly").is_stored());
    assert_eq!(
        f.script_set("https://example.com/", "sid=2").reasons(),
        &[Reason::OverwriteHttpOnly]
    );
    assert!(f.script_set("https://example.com/", "ui=dark").is_stored());
    let r = f.get("https://example.com/", Kind::Script);
    assert_eq!(r.cookie_string(), "ui=dark");
    assert_eq!(r.excluded[0].reasons[..], [Reason::HttpOnly]);
}

#[test]
fn prefixes() {
    let mut f = Fixture::new();
    let code = |o: SetOutcome| {
        o.reasons()
            .iter()
            .map(|r| r.describe())
            .collect::<Vec<_>>()
            .join(" | ")
    };
    assert!(f.set("https://e.com/", "__Secure-a=1; Secure").is_stored());
    assert!(code(f.set("https://e.com/", "__secure-a=1")).contains("Secure"));
    assert!(
        f.set("https://e.com/", "__Host-a=1; Secure; Path=/")
            .is_stored()
    );
    assert!(code(f.set("https://e.com/", "__Host-b=1; Secure")).contains("Path=/"));
    // An empty or bare Path falls back to the default-path ("/" here), which is no
    // explicit Path attribute (layered-cookies "has-path").
    assert!(code(f.set("https://e.com/", "__Host-b=1; Secure; Path=")).contains("Path=/"));
    assert!(code(f.set("https://e.com/", "__Host-b=1; Secure; Path")).contains("Path=/"));
    assert!(code(f.set("https://e.com/", "__Host-b=1; Secure; Path=/; Path=")).contains("Path=/"));
    let mut lenient = Fixture::new();
    lenient.policy.host_prefix_requires_path_attribute = false;
    assert!(
        lenient
            .set("https://e.com/", "__Host-b=1; Secure; Path=")
            .is_stored()
    );
    assert!(
        code(f.set(
            "https://www.e.com/",
            "__HOST-b=1; Secure; Path=/; Domain=e.com"
        ))
        .contains("Domain")
    );
    assert!(code(f.set("https://e.com/", "__Http-c=1; Secure")).contains("HttpOnly"));
    assert!(
        f.set("https://e.com/", "__Http-c=1; Secure; HttpOnly")
            .is_stored()
    );
    assert!(
        f.set(
            "https://e.com/",
            "__Host-Http-d=1; Secure; HttpOnly; Path=/"
        )
        .is_stored()
    );
    assert!(code(f.set("https://e.com/", "__Host-x")).contains("nameless"));
}

#[test]
fn overwrite_keeps_creation_and_order() {
    let mut f = Fixture::new();
    f.set("https://e.com/", "a=1");
    f.now = NOW.plus(10);
    f.set("https://e.com/", "b=1");
    f.now = NOW.plus(20);
    match f.set("https://e.com/", "a=2") {
        SetOutcome::Stored { cookie, replaced } => {
            assert!(replaced);
            assert_eq!(cookie.creation, NOW);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(f.header("https://e.com/"), "a=2; b=1");
    // Longer paths first.
    f.set("https://e.com/", "c=1; Path=/deep");
    assert_eq!(f.header("https://e.com/deep/x"), "c=1; a=2; b=1");
}

#[test]
fn deletion_and_expiry_cap() {
    let mut f = Fixture::new();
    f.set("https://e.com/", "a=1; Path=/app");
    // A deletion with another path does not touch it.
    match f.set("https://e.com/", "a=; Max-Age=0; Path=/") {
        SetOutcome::Deleted { removed, .. } => assert!(removed.is_none()),
        other => panic!("{other:?}"),
    }
    assert_eq!(f.header("https://e.com/app"), "a=1");
    match f.set(
        "https://e.com/",
        "a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/app",
    ) {
        SetOutcome::Deleted { removed, .. } => assert!(removed.is_some()),
        other => panic!("{other:?}"),
    }
    assert_eq!(f.header("https://e.com/app"), "");
    match f.set("https://e.com/", "long=1; Max-Age=999999999") {
        SetOutcome::Stored { cookie, .. } => assert_eq!(cookie.lifetime(), Some(FOUR_HUNDRED_DAYS)),
        other => panic!("{other:?}"),
    }
    match f.set(
        "https://e.com/",
        "long=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT",
    ) {
        SetOutcome::Stored { cookie, .. } => assert_eq!(cookie.lifetime(), Some(FOUR_HUNDRED_DAYS)),
        other => panic!("{other:?}"),
    }
    // Max-Age wins over Expires wherever it stands.
    match f.set(
        "https://e.com/",
        "m=1; Max-Age=60; Expires=Fri, 01 Jan 2100 00:00:00 GMT",
    ) {
        SetOutcome::Stored { cookie, .. } => assert_eq!(cookie.lifetime(), Some(60)),
        other => panic!("{other:?}"),
    }
    f.now = NOW.plus(61);
    assert!(!f.header("https://e.com/").contains("m=1"));
}

#[test]
fn per_site_eviction_keeps_the_newest() {
    let mut f = Fixture::new();
    for i in 0..200 {
        f.now = NOW.plus(i);
        assert!(f.set("https://e.com/", &format!("c{i}=1")).is_stored());
    }
    // Chromium's numbers: over 180 purge to 150, then 19 more arrive.
    assert_eq!(f.jar.len(), 169);
    assert!(f.header("https://e.com/").contains("c199=1"));
    assert!(!f.header("https://e.com/").contains("c0=1"));
}

#[test]
fn default_path_and_path_match() {
    assert_eq!(default_path(b""), b"/");
    assert_eq!(default_path(b"/"), b"/");
    assert_eq!(default_path(b"/a"), b"/");
    assert_eq!(default_path(b"/a/b"), b"/a");
    assert_eq!(default_path(b"/a/b/"), b"/a/b");
    assert!(path_match(b"/a/b", b"/a"));
    assert!(path_match(b"/a/", b"/a/"));
    assert!(!path_match(b"/ab", b"/a"));
    assert!(path_match(b"/a", b"/a"));
}

#[test]
fn a_lone_dot_domain_is_rejected_an_empty_one_is_host_only() {
    let mut f = Fixture::new();
    assert_eq!(
        f.set("https://www.example.com/", "x=1; Domain=.").reasons(),
        &[Reason::DomainMismatch]
    );
    match f.set("https://www.example.com/", "x=1; Domain=") {
        SetOutcome::Stored { cookie, .. } => assert!(cookie.host_only),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_partition_keeps_at_most_its_byte_budget_per_site() {
    use crate::{PartitionKey, SetContext};
    use cookie_doctor_site::{Origin, Site};
    let psl = cookie_doctor_site::BuiltinPsl;
    let policy = crate::Policy::rfc6265bis();
    let url = crate::CookieUrl::parse("https://widget.example/").unwrap();
    let key = PartitionKey {
        top_level_site: Site::of(&Origin::parse("https://news.example").unwrap(), &psl),
        cross_site_ancestor: true,
    };
    let mut jar = crate::CookieJar::new();
    let mut last = None;
    for i in 0..5 {
        let env = crate::Env {
            now: crate::Time::from_unix(1_000 + i),
            psl: &psl,
            policy: &policy,
        };
        let ctx = SetContext {
            partition: Some(key.clone()),
            ..SetContext::top_level(&url)
        };
        let line = format!(
            "c{i}={}; Secure; SameSite=None; Partitioned",
            "x".repeat(3000)
        );
        if let crate::SetOutcome::Stored { cookie, .. } = jar.set(line.as_bytes(), &ctx, &env) {
            let evicted = jar.enforce_partition_byte_limit(&cookie, 10_240);
            last = Some(evicted);
        }
    }
    // 5 × ~3 KB: only three fit in 10 KiB; the oldest two went.
    let names: Vec<String> = jar
        .cookies()
        .iter()
        .map(|c| c.name_str().into_owned())
        .collect();
    assert_eq!(names, ["c2", "c3", "c4"]);
    assert_eq!(last.unwrap().len(), 1);
}

#[test]
fn a_shared_line_stores_the_same_cookie() {
    // `SetCookie::shared` only saves copies: every outcome (stored, rejected,
    // a nameless line the policy turns into a name, a default path, a
    // replacement) equals the one of the plain parse.
    let lines = [
        "sid=abc; Path=/app; Secure; HttpOnly; SameSite=None",
        "sid=def; Path=/app; Secure",
        "lang=fr",
        "lone",
        "t=1; Domain=EXAMPLE.com; Path=/",
        "bad=1; Domain=com",
        "__Host-x=1; Path=/; Secure",
        "v=caf\u{e9}; Path=/d\u{e9}j\u{e0}",
    ];
    let url = CookieUrl::parse("https://www.example.com/app/page").unwrap();
    // Shared once and stored by every jar below: what the first store learnt
    // about a line's domain (`DomainFacts`) is read by the later ones.
    let once: Vec<SetCookie<'_>> = lines
        .iter()
        .map(|l| parse_set_cookie(l.as_bytes()).unwrap().shared())
        .collect();
    for policy in [Policy::rfc6265bis(), {
        let mut p = Policy::rfc6265bis();
        p.nameless_value_becomes_name = true;
        p
    }] {
        let env = Env {
            now: NOW,
            psl: &BuiltinPsl,
            policy: &policy,
        };
        let mut plain = CookieJar::new();
        let mut shared = CookieJar::new();
        for round in 0..2 {
            let mut fresh_plain = CookieJar::new();
            let mut fresh = CookieJar::new();
            for (line, remembered) in lines.iter().zip(&once) {
                let parsed = parse_set_cookie(line.as_bytes()).unwrap();
                let a = plain.store(&parsed, &SetContext::top_level(&url), &env);
                let b = shared.store(&parsed.clone().shared(), &SetContext::top_level(&url), &env);
                assert_eq!(a, b, "{line} in round {round}");
                let c = fresh_plain.store(&parsed, &SetContext::top_level(&url), &env);
                let d = fresh.store(remembered, &SetContext::top_level(&url), &env);
                assert_eq!(c, d, "{line} in a fresh jar in round {round}");
            }
            assert_eq!(fresh_plain.cookies(), fresh.cookies());
        }
        assert_eq!(plain.cookies(), shared.cookies());
    }
}
