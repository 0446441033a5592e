//! SASL PLAIN for the Gremlin Server protocol (PROTOCOLS.md B.4): the first
//! request on a connection gets `407`, the client answers with
//! `op:"authentication"` and `sasl = base64("\0user\0password")`, checked by
//! the server's `Authenticator` (the one Bolt and HTTP Basic use).

use base64::Engine;

use super::value::WireValue;
use crate::server::bolt::auth::{Authenticator, Credentials};

/// The user, or why the client is refused.
pub fn authenticate(
    auth: &dyn Authenticator,
    sasl: Option<&WireValue>,
    mechanism: Option<&WireValue>,
) -> Result<String, String> {
    if let Some(m) = mechanism.and_then(WireValue::as_str) {
        if !m.eq_ignore_ascii_case("PLAIN") {
            return Err(format!("SASL mechanism {m} is not supported: use PLAIN"));
        }
    }
    let decoded = match sasl {
        Some(WireValue::String(text)) => base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| "the SASL response is not valid base64".to_string())?,
        Some(WireValue::ByteBuffer(bytes)) => bytes.clone(),
        _ => return Err("authentication needs a `sasl` argument".into()),
    };
    // authzid \0 authcid \0 password; the authorization id is not used.
    let mut parts = decoded.split(|b| *b == 0);
    let (Some(_), Some(user), Some(password), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err("the SASL PLAIN response must be `\\0user\\0password`".into());
    };
    let user = std::str::from_utf8(user).map_err(|_| "the user name is not UTF-8")?;
    let password = std::str::from_utf8(password).map_err(|_| "the password is not UTF-8")?;
    auth.authenticate(&Credentials { scheme: "basic", principal: Some(user), credentials: Some(password) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::bolt::auth::SingleUser;

    #[test]
    fn plain_credentials_are_checked() {
        let single = SingleUser { user: "ann".into(), password: "pw".into() };
        let sasl = |raw: &[u8]| WireValue::String(base64::engine::general_purpose::STANDARD.encode(raw));
        assert_eq!(authenticate(&single, Some(&sasl(b"\0ann\0pw")), None), Ok("ann".into()));
        assert!(authenticate(&single, Some(&sasl(b"\0ann\0no")), None).is_err());
        assert!(authenticate(&single, Some(&sasl(b"ann:pw")), None).is_err());
        assert!(authenticate(&single, None, None).is_err());
        let other = WireValue::String("GSSAPI".into());
        assert!(authenticate(&single, Some(&sasl(b"\0ann\0pw")), Some(&other)).is_err());
    }
}
