//! The SSRF guard: which addresses `scan` may connect to.
//!
//! A scan fetches a URL that someone else typed (on the web page, anyone), so
//! it must not become a way into the scanning machine's own network: loopback,
//! private and link-local networks, cloud metadata services. The guard
//! classifies an address ([`classify`]) or a host name ([`classify_name`]);
//! [`GuardedResolver`] resolves a name, classifies **every** address and hands
//! the HTTP client only addresses that passed, so the address that was checked
//! is the address that is connected to (no DNS-rebinding gap between a check
//! and a second resolution). Literal IP hosts never reach a resolver, so the
//! scanner checks them with [`classify`] before each request.
//!
//! Addresses embedded in IPv6 (IPv4-mapped `::ffff:0:0/96`, NAT64
//! `64:ff9b::/96`, 6to4 `2002::/16`) are decided by their IPv4 address.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A range of addresses the guard refuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Range {
    /// `127.0.0.0/8`, `::1`, and the name `localhost` (RFC 6761).
    Loopback,
    /// `10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16` (RFC 1918).
    Private,
    /// `fc00::/7` (RFC 4193).
    UniqueLocal,
    /// `169.254.0.0/16`, `fe80::/10`.
    LinkLocal,
    /// `fec0::/10` (deprecated site-local, RFC 3879).
    SiteLocal,
    /// `100.64.0.0/10` (carrier-grade NAT, RFC 6598).
    SharedCgnat,
    /// `224.0.0.0/4`, `ff00::/8`.
    Multicast,
    /// `0.0.0.0/8` ("this network"), `::`.
    Unspecified,
    /// `255.255.255.255`.
    Broadcast,
    /// `192.0.0.0/24` (IETF protocol assignments, RFC 6890).
    ProtocolAssignments,
    /// `192.0.2.0/24`, `198.51.100.0/24`, `203.0.113.0/24`, `2001:db8::/32`,
    /// `3fff::/20`.
    Documentation,
    /// `198.18.0.0/15`, `2001:2::/48` (benchmarking).
    Benchmarking,
    /// `240.0.0.0/4` (reserved), `192.88.99.0/24` (deprecated 6to4 relays),
    /// `100::/64` (discard-only), `::/96` (deprecated IPv4-compatible),
    /// `64:ff9b:1::/48` (local-use NAT64), `2001::/32` (Teredo).
    Reserved,
    /// A cloud metadata service: `169.254.169.254`, `fd00:ec2::254`,
    /// `100.100.100.200` (Alibaba), the name `metadata.google.internal`.
    CloudMetadata,
}

impl Range {
    /// The stable kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            Range::Loopback => "loopback",
            Range::Private => "private",
            Range::UniqueLocal => "unique-local",
            Range::LinkLocal => "link-local",
            Range::SiteLocal => "site-local",
            Range::SharedCgnat => "shared-cgnat",
            Range::Multicast => "multicast",
            Range::Unspecified => "unspecified",
            Range::Broadcast => "broadcast",
            Range::ProtocolAssignments => "protocol-assignments",
            Range::Documentation => "documentation",
            Range::Benchmarking => "benchmarking",
            Range::Reserved => "reserved",
            Range::CloudMetadata => "cloud-metadata",
        }
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How an IPv4 address was embedded in the IPv6 address that was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Embedding {
    /// `::ffff:0:0/96`.
    Ipv4Mapped,
    /// `64:ff9b::/96` (NAT64, RFC 6052).
    Nat64,
    /// `2002::/16` (6to4, RFC 3056).
    SixToFour,
}

impl Embedding {
    /// The stable kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            Embedding::Ipv4Mapped => "ipv4-mapped",
            Embedding::Nat64 => "nat64",
            Embedding::SixToFour => "6to4",
        }
    }
}

/// Why an address or name is refused: its range, and for an IPv6 address
/// decided by an embedded IPv4 address, how it was embedded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Blocked {
    /// The refused range.
    pub range: Range,
    /// The embedding, when the IPv4 address inside an IPv6 one decided.
    pub via: Option<Embedding>,
}

impl fmt::Display for Blocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.via {
            None => write!(f, "{}", self.range),
            Some(via) => write!(
                f,
                "{} (an IPv4 address embedded as {})",
                self.range,
                via.name()
            ),
        }
    }
}

fn blocked(range: Range) -> Option<Blocked> {
    Some(Blocked { range, via: None })
}

/// The refused range of an IPv4 address, `None` for a public address.
pub fn classify_v4(ip: Ipv4Addr) -> Option<Blocked> {
    let [a, b, c, _] = ip.octets();
    if ip == Ipv4Addr::new(169, 254, 169, 254) || ip == Ipv4Addr::new(100, 100, 100, 200) {
        return blocked(Range::CloudMetadata);
    }
    if ip.is_broadcast() {
        return blocked(Range::Broadcast);
    }
    let range = match (a, b, c) {
        (0, _, _) => Range::Unspecified,
        (10, _, _) => Range::Private,
        (100, 64..=127, _) => Range::SharedCgnat,
        (127, _, _) => Range::Loopback,
        (169, 254, _) => Range::LinkLocal,
        (172, 16..=31, _) => Range::Private,
        (192, 0, 0) => Range::ProtocolAssignments,
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => Range::Documentation,
        (192, 88, 99) => Range::Reserved,
        (192, 168, _) => Range::Private,
        (198, 18..=19, _) => Range::Benchmarking,
        (224..=239, _, _) => Range::Multicast,
        (240..=255, _, _) => Range::Reserved,
        _ => return None,
    };
    blocked(range)
}

/// The refused range of an IPv6 address, `None` for a public address.
pub fn classify_v6(ip: Ipv6Addr) -> Option<Blocked> {
    let s = ip.segments();
    let [s0, s1, s2, s3, s4, s5, s6, s7] = s;
    let embedded = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    let via = |e: Embedding, v4: Ipv4Addr| {
        classify_v4(v4).map(|b| Blocked {
            range: b.range,
            via: Some(e),
        })
    };
    if ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
        return blocked(Range::CloudMetadata);
    }
    if ip.is_unspecified() {
        return blocked(Range::Unspecified);
    }
    if ip.is_loopback() {
        return blocked(Range::Loopback);
    }
    // ::ffff:a.b.c.d
    if [s0, s1, s2, s3, s4] == [0, 0, 0, 0, 0] && s5 == 0xffff {
        return via(Embedding::Ipv4Mapped, embedded(s6, s7));
    }
    // ::a.b.c.d (deprecated IPv4-compatible) and the rest of ::/96
    if [s0, s1, s2, s3, s4, s5] == [0, 0, 0, 0, 0, 0] {
        return blocked(Range::Reserved);
    }
    // 64:ff9b::/96
    if [s0, s1, s2, s3, s4, s5] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return via(Embedding::Nat64, embedded(s6, s7));
    }
    // 64:ff9b:1::/48
    if [s0, s1, s2] == [0x64, 0xff9b, 1] {
        return blocked(Range::Reserved);
    }
    // 2002:AABB:CCDD::/48 carries AA.BB.CC.DD
    if s0 == 0x2002 {
        return via(Embedding::SixToFour, embedded(s1, s2));
    }
    let range = match (s0, s1, s2) {
        (0x100, 0, 0) if s3 == 0 => Range::Reserved,
        (0x2001, 0, _) => Range::Reserved, // Teredo
        (0x2001, 2, 0) => Range::Benchmarking,
        (0x2001, 0xdb8, _) => Range::Documentation,
        (0x3fff, 0..=0x0fff, _) => Range::Documentation,
        _ if s0 & 0xfe00 == 0xfc00 => Range::UniqueLocal,
        _ if s0 & 0xffc0 == 0xfe80 => Range::LinkLocal,
        _ if s0 & 0xffc0 == 0xfec0 => Range::SiteLocal,
        _ if s0 & 0xff00 == 0xff00 => Range::Multicast,
        _ => return None,
    };
    blocked(range)
}

/// The refused range of an address, `None` for a public address.
pub fn classify(ip: IpAddr) -> Option<Blocked> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

/// Names refused before any lookup: `localhost` and its subdomains (RFC 6761
/// resolves them to loopback whatever DNS says) and cloud metadata names.
pub fn classify_name(host: &str) -> Option<Blocked> {
    let name = host.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return blocked(Range::Loopback);
    }
    if matches!(
        name.as_str(),
        "metadata.google.internal" | "metadata.goog" | "metadata"
    ) {
        return blocked(Range::CloudMetadata);
    }
    None
}

/// Which addresses the guard lets through.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    /// Allow every address (`--allow-private`): for scanning a local
    /// development server on purpose.
    pub allow_private: bool,
    /// Addresses allowed although their range is refused (a narrow exception,
    /// e.g. one local test server), checked before the ranges.
    pub exempt: Vec<IpAddr>,
}

impl Policy {
    /// Why `ip` is refused under this policy, `None` when it may be connected to.
    pub fn check(&self, ip: IpAddr) -> Option<Blocked> {
        if self.allow_private || self.exempt.contains(&ip) {
            return None;
        }
        classify(ip)
    }

    /// Why the name `host` is refused before lookup, `None` when it may be
    /// looked up.
    pub fn check_name(&self, host: &str) -> Option<Blocked> {
        if self.allow_private {
            return None;
        }
        classify_name(host)
    }
}

/// Name resolution, replaceable in tests (a table of names to addresses).
pub trait Resolver: Send + Sync {
    /// The addresses of `host` (a domain name, never a literal address).
    fn lookup(&self, host: &str) -> std::io::Result<Vec<IpAddr>>;
}

/// The operating system's resolver (`getaddrinfo`).
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemResolver;

impl Resolver for SystemResolver {
    fn lookup(&self, host: &str) -> std::io::Result<Vec<IpAddr>> {
        Ok((host, 0u16).to_socket_addrs()?.map(|a| a.ip()).collect())
    }
}

/// A fixed table of names to addresses; any other name fails to resolve.
#[derive(Clone, Debug, Default)]
pub struct TableResolver {
    table: HashMap<String, Vec<IpAddr>>,
}

impl TableResolver {
    /// An empty table.
    pub fn new() -> TableResolver {
        TableResolver::default()
    }

    /// Adds `name` → `addrs`.
    pub fn with(mut self, name: &str, addrs: &[IpAddr]) -> TableResolver {
        self.table.insert(name.to_ascii_lowercase(), addrs.to_vec());
        self
    }
}

impl Resolver for TableResolver {
    fn lookup(&self, host: &str) -> std::io::Result<Vec<IpAddr>> {
        self.table
            .get(&host.trim_end_matches('.').to_ascii_lowercase())
            .cloned()
            .ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    format!("no address for {host}"),
                )
            })
    }
}

/// A name the guard refused, or could not resolve.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// The name, or one of its addresses, is in a refused range.
    #[error("{host} is refused: {}{blocked}", addr.map(|a| format!("it resolves to {a}, ")).unwrap_or_default())]
    Refused {
        /// The name.
        host: String,
        /// The refused address (`None`: refused by name).
        addr: Option<IpAddr>,
        /// Why.
        blocked: Blocked,
    },
    /// The lookup failed.
    #[error("cannot resolve {host}: {message}")]
    Failed {
        /// The name.
        host: String,
        /// The resolver's message.
        message: String,
    },
}

/// Resolves a name and checks every address: all must pass (a name with one
/// refused address among public ones is refused, not filtered, since a
/// mixed answer is itself suspicious). The last refusal is kept for the
/// scanner to report as a typed error.
pub struct GuardedResolver {
    resolver: Arc<dyn Resolver>,
    policy: Policy,
    timeout: Duration,
    last_refusal: Mutex<Option<LookupError>>,
}

impl GuardedResolver {
    /// A guard over `resolver`; a lookup slower than `timeout` fails.
    pub fn new(resolver: Arc<dyn Resolver>, policy: Policy, timeout: Duration) -> GuardedResolver {
        GuardedResolver {
            resolver,
            policy,
            timeout,
            last_refusal: Mutex::new(None),
        }
    }

    /// Resolution, filtering and the answer in one step: the addresses the
    /// client may connect to.
    pub fn resolve_checked(&self, host: &str) -> Result<Vec<IpAddr>, LookupError> {
        let result = self.resolve_inner(host);
        if let Err(e) = &result {
            let mut slot = self.last_refusal.lock().unwrap_or_else(|p| p.into_inner());
            *slot = Some(e.clone());
        }
        result
    }

    /// Takes the last refusal or lookup failure (cleared by the call).
    pub fn take_last_refusal(&self) -> Option<LookupError> {
        self.last_refusal
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    fn resolve_inner(&self, host: &str) -> Result<Vec<IpAddr>, LookupError> {
        if let Some(blocked) = self.policy.check_name(host) {
            return Err(LookupError::Refused {
                host: host.to_string(),
                addr: None,
                blocked,
            });
        }
        let addrs = self.lookup_bounded(host)?;
        if addrs.is_empty() {
            return Err(LookupError::Failed {
                host: host.to_string(),
                message: "no address".into(),
            });
        }
        for addr in &addrs {
            if let Some(blocked) = self.policy.check(*addr) {
                return Err(LookupError::Refused {
                    host: host.to_string(),
                    addr: Some(*addr),
                    blocked,
                });
            }
        }
        Ok(addrs)
    }

    /// The lookup on its own thread, so that a resolver that hangs cannot
    /// outlast the timeout.
    fn lookup_bounded(&self, host: &str) -> Result<Vec<IpAddr>, LookupError> {
        let (tx, rx) = std::sync::mpsc::channel();
        let resolver = Arc::clone(&self.resolver);
        let name = host.to_string();
        std::thread::spawn(move || {
            let _ = tx.send(resolver.lookup(&name));
        });
        match rx.recv_timeout(self.timeout) {
            Ok(Ok(addrs)) => Ok(addrs),
            Ok(Err(e)) => Err(LookupError::Failed {
                host: host.to_string(),
                message: e.to_string(),
            }),
            Err(_) => Err(LookupError::Failed {
                host: host.to_string(),
                message: format!("no answer within {:?}", self.timeout),
            }),
        }
    }
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let result = self.resolve_checked(name.as_str());
        let fut = async move {
            match result {
                Ok(addrs) => {
                    let addrs: reqwest::dns::Addrs =
                        Box::new(addrs.into_iter().map(|ip| SocketAddr::new(ip, 0)));
                    Ok(addrs)
                }
                Err(e) => Err(Box::new(e) as Box<dyn std::error::Error + Send + Sync>),
            }
        };
        Box::pin(fut) as Pin<Box<dyn Future<Output = _> + Send>>
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn every_refused_range_is_named() {
        let table = [
            ("127.0.0.1", "loopback", None),
            ("127.255.255.254", "loopback", None),
            ("::1", "loopback", None),
            ("10.0.0.1", "private", None),
            ("10.255.255.255", "private", None),
            ("172.16.0.1", "private", None),
            ("172.31.255.255", "private", None),
            ("192.168.1.1", "private", None),
            ("fc00::1", "unique-local", None),
            ("fdff:ffff::1", "unique-local", None),
            ("169.254.1.1", "link-local", None),
            ("fe80::1", "link-local", None),
            ("febf::1", "link-local", None),
            ("fec0::1", "site-local", None),
            ("100.64.0.1", "shared-cgnat", None),
            ("100.127.255.255", "shared-cgnat", None),
            ("224.0.0.1", "multicast", None),
            ("239.255.255.250", "multicast", None),
            ("ff02::1", "multicast", None),
            ("0.0.0.0", "unspecified", None),
            ("0.1.2.3", "unspecified", None),
            ("::", "unspecified", None),
            ("255.255.255.255", "broadcast", None),
            ("192.0.0.8", "protocol-assignments", None),
            ("192.0.2.1", "documentation", None),
            ("198.51.100.7", "documentation", None),
            ("203.0.113.9", "documentation", None),
            ("2001:db8::1", "documentation", None),
            ("3fff::1", "documentation", None),
            ("198.18.0.1", "benchmarking", None),
            ("198.19.255.255", "benchmarking", None),
            ("2001:2::1", "benchmarking", None),
            ("240.0.0.1", "reserved", None),
            ("192.88.99.1", "reserved", None),
            ("100::1", "reserved", None),
            ("::10.0.0.1", "reserved", None),
            ("64:ff9b:1::1", "reserved", None),
            ("2001:0:4136:e378::1", "reserved", None),
            ("169.254.169.254", "cloud-metadata", None),
            ("100.100.100.200", "cloud-metadata", None),
            ("fd00:ec2::254", "cloud-metadata", None),
            ("::ffff:127.0.0.1", "loopback", Some(Embedding::Ipv4Mapped)),
            ("::ffff:10.1.2.3", "private", Some(Embedding::Ipv4Mapped)),
            (
                "::ffff:169.254.169.254",
                "cloud-metadata",
                Some(Embedding::Ipv4Mapped),
            ),
            ("64:ff9b::10.0.0.1", "private", Some(Embedding::Nat64)),
            ("64:ff9b::7f00:1", "loopback", Some(Embedding::Nat64)),
            ("2002:7f00:1::1", "loopback", Some(Embedding::SixToFour)),
            ("2002:c0a8:101::1", "private", Some(Embedding::SixToFour)),
        ];
        for (addr, range, via) in table {
            let got = classify(ip(addr));
            assert_eq!(
                got.map(|b| (b.range.name(), b.via)),
                Some((range, via)),
                "{addr}"
            );
        }
    }

    #[test]
    fn public_addresses_pass() {
        for addr in [
            "93.184.215.14",
            "1.1.1.1",
            "8.8.8.8",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.0.1.1",
            "192.169.0.1",
            "198.17.255.255",
            "198.20.0.0",
            "223.255.255.255",
            "2606:2800::1",
            "2a00:1450:4001:80b::200e",
            "::ffff:93.184.215.14",
            "64:ff9b::93.184.215.14",
            "2002:5db8:d70e::1",
        ] {
            assert_eq!(classify(ip(addr)), None, "{addr}");
        }
    }

    #[test]
    fn names_refused_before_lookup() {
        for name in [
            "localhost",
            "LOCALHOST.",
            "a.localhost",
            "metadata.google.internal",
            "Metadata.Google.Internal.",
        ] {
            assert!(classify_name(name).is_some(), "{name}");
        }
        assert_eq!(classify_name("example.com"), None);
        assert_eq!(classify_name("localhost.example.com"), None);
    }

    #[test]
    fn allow_private_and_exemptions() {
        let open = Policy {
            allow_private: true,
            exempt: vec![],
        };
        assert_eq!(open.check(ip("127.0.0.1")), None);
        assert_eq!(open.check_name("localhost"), None);
        let narrow = Policy {
            allow_private: false,
            exempt: vec![ip("127.0.0.1")],
        };
        assert_eq!(narrow.check(ip("127.0.0.1")), None);
        assert!(narrow.check(ip("127.0.0.2")).is_some());
    }

    #[test]
    fn resolver_checks_every_address_of_a_name() {
        let table = TableResolver::new()
            .with("public.test", &[ip("93.184.215.14")])
            .with("private.test", &[ip("10.0.0.1")])
            .with("mixed.test", &[ip("93.184.215.14"), ip("192.168.0.1")]);
        let guard =
            GuardedResolver::new(Arc::new(table), Policy::default(), Duration::from_secs(5));
        assert_eq!(
            guard.resolve_checked("public.test").unwrap(),
            [ip("93.184.215.14")]
        );
        assert!(guard.take_last_refusal().is_none());
        for (name, addr, range) in [
            ("private.test", Some(ip("10.0.0.1")), Range::Private),
            ("mixed.test", Some(ip("192.168.0.1")), Range::Private),
            ("localhost", None, Range::Loopback),
        ] {
            let err = guard.resolve_checked(name).unwrap_err();
            match &err {
                LookupError::Refused {
                    host,
                    addr: a,
                    blocked,
                } => {
                    assert_eq!(host, name);
                    assert_eq!(*a, addr);
                    assert_eq!(blocked.range, range);
                }
                other => panic!("{name}: {other:?}"),
            }
            assert_eq!(guard.take_last_refusal(), Some(err));
        }
        assert!(matches!(
            guard.resolve_checked("unknown.test"),
            Err(LookupError::Failed { .. })
        ));
    }

    #[test]
    fn a_hanging_resolver_times_out() {
        struct Hang;
        impl Resolver for Hang {
            fn lookup(&self, _: &str) -> std::io::Result<Vec<IpAddr>> {
                std::thread::sleep(Duration::from_secs(5));
                Ok(vec![])
            }
        }
        let guard = GuardedResolver::new(
            Arc::new(Hang),
            Policy::default(),
            Duration::from_millis(100),
        );
        let start = std::time::Instant::now();
        assert!(matches!(
            guard.resolve_checked("slow.test"),
            Err(LookupError::Failed { .. })
        ));
        assert!(start.elapsed() < Duration::from_secs(2));
    }
}
