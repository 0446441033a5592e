//! Bolt protocol versions and the behaviour each one switches on.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BoltVersion {
    pub major: u8,
    pub minor: u8,
}

impl BoltVersion {
    pub const fn new(major: u8, minor: u8) -> Self {
        BoltVersion { major, minor }
    }

    /// 5.0+: nodes and relationships carry string element ids.
    pub fn element_ids(self) -> bool {
        self.major >= 5
    }

    /// 5.1+: credentials arrive in LOGON, not in HELLO.
    pub fn logon(self) -> bool {
        self >= BoltVersion::new(5, 1)
    }

    /// 4.3+: HELLO SUCCESS has `hints`; ROUTE exists.
    pub fn hints(self) -> bool {
        self >= BoltVersion::new(4, 3)
    }

    /// 4.3 and 4.4 may opt into the 5.x DateTime structures with `patch_bolt: ["utc"]`.
    pub fn utc_patchable(self) -> bool {
        self.major == 4 && self.minor >= 3
    }

    /// 4.4+: ROUTE's third field is a map `{db, imp_user}`, not a plain db name.
    pub fn route_extra_map(self) -> bool {
        self >= BoltVersion::new(4, 4)
    }

    /// The four reply bytes of the handshake: `00 00 minor major`.
    pub fn to_bytes(self) -> [u8; 4] {
        [0, 0, self.minor, self.major]
    }
}

impl fmt::Display for BoltVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// What the values in a session are encoded as: the version plus the 4.x UTC patch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    pub version: BoltVersion,
    pub utc_patch: bool,
}

impl Dialect {
    pub fn new(version: BoltVersion) -> Self {
        Dialect { version, utc_patch: false }
    }

    /// DateTime as UTC seconds (`49`/`69`) rather than the legacy local seconds (`46`/`66`).
    pub fn utc_datetime(self) -> bool {
        self.version.major >= 5 || self.utc_patch
    }
}
