//! `by()` modulators: what a step looks at (a key, a token, a child traversal)
//! and, for `order`, in which direction.

use std::cmp::Ordering;

use plexus_planner::gremlin::{GArg, GStep};
use plexus_storage::Result;

use super::machine::{type_error, Machine};
use super::object::{order, GObj};
use super::traverser::Traverser;

/// One `by()`: what to project (None: the object itself) and the order it asks for.
#[derive(Debug, Clone)]
pub struct By {
    pub projection: Option<GArg>,
    pub descending: bool,
    pub shuffle: bool,
}

/// The `by()` modulators of a step, in order.
pub fn bys(step: &GStep) -> Vec<By> {
    step.modulator("by")
        .map(|args| {
            let mut by = By { projection: None, descending: false, shuffle: false };
            for a in args {
                match a {
                    GArg::Token(k, v) if k == "Order" => {
                        by.descending = v == "desc" || v == "decr";
                        by.shuffle = v == "shuffle";
                    }
                    other => by.projection = Some(other.clone()),
                }
            }
            by
        })
        .collect()
}

impl By {
    /// Orders two projected objects as this `by` asks.
    pub fn cmp(&self, a: &GObj, b: &GObj) -> Ordering {
        let o = order(a, b);
        if self.descending {
            o.reverse()
        } else {
            o
        }
    }
}

impl Machine<'_> {
    /// What `by` projects from `t`; `None` when it yields nothing (the traverser is unproductive).
    pub fn project(&mut self, projection: Option<&GArg>, t: &Traverser, step: &GStep) -> Result<Option<GObj>> {
        self.project_obj(projection, &t.obj, t, step)
    }

    /// `project_obj` under `ProductiveByStrategy`: nothing becomes null.
    fn productive(&self, r: Option<GObj>) -> Option<GObj> {
        if self.productive_by {
            Some(r.unwrap_or(GObj::NULL))
        } else {
            r
        }
    }

    /// Like `project`, for an object other than the traverser's own (a path element, a map value).
    pub fn project_obj(
        &mut self,
        projection: Option<&GArg>,
        obj: &GObj,
        t: &Traverser,
        step: &GStep,
    ) -> Result<Option<GObj>> {
        let Some(p) = projection else { return Ok(Some(obj.clone())) };
        match p {
            GArg::Value(plexus_storage::Value::String(key)) => {
                let r = self.value_of(obj, key, step)?;
                Ok(self.productive(r))
            }
            GArg::Token(kind, v) => self.token_of(obj, kind, v, step),
            GArg::Traversal(child) => {
                let mut start = t.clone();
                start.obj = obj.clone();
                let r = self.first(child, &start)?;
                Ok(self.productive(r))
            }
            _ => Err(type_error(step, format!("{}() cannot be modulated by {p:?}", step.name))),
        }
    }

    /// `by("key")`: an element's property or a map's entry; none when absent.
    pub fn value_of(&mut self, obj: &GObj, key: &str, step: &GStep) -> Result<Option<GObj>> {
        match obj {
            GObj::Vertex(_) | GObj::Edge(_) => {
                let v = self.property(obj, key);
                Ok((!v.is_null()).then(|| GObj::from_value(v)))
            }
            GObj::Map(entries) => Ok(entries.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v.clone())),
            GObj::Prop { value, .. } if key == "value" => Ok(Some((**value).clone())),
            _ => Err(type_error(step, format!("the by(\"{key}\") modulator needs an element or a map"))),
        }
    }

    /// `by(T.id)`, `by(keys)` and the like.
    pub fn token_of(&mut self, obj: &GObj, kind: &str, v: &str, step: &GStep) -> Result<Option<GObj>> {
        Ok(match (kind, v) {
            ("T", "id") => Some(self.id_of(obj, step)?),
            ("T", "label") => Some(self.label_of(obj, step)?),
            ("T", "key") => match obj {
                GObj::Prop { key, .. } => Some(GObj::str(key)),
                _ => return Err(type_error(step, "T.key needs a property")),
            },
            ("T", "value") => match obj {
                GObj::Prop { value, .. } => Some((**value).clone()),
                _ => return Err(type_error(step, "T.value needs a property")),
            },
            ("Column", "keys") => match obj {
                GObj::Map(e) => Some(GObj::Set(e.iter().map(|(k, _)| k.clone()).collect())),
                GObj::Entry(e) => Some(e.0.clone()),
                _ => return Err(type_error(step, "Column.keys needs a map")),
            },
            ("Column", "values") => match obj {
                GObj::Map(e) => Some(GObj::List(e.iter().map(|(_, v)| v.clone()).collect())),
                GObj::Entry(e) => Some(e.1.clone()),
                _ => return Err(type_error(step, "Column.values needs a map")),
            },
            _ => return Err(type_error(step, format!("{}() cannot be modulated by {kind}.{v}", step.name))),
        })
    }

    /// The id Gremlin shows: the vertex id the data gave (numbers as numbers), else ours.
    pub fn id_of(&self, obj: &GObj, step: &GStep) -> Result<GObj> {
        match obj {
            GObj::Vertex(id) => {
                let snap = self.snapshot();
                Ok(match snap.external_id(*id) {
                    Some(ext) => match ext.parse::<i64>() {
                        Ok(n) => GObj::int(n),
                        Err(_) => GObj::str(ext),
                    },
                    None => GObj::int(*id as i64),
                })
            }
            GObj::Edge(id) => Ok(GObj::int(*id as i64)),
            GObj::Prop { owner, key, .. } => {
                // A vertex property's id: derived from its owner and key (we store no property ids).
                let owner = self.id_of(owner, step)?;
                Ok(GObj::str(&format!("{}.{key}", super::steps::display(&owner))))
            }
            _ => Err(type_error(step, "id() needs an element")),
        }
    }

    pub fn label_of(&self, obj: &GObj, step: &GStep) -> Result<GObj> {
        let snap = self.snapshot();
        match obj {
            GObj::Vertex(id) => {
                let labels: Vec<String> =
                    snap.node_labels(*id).into_iter().map(|l| snap.label_name(l).to_string()).collect();
                Ok(GObj::str(if labels.is_empty() { "vertex" } else { &labels[0] }))
            }
            GObj::Edge(id) => match snap.rel_endpoints(*id) {
                Some((_, _, t)) => Ok(GObj::str(snap.type_name(t))),
                None => Err(type_error(step, "label() of a deleted edge")),
            },
            GObj::Prop { key, .. } => Ok(GObj::str(key)),
            _ => Err(type_error(step, "label() needs an element")),
        }
    }
}
