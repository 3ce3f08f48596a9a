//! What the jar needs to know about a request: its URL, the API, and the
//! same-site facts computed by the caller (the browser model).

use std::fmt;
use std::sync::Arc;

use cookie_doctor_site::{Host, Origin, OriginError, PublicSuffixList, Scheme, Site};

use crate::policy::Policy;

/// A URL reduced to what cookies use: scheme, canonical host and path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieUrl {
    scheme: Scheme,
    host: Host,
    /// The host as text: a domain's shares the host's.
    host_text: Arc<str>,
    port: Option<u16>,
    /// The path: shared, since a browser model makes a cookie URL for every
    /// request to the same few URLs.
    path: Arc<str>,
}

impl CookieUrl {
    /// Parses an absolute URL.
    pub fn parse(input: &str) -> Result<CookieUrl, OriginError> {
        let url = url::Url::parse(input).map_err(|e| OriginError::BadUrl {
            input: input.chars().take(80).collect(),
            message: e.to_string(),
        })?;
        CookieUrl::from_url(&url)
    }

    /// From a parsed URL.
    pub fn from_url(url: &url::Url) -> Result<CookieUrl, OriginError> {
        Ok(CookieUrl::from_origin(Origin::of_url(url)?, url.path()))
    }

    /// The URL of `origin` with `path` (a URL's origin already at hand).
    pub fn from_origin(origin: Origin, path: &str) -> CookieUrl {
        CookieUrl::with_shared_path(origin, path.into())
    }

    /// [`CookieUrl::from_origin`] with a path the caller already shares.
    pub fn with_shared_path(origin: Origin, path: Arc<str>) -> CookieUrl {
        let host_text: Arc<str> = match &origin.host {
            Host::Domain(domain) => domain.clone(),
            other => other.to_string().into(),
        };
        CookieUrl {
            host_text,
            scheme: origin.scheme,
            host: origin.host,
            port: origin.port,
            path,
        }
    }

    /// The scheme.
    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// The canonical host.
    pub fn host(&self) -> &Host {
        &self.host
    }

    /// The canonical host as text (IPv6 in brackets).
    pub fn host_text(&self) -> &str {
        &self.host_text
    }

    /// The path (percent-encoded as the URL parser left it).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The origin of the URL.
    pub fn origin(&self) -> Origin {
        Origin {
            scheme: self.scheme.clone(),
            host: self.host.clone(),
            port: self.port,
        }
    }

    /// The schemeful site of the URL.
    pub fn site(&self, psl: &dyn PublicSuffixList) -> Site {
        Site::of(&self.origin(), psl)
    }

    /// Whether the URL is "secure" for cookies: a cryptographic scheme, or (if the
    /// policy says so) a loopback host, as browsers treat potentially trustworthy
    /// origins.
    pub fn is_secure(&self, policy: &Policy) -> bool {
        self.scheme.is_secure() || (policy.loopback_is_secure && self.host.is_loopback())
    }
}

impl fmt::Display for CookieUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.origin(), self.path)
    }
}

/// How a cookie is set or read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Api {
    /// A Set-Cookie response header, or the Cookie request header.
    Http,
    /// `document.cookie` (a "non-HTTP" API in RFC 6265bis).
    Script,
}

/// The key of a partitioned cookie jar (CHIPS): the top-level site and whether
/// the frame has a cross-site ancestor (Chromium `CookiePartitionKey`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PartitionKey {
    /// The top-level site.
    pub top_level_site: Site,
    /// Whether some ancestor frame is cross-site with the request.
    pub cross_site_ancestor: bool,
}

/// A Set-Cookie (or `document.cookie` write) in its context.
#[derive(Clone, Debug)]
pub struct SetContext<'a> {
    /// The URL of the response (or of the document, for script).
    pub url: &'a CookieUrl,
    /// HTTP or script.
    pub api: Api,
    /// RFC 6265bis §5.2: the request is same-site (for script: the document's site
    /// for cookies is same-site with the top-level origin).
    pub same_site: bool,
    /// The request navigates a top-level traversable.
    pub top_level_navigation: bool,
    /// The partition this write lands in, when the browser partitions it (a
    /// `Partitioned` cookie under CHIPS, or every third-party cookie under Total
    /// Cookie Protection). `None` is the unpartitioned jar.
    pub partition: Option<PartitionKey>,
}

impl<'a> SetContext<'a> {
    /// A same-site HTTP response that navigates the top level: the simplest case.
    pub fn top_level(url: &'a CookieUrl) -> SetContext<'a> {
        SetContext {
            url,
            api: Api::Http,
            same_site: true,
            top_level_navigation: true,
            partition: None,
        }
    }

    /// A same-site `document.cookie` write in a top-level document.
    pub fn script(url: &'a CookieUrl) -> SetContext<'a> {
        SetContext {
            url,
            api: Api::Script,
            same_site: true,
            top_level_navigation: false,
            partition: None,
        }
    }
}

/// A request (or `document.cookie` read) asking which cookies apply.
#[derive(Clone, Debug)]
pub struct GetContext<'a> {
    /// The request URL (or the document URL, for script).
    pub url: &'a CookieUrl,
    /// HTTP or script.
    pub api: Api,
    /// RFC 6265bis §5.2: the request is same-site.
    pub same_site: bool,
    /// The method is "safe" (GET, HEAD, OPTIONS, TRACE).
    pub safe_method: bool,
    /// The request navigates a top-level traversable.
    pub top_level_navigation: bool,
    /// The partition the request reads from, `None` for the unpartitioned jar only.
    /// A request with a partition sees both its partition and, unless the browser
    /// blocks them, unpartitioned cookies (the caller decides by filtering).
    pub partition: Option<PartitionKey>,
}

impl<'a> GetContext<'a> {
    /// A same-site top-level GET navigation.
    pub fn top_level(url: &'a CookieUrl) -> GetContext<'a> {
        GetContext {
            url,
            api: Api::Http,
            same_site: true,
            safe_method: true,
            top_level_navigation: true,
            partition: None,
        }
    }

    /// A same-site `document.cookie` read.
    pub fn script(url: &'a CookieUrl) -> GetContext<'a> {
        GetContext {
            url,
            api: Api::Script,
            same_site: true,
            safe_method: true,
            top_level_navigation: false,
            partition: None,
        }
    }
}

/// "Safe" methods, RFC 9110 §9.2.1 (GET, HEAD, OPTIONS, TRACE).
pub fn is_safe_method(method: &str) -> bool {
    ["GET", "HEAD", "OPTIONS", "TRACE"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method))
}
