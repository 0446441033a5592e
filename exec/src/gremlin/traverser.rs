//! A traverser: the object it is at, how many it stands for (bulk), the path
//! it walked (shared, persistent), loop counters and its sack.

use std::sync::Arc;

use super::object::GObj;

/// One step of a path: the object and the `as()` labels it got.
#[derive(Debug)]
pub struct Segment {
    pub obj: GObj,
    pub labels: Vec<String>,
    pub prev: Option<Arc<Segment>>,
}

#[derive(Debug, Clone)]
pub struct Traverser {
    pub obj: GObj,
    pub bulk: u64,
    pub path: Option<Arc<Segment>>,
    /// Loop counters of the enclosing `repeat()`s, innermost last, with their names.
    pub loops: Vec<(Option<String>, u64)>,
    pub sack: Option<GObj>,
}

impl Traverser {
    pub fn start(obj: GObj) -> Traverser {
        let path = Some(Arc::new(Segment { obj: obj.clone(), labels: Vec::new(), prev: None }));
        Traverser { obj, bulk: 1, path, loops: Vec::new(), sack: None }
    }

    /// This traverser moved on to `obj`: the path grows by one.
    pub fn split(&self, obj: GObj) -> Traverser {
        let path = Some(Arc::new(Segment { obj: obj.clone(), labels: Vec::new(), prev: self.path.clone() }));
        Traverser { obj, bulk: self.bulk, path, loops: self.loops.clone(), sack: self.sack.clone() }
    }

    /// A fresh traverser after a reducing step: only the result is in its path.
    pub fn reduced(&self, obj: GObj) -> Traverser {
        let mut t = Traverser::start(obj);
        t.sack = self.sack.clone();
        t.loops = self.loops.clone();
        t
    }

    /// Adds `as()` labels to the newest path segment.
    pub fn label(&mut self, labels: &[String]) {
        if labels.is_empty() {
            return;
        }
        let (obj, mut all, prev) = match &self.path {
            Some(seg) => (seg.obj.clone(), seg.labels.clone(), seg.prev.clone()),
            None => (self.obj.clone(), Vec::new(), None),
        };
        for l in labels {
            if !all.contains(l) {
                all.push(l.clone());
            }
        }
        self.path = Some(Arc::new(Segment { obj, labels: all, prev }));
    }

    /// The path from the start: objects and their labels.
    pub fn path(&self) -> Vec<(GObj, Vec<String>)> {
        let mut out = Vec::new();
        let mut seg = self.path.as_deref();
        while let Some(s) = seg {
            out.push((s.obj.clone(), s.labels.clone()));
            seg = s.prev.as_deref();
        }
        out.reverse();
        out
    }

    /// Objects labelled `label` along the path, oldest first.
    pub fn labelled(&self, label: &str) -> Vec<GObj> {
        let mut out = Vec::new();
        let mut seg = self.path.as_deref();
        while let Some(s) = seg {
            if s.labels.iter().any(|l| l == label) {
                out.push(s.obj.clone());
            }
            seg = s.prev.as_deref();
        }
        out.reverse();
        out
    }

    pub fn loops(&self) -> u64 {
        self.loops.last().map(|l| l.1).unwrap_or(0)
    }
}
