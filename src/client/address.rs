//! The URIs the Neo4j drivers accept: `bolt://`, `neo4j://` and their `+s`
//! (TLS, certificate checked against the system's roots) and `+ssc` (TLS,
//! any certificate, e.g. self-signed) forms, with optional user info.
//! `neo4j://` would ask for a routing table; with one server there is
//! nothing to route, so both schemes connect straight to the address.

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    Plain,
    /// TLS with the certificate verified against the system's trusted roots.
    Verified,
    /// TLS accepting any certificate (`+ssc`, "self-signed certificate").
    AnyCertificate,
}

/// Where to connect and as whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: Option<String>,
    pub password: Option<String>,
}

pub const DEFAULT_PORT: u16 = 7687;

impl Target {
    /// Parse `scheme://[user[:password]@]host[:port]`; IPv6 hosts go in brackets.
    pub fn parse(uri: &str) -> Result<Target, String> {
        let (scheme, rest) =
            uri.split_once("://").ok_or_else(|| format!("`{uri}` is not a URI like bolt://localhost:7687"))?;
        let security = match scheme.to_ascii_lowercase().as_str() {
            "bolt" | "neo4j" => Security::Plain,
            "bolt+s" | "neo4j+s" => Security::Verified,
            "bolt+ssc" | "neo4j+ssc" => Security::AnyCertificate,
            other => {
                return Err(format!(
                    "unsupported scheme `{other}`: use bolt, neo4j, bolt+s, neo4j+s, bolt+ssc or neo4j+ssc"
                ))
            }
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let (user_info, host_port) = match authority.rsplit_once('@') {
            Some((info, hp)) => (Some(info), hp),
            None => (None, authority),
        };
        let (user, password) = match user_info {
            Some(info) => match info.split_once(':') {
                Some((u, p)) => (Some(percent_decode(u)?), Some(percent_decode(p)?)),
                None => (Some(percent_decode(info)?), None),
            },
            None => (None, None),
        };
        let (host, port) = split_host_port(host_port)?;
        if host.is_empty() {
            return Err(format!("`{uri}` names no host"));
        }
        Ok(Target { host, port, security, user, password })
    }

    /// `host:port` for connecting (IPv6 hosts in brackets).
    pub fn socket_address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

fn split_host_port(text: &str) -> Result<(String, u16), String> {
    let parse_port = |p: &str| p.parse::<u16>().map_err(|_| format!("`{p}` is not a port number"));
    if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or_else(|| format!("`{text}`: unclosed `[`"))?;
        let port = match after.strip_prefix(':') {
            Some(p) => parse_port(p)?,
            None if after.is_empty() => DEFAULT_PORT,
            None => return Err(format!("`{text}`: unexpected `{after}` after the host")),
        };
        return Ok((host.to_string(), port));
    }
    match text.rsplit_once(':') {
        Some((host, port)) => Ok((host.to_string(), parse_port(port)?)),
        None => Ok((text.to_string(), DEFAULT_PORT)),
    }
}

/// `%XX` escapes in user info (a password may hold `@` or `:`).
fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
            out.push(hex.ok_or_else(|| format!("bad %-escape in `{text}`"))?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("`{text}` is not UTF-8 once unescaped"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_hosts_ports_and_user_info() {
        let t = Target::parse("bolt://localhost").expect("valid");
        assert_eq!((t.host.as_str(), t.port, t.security, t.user), ("localhost", 7687, Security::Plain, None));
        let t = Target::parse("neo4j+ssc://ann:p%40ss%3Aword@127.0.0.1:9000/db?x=1").expect("valid");
        assert_eq!((t.host.as_str(), t.port, t.security), ("127.0.0.1", 9000, Security::AnyCertificate));
        assert_eq!((t.user.as_deref(), t.password.as_deref()), (Some("ann"), Some("p@ss:word")));
        let t = Target::parse("BOLT+S://[::1]:7000").expect("valid");
        assert_eq!((t.host.as_str(), t.port, t.security), ("::1", 7000, Security::Verified));
        assert_eq!(t.socket_address(), "[::1]:7000");
    }

    #[test]
    fn bad_uris_say_what_is_wrong() {
        assert!(Target::parse("localhost:7687").unwrap_err().contains("not a URI"));
        assert!(Target::parse("http://x").unwrap_err().contains("unsupported scheme"));
        assert!(Target::parse("bolt://x:port").unwrap_err().contains("not a port"));
        assert!(Target::parse("bolt://:7687").unwrap_err().contains("no host"));
        assert!(Target::parse("bolt://a%zz@x").unwrap_err().contains("%-escape"));
    }
}
