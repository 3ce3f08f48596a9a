//! Schemes and tuple origins (HTML "origin").

use std::fmt;

use crate::host::{Host, HostError, truncate_for_message};

/// A URL scheme, with the ones cookies care about named.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scheme {
    /// `http`
    Http,
    /// `https`
    Https,
    /// `ws`
    Ws,
    /// `wss`
    Wss,
    /// Any other scheme, lowercase.
    Other(Box<str>),
}

impl Scheme {
    /// Reads a scheme (case-insensitive).
    pub fn parse(s: &str) -> Scheme {
        // A URL's scheme is already lower case: the common ones match at once.
        match s {
            "https" => return Scheme::Https,
            "http" => return Scheme::Http,
            _ => {}
        }
        let known = [
            ("http", Scheme::Http),
            ("https", Scheme::Https),
            ("ws", Scheme::Ws),
            ("wss", Scheme::Wss),
        ];
        known
            .into_iter()
            .find(|(name, _)| s.eq_ignore_ascii_case(name))
            .map_or_else(
                || Scheme::Other(s.to_ascii_lowercase().into()),
                |(_, scheme)| scheme,
            )
    }

    /// The scheme as written in a URL.
    pub fn as_str(&self) -> &str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
            Scheme::Ws => "ws",
            Scheme::Wss => "wss",
            Scheme::Other(s) => s,
        }
    }

    /// Whether the scheme is cryptographic (`https`, `wss`).
    pub fn is_secure(&self) -> bool {
        matches!(self, Scheme::Https | Scheme::Wss)
    }

    /// Whether cookies are stored and sent for this scheme at all (Chromium's
    /// cookieable schemes: http, https, ws, wss).
    pub fn is_cookieable(&self) -> bool {
        !matches!(self, Scheme::Other(_))
    }

    /// The default port of the scheme.
    pub fn default_port(&self) -> Option<u16> {
        match self {
            Scheme::Http | Scheme::Ws => Some(80),
            Scheme::Https | Scheme::Wss => Some(443),
            Scheme::Other(_) => None,
        }
    }

    /// HTML "same site" compares schemes after mapping `ws`/`wss` to `http`/`https`?
    /// No: HTML compares the scheme as is; Chromium's `SchemefulSite` maps ws→http
    /// and wss→https so that a WebSocket is same-site with its page. We follow Chromium.
    pub fn site_scheme(&self) -> Scheme {
        match self {
            Scheme::Ws => Scheme::Http,
            Scheme::Wss => Scheme::Https,
            other => other.clone(),
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A tuple origin: scheme, host and port (`None` when it is the scheme's default).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    /// The scheme.
    pub scheme: Scheme,
    /// The canonical host.
    pub host: Host,
    /// The port, `None` for the scheme's default port.
    pub port: Option<u16>,
}

/// Why a URL or origin could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OriginError {
    /// The URL parser refused the text.
    #[error("`{input}` is not a valid URL: {message}")]
    BadUrl {
        /// The text (shortened).
        input: String,
        /// What the URL parser said.
        message: String,
    },
    /// The URL has no host (e.g. `data:` or `file:///`).
    #[error("`{0}` has no host")]
    NoHost(String),
    /// The host could not be canonicalised.
    #[error(transparent)]
    Host(#[from] HostError),
}

impl Origin {
    /// The origin of an absolute URL such as `https://app.example.com:8443/path`.
    pub fn parse(input: &str) -> Result<Origin, OriginError> {
        let url = url::Url::parse(input).map_err(|e| OriginError::BadUrl {
            input: truncate_for_message(input),
            message: e.to_string(),
        })?;
        Origin::of_url(&url)
    }

    /// The origin of a parsed URL.
    pub fn of_url(url: &url::Url) -> Result<Origin, OriginError> {
        let host = url
            .host()
            .ok_or_else(|| OriginError::NoHost(truncate_for_message(url.as_str())))?;
        let scheme = Scheme::parse(url.scheme());
        let port = url.port().filter(|p| Some(*p) != scheme.default_port());
        Ok(Origin {
            scheme,
            host: Host::from_url_host(host),
            port,
        })
    }

    /// HTML "same origin": scheme, host and port all equal.
    pub fn same_origin(&self, other: &Origin) -> bool {
        self == other
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme, self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_serialises_origins() {
        let o = Origin::parse("HTTPS://App.Example.com:443/x?y").unwrap();
        assert_eq!(o.to_string(), "https://app.example.com");
        let o = Origin::parse("http://[::1]:8080/").unwrap();
        assert_eq!(o.to_string(), "http://[::1]:8080");
        assert!(matches!(
            Origin::parse("not a url"),
            Err(OriginError::BadUrl { .. })
        ));
        assert!(matches!(
            Origin::parse("data:text/plain,hi"),
            Err(OriginError::NoHost(_))
        ));
    }

    #[test]
    fn same_origin_needs_scheme_host_and_port() {
        let a = Origin::parse("https://a.example").unwrap();
        assert!(a.same_origin(&Origin::parse("https://a.example:443/x").unwrap()));
        assert!(!a.same_origin(&Origin::parse("http://a.example").unwrap()));
        assert!(!a.same_origin(&Origin::parse("https://a.example:8443").unwrap()));
        assert!(!a.same_origin(&Origin::parse("https://b.a.example").unwrap()));
    }
}
