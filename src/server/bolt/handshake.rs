//! The Bolt handshake: `60 60 B0 17` and four version proposals, answered
//! with the one version chosen. The manifest scheme (`00 00 01 FF`) is not
//! offered: every driver PROTOCOLS.md lists also proposes plain ranges.

use super::version::BoltVersion;

pub const MAGIC: [u8; 4] = [0x60, 0x60, 0xB0, 0x17];

/// The versions this server speaks, best first. 5.5 is never negotiated by
/// drivers; 4.1 is what neo4rs 0.8 needs, 4.4 what neo4rs 0.9 asks for.
pub const SUPPORTED: &[BoltVersion] = &[
    BoltVersion::new(5, 8),
    BoltVersion::new(5, 7),
    BoltVersion::new(5, 6),
    BoltVersion::new(5, 4),
    BoltVersion::new(5, 3),
    BoltVersion::new(5, 2),
    BoltVersion::new(5, 1),
    BoltVersion::new(5, 0),
    BoltVersion::new(4, 4),
    BoltVersion::new(4, 3),
    BoltVersion::new(4, 2),
    BoltVersion::new(4, 1),
];

/// What the first four bytes of a connection say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preamble {
    Bolt,
    /// Someone spoke HTTP to the Bolt port (a browser, a misconfigured client).
    Http,
    Unknown,
}

pub fn classify_preamble(bytes: [u8; 4]) -> Preamble {
    if bytes == MAGIC {
        Preamble::Bolt
    } else if [&b"GET "[..], b"POST", b"HEAD", b"PUT ", b"HTTP", b"OPTI", b"DELE"].contains(&&bytes[..]) {
        Preamble::Http
    } else {
        Preamble::Unknown
    }
}

/// The first proposal (in the client's order) holding a version in
/// `supported`, taking the highest minor of a range.
pub fn negotiate(proposals: &[u8; 16], supported: &[BoltVersion]) -> Option<BoltVersion> {
    proposals.chunks_exact(4).find_map(|p| {
        let (range, minor, major) = (p[1], p[2], p[3]);
        if major == 0xFF {
            return None; // a manifest proposal
        }
        let lowest = minor.saturating_sub(range);
        (lowest..=minor).rev().map(|m| BoltVersion::new(major, m)).find(|v| supported.contains(v))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proposals(hex: &str) -> [u8; 16] {
        let bytes: Vec<u8> = hex.split_whitespace().map(|b| u8::from_str_radix(b, 16).expect("hex")).collect();
        bytes.try_into().expect("16 bytes")
    }

    const PYTHON_JS_6X: &str = "00 00 01 FF 00 08 08 05 00 02 04 04 00 00 00 03";

    #[test]
    fn python_and_js_6x_get_the_highest_5x_in_their_range() {
        let v = negotiate(&proposals(PYTHON_JS_6X), SUPPORTED);
        assert_eq!(v, Some(BoltVersion::new(5, 8)));
        assert_eq!(v.map(BoltVersion::to_bytes), Some([0, 0, 8, 5]));
    }

    #[test]
    fn a_server_with_5_0_to_5_4_answers_as_protocols_md_shows() {
        let supported: Vec<_> = SUPPORTED.iter().copied().filter(|v| *v <= BoltVersion::new(5, 4)).collect();
        let v = negotiate(&proposals(PYTHON_JS_6X), &supported);
        assert_eq!(v.map(BoltVersion::to_bytes), Some([0x00, 0x00, 0x04, 0x05]));
    }

    #[test]
    fn version_5_5_is_never_chosen() {
        let v = negotiate(&proposals("00 00 05 05 00 00 04 05 00 00 00 00 00 00 00 00"), SUPPORTED);
        assert_eq!(v, Some(BoltVersion::new(5, 4)));
    }

    #[test]
    fn neo4rs_gets_4_1_or_4_4() {
        let v08 = negotiate(&proposals("00 00 01 04 00 00 00 04 00 00 00 00 00 00 00 00"), SUPPORTED);
        assert_eq!(v08.map(BoltVersion::to_bytes), Some([0x00, 0x00, 0x01, 0x04]));
        let v09 = negotiate(&proposals("00 00 04 04 00 00 03 04 00 00 01 04 00 00 00 04"), SUPPORTED);
        assert_eq!(v09, Some(BoltVersion::new(4, 4)));
    }

    #[test]
    fn a_4x_only_client_gets_4_4_from_a_range() {
        let v = negotiate(&proposals("00 02 04 04 00 00 00 03 00 00 00 00 00 00 00 00"), SUPPORTED);
        assert_eq!(v, Some(BoltVersion::new(4, 4)));
    }

    #[test]
    fn nothing_in_common_and_manifest_only_find_nothing() {
        assert_eq!(negotiate(&proposals("00 00 00 03 00 00 00 02 00 00 00 00 00 00 00 00"), SUPPORTED), None);
        assert_eq!(negotiate(&proposals("00 00 01 FF 00 00 00 00 00 00 00 00 00 00 00 00"), SUPPORTED), None);
        // A range reaching below minor 0 does not wrap around.
        assert_eq!(negotiate(&proposals("00 09 00 06 00 00 00 00 00 00 00 00 00 00 00 00"), SUPPORTED), None);
    }

    #[test]
    fn preambles() {
        assert_eq!(classify_preamble(MAGIC), Preamble::Bolt);
        assert_eq!(classify_preamble(*b"GET "), Preamble::Http);
        assert_eq!(classify_preamble([1, 2, 3, 4]), Preamble::Unknown);
    }
}
