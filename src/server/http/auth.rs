//! HTTP Basic authentication against the server's `Authenticator`, when it
//! requires credentials (the Bolt side asks the same one in HELLO/LOGON).

use axum::http::{header, HeaderMap};
use base64::Engine;

use crate::server::bolt::auth::{Authenticator, Credentials};

/// The user, or why the request is refused.
pub fn check(auth: &dyn Authenticator, headers: &HeaderMap) -> Result<Option<String>, String> {
    if !auth.required() {
        return Ok(None);
    }
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or("Missing Authorization header: use HTTP Basic authentication")?
        .to_str()
        .map_err(|_| "The Authorization header is not text")?;
    let (scheme, encoded) = value.trim().split_once(' ').ok_or("Malformed Authorization header")?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(format!("Unsupported authentication scheme `{scheme}`: use Basic"));
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| "The Basic credentials are not valid base64")?;
    let text = String::from_utf8(decoded).map_err(|_| "The Basic credentials are not UTF-8")?;
    let (user, password) = text.split_once(':').ok_or("The Basic credentials need `user:password`")?;
    let creds = Credentials { scheme: "basic", principal: Some(user), credentials: Some(password) };
    auth.authenticate(&creds).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::bolt::auth::{AcceptAll, SingleUser};
    use axum::http::HeaderValue;

    fn with_auth(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(value).expect("header"));
        h
    }

    #[test]
    fn basic_credentials_are_checked_only_when_required() {
        let single = SingleUser { user: "ann".into(), password: "pw".into() };
        // "ann:pw" and "ann:no"
        assert_eq!(check(&single, &with_auth("Basic YW5uOnB3")), Ok(Some("ann".into())));
        assert!(check(&single, &with_auth("Basic YW5uOm5v")).is_err());
        assert!(check(&single, &HeaderMap::new()).is_err());
        assert!(check(&single, &with_auth("Bearer abc")).is_err());
        assert!(check(&single, &with_auth("Basic !!!")).is_err());
        assert_eq!(check(&AcceptAll, &HeaderMap::new()), Ok(None));
    }
}
