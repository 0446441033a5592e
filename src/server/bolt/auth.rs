//! The authentication hook: HELLO (≤5.0) or LOGON (5.1+) hand the client's
//! auth map to an `Authenticator`. Users with password hashes come later;
//! until then the server accepts everyone.

/// What a client presented: `scheme` is `"none"`, `"basic"`, `"bearer"`, ...
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials<'a> {
    pub scheme: &'a str,
    pub principal: Option<&'a str>,
    pub credentials: Option<&'a str>,
}

pub trait Authenticator: Send + Sync {
    /// The authenticated user's name, or why the client is refused.
    fn authenticate(&self, creds: &Credentials<'_>) -> Result<String, String>;

    /// Whether clients must present credentials at all (HTTP then demands
    /// an `Authorization` header).
    fn required(&self) -> bool {
        true
    }
}

/// Accepts any credentials (the default until users exist).
#[derive(Debug, Clone, Copy, Default)]
pub struct AcceptAll;

impl Authenticator for AcceptAll {
    fn authenticate(&self, creds: &Credentials<'_>) -> Result<String, String> {
        Ok(creds.principal.unwrap_or("anonymous").to_string())
    }

    fn required(&self) -> bool {
        false
    }
}

/// One user with a fixed password, for tests and single-user setups.
#[derive(Debug, Clone)]
pub struct SingleUser {
    pub user: String,
    pub password: String,
}

impl Authenticator for SingleUser {
    fn authenticate(&self, creds: &Credentials<'_>) -> Result<String, String> {
        match (creds.scheme, creds.principal, creds.credentials) {
            ("basic", Some(u), Some(p)) if u == self.user && p == self.password => Ok(u.to_string()),
            _ => Err("The client is unauthorized due to authentication failure.".into()),
        }
    }
}
