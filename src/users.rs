//! Users and their argon2 password hashes, kept in `users.toml` in the data
//! directory (`plexus user add`), and the authenticator the server uses when
//! authentication is on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use plexus_storage::Error;

use crate::server::bolt::auth::{Authenticator, Credentials};

/// The users file of a data directory.
pub fn users_file(data_dir: &Path) -> PathBuf {
    data_dir.join("users.toml")
}

fn error(detail: &'static str, message: impl Into<String>) -> Error {
    Error::new(plexus_storage::ErrorClass::ArgumentError, detail, plexus_storage::Phase::Runtime, message)
}

/// User names and their PHC-format argon2 hashes.
#[derive(Debug, Clone, Default)]
pub struct Users {
    hashes: BTreeMap<String, String>,
}

impl Users {
    /// Reads `path` (a missing file is no users).
    pub fn load(path: &Path) -> Result<Users, Error> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Users::default()),
            Err(e) => return Err(Error::os("read", path, e)),
        };
        let table: toml::Table = text.parse().map_err(|e| error("BadUsersFile", format!("{}: {e}", path.display())))?;
        let mut hashes = BTreeMap::new();
        for (name, entry) in table {
            let hash = entry.get("password_hash").and_then(|h| h.as_str()).ok_or_else(|| {
                error("BadUsersFile", format!("{}: user `{name}` has no password_hash", path.display()))
            })?;
            PasswordHash::new(hash)
                .map_err(|e| error("BadUsersFile", format!("{}: user `{name}`: {e}", path.display())))?;
            hashes.insert(name, hash.to_string());
        }
        Ok(Users { hashes })
    }

    /// Writes the users to `path` (replacing it atomically).
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let mut table = toml::Table::new();
        for (name, hash) in &self.hashes {
            let mut entry = toml::Table::new();
            entry.insert("password_hash".into(), toml::Value::String(hash.clone()));
            table.insert(name.clone(), toml::Value::Table(entry));
        }
        let tmp = path.with_extension("toml.tmp");
        std::fs::write(&tmp, table.to_string()).map_err(|e| Error::os("write", &tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| Error::os("replace", path, e))
    }

    /// Adds or replaces `name` with a new salted hash of `password`.
    pub fn set_password(&mut self, name: &str, password: &str) -> Result<(), Error> {
        if name.is_empty() || name.chars().any(|c| c.is_control()) {
            return Err(error("InvalidUserName", format!("`{name}` is not a valid user name")));
        }
        if password.is_empty() {
            return Err(error("EmptyPassword", "the password is empty"));
        }
        let salt = SaltString::generate(&mut OsRng);
        let hash = Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| Error::internal(format!("hashing the password: {e}")))?;
        self.hashes.insert(name.to_string(), hash.to_string());
        Ok(())
    }

    /// Removes `name`; whether it existed.
    pub fn remove(&mut self, name: &str) -> bool {
        self.hashes.remove(name).is_some()
    }

    /// The user names, sorted.
    pub fn names(&self) -> Vec<String> {
        self.hashes.keys().cloned().collect()
    }

    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// True when `password` is `name`'s.
    pub fn verify(&self, name: &str, password: &str) -> bool {
        let Some(hash) = self.hashes.get(name) else { return false };
        PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
    }
}

/// Basic authentication against a set of users.
#[derive(Debug, Clone)]
pub struct UserAuthenticator {
    users: Arc<Users>,
}

impl UserAuthenticator {
    pub fn new(users: Users) -> Self {
        UserAuthenticator { users: Arc::new(users) }
    }
}

impl Authenticator for UserAuthenticator {
    fn authenticate(&self, creds: &Credentials<'_>) -> Result<String, String> {
        match (creds.scheme, creds.principal, creds.credentials) {
            ("basic", Some(user), Some(password)) if self.users.verify(user, password) => Ok(user.to_string()),
            _ => Err("The client is unauthorized due to authentication failure.".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hashed_saved_and_verified() {
        let dir = tempfile::tempdir().unwrap();
        let path = users_file(dir.path());
        let mut users = Users::load(&path).unwrap();
        assert!(users.is_empty());
        users.set_password("ada", "s3cret").unwrap();
        users.save(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("$argon2id$") && !text.contains("s3cret"), "{text}");
        let users = Users::load(&path).unwrap();
        assert!(users.verify("ada", "s3cret"));
        assert!(!users.verify("ada", "wrong") && !users.verify("bob", "s3cret"));
        let auth = UserAuthenticator::new(users);
        let creds = |u, p| Credentials { scheme: "basic", principal: Some(u), credentials: Some(p) };
        assert_eq!(auth.authenticate(&creds("ada", "s3cret")), Ok("ada".to_string()));
        assert!(auth.authenticate(&creds("ada", "nope")).is_err());
        assert!(auth.authenticate(&Credentials { scheme: "none", principal: None, credentials: None }).is_err());
        std::fs::write(&path, "[ada]\npassword_hash = \"plain\"\n").unwrap();
        assert_eq!(Users::load(&path).unwrap_err().detail, "BadUsersFile");
        assert!(Users::default().set_password("", "x").is_err());
    }
}
