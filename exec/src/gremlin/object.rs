//! What a Gremlin traverser carries. Unlike `Value`, maps keep keys of any kind
//! (vertices, numbers, tokens) in insertion order, and vertices/edges stay ids
//! until they leave the traversal.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use plexus_storage::{GroupKey, NodeId, RelId, Snapshot, Value};

#[derive(Debug, Clone)]
pub enum GObj {
    /// A scalar: null, boolean, number, string or temporal value.
    Val(Value),
    Vertex(NodeId),
    Edge(RelId),
    /// A property of an element (`vp[...]` on a vertex, `p[...]` on an edge).
    Prop {
        owner: Box<GObj>,
        key: String,
        value: Box<GObj>,
    },
    List(Vec<GObj>),
    /// Elements are kept unique in insertion order.
    Set(Vec<GObj>),
    /// Entries in insertion order with unique keys.
    Map(Vec<(GObj, GObj)>),
    /// One entry of a map, as `unfold()` of a map yields it.
    Entry(Box<(GObj, GObj)>),
    Path(Vec<GObj>),
    /// An enum constant used as a value or map key, e.g. `T.id`, `Direction.OUT`.
    Token(String),
}

/// Structural equality, except that an edge property is its key and value
/// (TinkerPop: two edges' `weight=0.4` are one property), while a vertex
/// property also belongs to its vertex.
impl PartialEq for GObj {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (GObj::Val(a), GObj::Val(b)) => a == b,
            (GObj::Vertex(a), GObj::Vertex(b)) | (GObj::Edge(a), GObj::Edge(b)) => a == b,
            (GObj::Prop { owner: o1, key: k1, value: v1 }, GObj::Prop { owner: o2, key: k2, value: v2 }) => {
                k1 == k2 && v1 == v2 && (matches!(**o1, GObj::Edge(_)) && matches!(**o2, GObj::Edge(_)) || o1 == o2)
            }
            (GObj::List(a), GObj::List(b)) | (GObj::Set(a), GObj::Set(b)) | (GObj::Path(a), GObj::Path(b)) => a == b,
            (GObj::Map(a), GObj::Map(b)) => a == b,
            (GObj::Entry(a), GObj::Entry(b)) => a == b,
            (GObj::Token(a), GObj::Token(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for GObj {}

impl Hash for GObj {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            GObj::Val(v) => GroupKey(v.clone()).hash(state),
            GObj::Vertex(id) | GObj::Edge(id) => id.hash(state),
            GObj::Prop { owner, key, value } => {
                if !matches!(**owner, GObj::Edge(_)) {
                    owner.hash(state);
                }
                key.hash(state);
                value.hash(state);
            }
            GObj::List(items) | GObj::Set(items) | GObj::Path(items) => items.hash(state),
            GObj::Map(entries) => entries.hash(state),
            GObj::Entry(e) => e.hash(state),
            GObj::Token(t) => t.hash(state),
        }
    }
}

impl GObj {
    pub const NULL: GObj = GObj::Val(Value::Null);

    pub fn str(s: &str) -> GObj {
        GObj::Val(Value::String(s.to_string()))
    }

    pub fn int(i: i64) -> GObj {
        GObj::Val(Value::Integer(i))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, GObj::Val(Value::Null))
    }

    pub fn as_value(&self) -> Option<&Value> {
        match self {
            GObj::Val(v) => Some(v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            GObj::Val(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    pub fn is_element(&self) -> bool {
        matches!(self, GObj::Vertex(_) | GObj::Edge(_))
    }

    /// A set from items, dropping repeats.
    pub fn set(items: Vec<GObj>) -> GObj {
        let mut out: Vec<GObj> = Vec::with_capacity(items.len());
        let mut seen = std::collections::HashSet::new();
        for item in items {
            if seen.insert(item.clone()) {
                out.push(item);
            }
        }
        GObj::Set(out)
    }

    /// Items of a collection (a map gives its entries); `None` for a single object.
    pub fn items(&self) -> Option<Vec<GObj>> {
        match self {
            GObj::List(v) | GObj::Set(v) | GObj::Path(v) => Some(v.clone()),
            GObj::Map(entries) => Some(entries.iter().map(|e| GObj::Entry(Box::new(e.clone()))).collect()),
            _ => None,
        }
    }

    /// From a value the caller gave (parameters, literals).
    pub fn from_value(v: Value) -> GObj {
        match v {
            Value::List(items) => GObj::List(items.into_iter().map(GObj::from_value).collect()),
            Value::Map(m) => GObj::Map(m.into_iter().map(|(k, v)| (key_from_text(k), GObj::from_value(v))).collect()),
            Value::String(s) if s == "Merge.outV" || s == "Merge.inV" => GObj::Token(s),
            Value::Node(n) => GObj::Vertex(n.id),
            Value::Relationship(r) => GObj::Edge(r.id),
            Value::Path(p) => {
                let mut out = Vec::new();
                for (i, n) in p.nodes.into_iter().enumerate() {
                    if i > 0 {
                        if let Some(r) = p.relationships.get(i - 1) {
                            out.push(GObj::Edge(r.id));
                        }
                    }
                    out.push(GObj::Vertex(n.id));
                }
                GObj::Path(out)
            }
            other => GObj::Val(other),
        }
    }

    /// The value a caller sees: elements materialized, maps keyed by text (see `key_text`).
    pub fn to_value(&self, snapshot: &Snapshot) -> Value {
        match self {
            GObj::Val(v) => v.clone(),
            GObj::Vertex(id) => snapshot.node_value(*id),
            GObj::Edge(id) => snapshot.rel_value(*id),
            GObj::Prop { key, value, .. } => Value::Map(
                [("key".to_string(), Value::String(key.clone())), ("value".to_string(), value.to_value(snapshot))]
                    .into_iter()
                    .collect(),
            ),
            GObj::List(items) | GObj::Set(items) | GObj::Path(items) => {
                Value::List(items.iter().map(|i| i.to_value(snapshot)).collect())
            }
            GObj::Map(entries) => Value::Map(
                entries.iter().map(|(k, v)| (key_text(&k.to_value(snapshot)), v.to_value(snapshot))).collect(),
            ),
            GObj::Entry(e) => {
                Value::Map([(key_text(&e.0.to_value(snapshot)), e.1.to_value(snapshot))].into_iter().collect())
            }
            GObj::Token(t) => Value::String(t.clone()),
        }
    }
}

/// A map key from a caller's `Value::Map`: the texts `key_text` gives tokens become tokens again.
fn key_from_text(k: String) -> GObj {
    // Direction.from/to are aliases of OUT/IN.
    match k.as_str() {
        "Direction.from" => return GObj::Token("Direction.OUT".into()),
        "Direction.to" => return GObj::Token("Direction.IN".into()),
        _ => {}
    }
    if k == "T.id" || k == "T.label" || k == "Direction.OUT" || k == "Direction.IN" {
        GObj::Token(k)
    } else {
        GObj::Val(Value::String(k))
    }
}

/// How a map key that is not a string is written in a `Value::Map`: vertices as
/// `v[id]`, edges as `e[id]`, other values as their display text.
pub fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        Value::Node(n) => format!("v[{}]", n.id),
        Value::Relationship(r) => format!("e[{}]", r.id),
        other => other.to_display_string(),
    }
}

/// Gremlin's order: null first, then booleans, numbers, strings, other scalars,
/// elements by id, collections by their items.
pub fn order(a: &GObj, b: &GObj) -> Ordering {
    fn rank(o: &GObj) -> u8 {
        match o {
            GObj::Val(Value::Null) => 0,
            GObj::Val(_) => 1,
            GObj::Token(_) => 2,
            GObj::Vertex(_) => 3,
            GObj::Edge(_) => 4,
            GObj::Prop { .. } => 5,
            GObj::Entry(_) => 6,
            GObj::List(_) | GObj::Set(_) | GObj::Path(_) => 7,
            GObj::Map(_) => 8,
        }
    }
    // Gremlin's type order among scalars: null, boolean, number, temporal, string.
    fn scalar_rank(v: &Value) -> u8 {
        match v {
            Value::Null => 0,
            Value::Boolean(_) => 1,
            Value::Integer(_) | Value::Float(_) => 2,
            Value::String(_) => 4,
            _ => 3,
        }
    }
    match (a, b) {
        (GObj::Val(x), GObj::Val(y)) => scalar_rank(x).cmp(&scalar_rank(y)).then_with(|| x.order_cmp(y)),
        (GObj::Vertex(x), GObj::Vertex(y)) | (GObj::Edge(x), GObj::Edge(y)) => x.cmp(y),
        (GObj::Token(x), GObj::Token(y)) => x.cmp(y),
        // T.id and T.label sort among strings by their names (`id`, `label`).
        (GObj::Token(x), GObj::Val(Value::String(y))) => token_name(x).cmp(y.as_str()),
        (GObj::Val(Value::String(x)), GObj::Token(y)) => x.as_str().cmp(token_name(y)),
        (GObj::Prop { value: x, .. }, GObj::Prop { value: y, .. }) => order(x, y),
        (GObj::Entry(x), GObj::Entry(y)) => order(&x.0, &y.0).then_with(|| order(&x.1, &y.1)),
        (GObj::Map(x), GObj::Map(y)) => {
            for ((k1, v1), (k2, v2)) in x.iter().zip(y) {
                let o = order(k1, k2).then_with(|| order(v1, v2));
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        (GObj::List(x) | GObj::Set(x) | GObj::Path(x), GObj::List(y) | GObj::Set(y) | GObj::Path(y)) => {
            for (p, q) in x.iter().zip(y) {
                let o = order(p, q);
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

fn token_name(t: &str) -> &str {
    t.rsplit('.').next().unwrap_or(t)
}

/// Equality as `P.eq` sees it: numbers compare by value across types.
pub fn equals(a: &GObj, b: &GObj) -> bool {
    match (a, b) {
        (GObj::Val(x), GObj::Val(y)) => {
            if x.is_number() && y.is_number() {
                return x.cypher_compare(y) == Some(Some(Ordering::Equal));
            }
            x == y
        }
        (GObj::List(x), GObj::List(y)) | (GObj::Path(x), GObj::Path(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equals(p, q))
        }
        _ => a == b,
    }
}

/// Ordering for `P.lt` and friends: only values of comparable kinds compare.
pub fn compare(a: &GObj, b: &GObj) -> Option<Ordering> {
    match (a, b) {
        (GObj::Val(x), GObj::Val(y)) => {
            if x.is_null() || y.is_null() {
                return None;
            }
            x.cypher_compare(y).flatten()
        }
        (GObj::Vertex(x), GObj::Vertex(y)) | (GObj::Edge(x), GObj::Edge(y)) => Some(x.cmp(y)),
        _ => None,
    }
}
