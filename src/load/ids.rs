//! The loader's index from a row's id (within its id space) to the node it
//! became. Integer ids, the common case (LDBC, generated graphs), are hashed
//! as integers; others as strings. Lookups run in parallel while edge files
//! are converted, so the index is only read then.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use plexus_storage::NodeId;
use rustc_hash::FxHasher;

type Fx = BuildHasherDefault<FxHasher>;

/// An id as written, integers kept as integers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Int(i64),
    Text(Box<str>),
}

/// `text` as an integer key only when it is the canonical form of one, so
/// `007` and `7` stay different ids.
fn key(text: &str) -> Key {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && text != "-0";
    match text.parse::<i64>() {
        Ok(i) if canonical => Key::Int(i),
        _ => Key::Text(text.into()),
    }
}

/// Ids per id space.
#[derive(Debug, Default)]
pub struct IdIndex {
    spaces: HashMap<String, u32>,
    nodes: HashMap<(u32, Key), NodeId, Fx>,
}

impl IdIndex {
    /// The number of an id space, if any node has been added in it.
    pub fn space(&self, space: Option<&str>) -> Option<u32> {
        match space {
            None => Some(0),
            Some(s) => self.spaces.get(s).copied(),
        }
    }

    /// The node a row id of `space` became.
    pub fn get(&self, space: Option<&str>, id: &str) -> Option<NodeId> {
        self.get_in(self.space(space)?, id)
    }

    /// [`IdIndex::get`] with the space already numbered (once per file, not per row).
    pub fn get_in(&self, space: u32, id: &str) -> Option<NodeId> {
        self.nodes.get(&(space, key(id))).copied()
    }

    /// Records that `id` of `space` became `node`.
    pub fn insert(&mut self, space: Option<&str>, id: &str, node: NodeId) {
        let space = match space {
            None => 0,
            Some(s) => {
                let next = self.spaces.len() as u32 + 1;
                *self.spaces.entry(s.to_string()).or_insert(next)
            }
        };
        self.nodes.insert((space, key(id)), node);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_and_integer_forms_are_kept_apart() {
        let mut ids = IdIndex::default();
        ids.insert(Some("Person"), "7", 1);
        ids.insert(Some("Tag"), "7", 2);
        ids.insert(None, "007", 3);
        ids.insert(None, "-5", 4);
        assert_eq!(ids.get(Some("Person"), "7"), Some(1));
        assert_eq!(ids.get(Some("Tag"), "7"), Some(2));
        assert_eq!(ids.get(None, "007"), Some(3));
        assert_eq!(ids.get(None, "7"), None);
        assert_eq!(ids.get(None, "-5"), Some(4));
        assert_eq!(ids.get(Some("Forum"), "7"), None);
        assert_eq!(key("-0"), Key::Text("-0".into()));
        assert_eq!(key("99999999999999999999"), Key::Text("99999999999999999999".into()));
    }
}
