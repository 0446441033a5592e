//! Interned names: labels, relationship types and property keys. The catalog is
//! part of every snapshot; it is a persistent structure so a write transaction
//! can add names to its own copy in O(1) and a rollback simply drops it.

use std::sync::Arc;

/// Interned id of a node label.
pub type LabelId = u32;
/// Interned id of a relationship type.
pub type TypeId = u32;
/// Interned id of a property key (shared by node and relationship properties).
pub type KeyId = u32;

/// One namespace of interned names; ids are dense and never reused.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    names: imbl::Vector<Arc<str>>,
    ids: imbl::HashMap<Arc<str>, u32>,
}

impl Interner {
    /// The id of `name`, if it was ever interned.
    pub fn get(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }

    /// The id of `name`, interning it when new.
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(id) = self.ids.get(name) {
            return *id;
        }
        let id = self.names.len() as u32;
        let name: Arc<str> = Arc::from(name);
        self.names.push_back(name.clone());
        self.ids.insert(name, id);
        id
    }

    /// The name of `id`; the empty string for an id never handed out.
    pub fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", |n| n)
    }

    /// Number of interned names (ids are `0..len`).
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when nothing was interned.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// All names in id order.
    pub fn names(&self) -> Vec<String> {
        self.names.iter().map(|n| n.to_string()).collect()
    }
}

/// Labels, relationship types and property keys of one version of the graph.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Node labels.
    pub labels: Interner,
    /// Relationship types.
    pub types: Interner,
    /// Property keys.
    pub keys: Interner,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_stable_and_copies_are_independent() {
        let mut a = Catalog::default();
        let p = a.labels.intern("Person");
        assert_eq!(a.labels.intern("Person"), p);
        let mut b = a.clone();
        let c = b.labels.intern("City");
        assert_eq!(a.labels.get("City"), None);
        assert_eq!(b.labels.get("City"), Some(c));
        assert_eq!(b.labels.name(c), "City");
        assert_eq!(b.labels.name(99), "");
        assert_eq!(b.labels.names(), vec!["Person".to_string(), "City".to_string()]);
    }
}
