//! Semantic analysis of variables: which names are bound at each point of a
//! query and what they hold. Front ends declare and look up names through a
//! `Scope`, which raises the compile-time errors the TCK expects.

use plexus_storage::{Error, Result};

use crate::typecheck::StaticType;

/// What a variable is known to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarKind {
    Node,
    Relationship,
    /// The relationships of a variable-length hop.
    RelationshipList,
    Path,
    /// A value known not to be a node, relationship or path (literals, arithmetic...).
    Value,
    /// Not known until run time (parameters, list elements, function results).
    Any,
}

impl VarKind {
    fn describe(self) -> &'static str {
        match self {
            VarKind::Node => "Node",
            VarKind::Relationship => "Relationship",
            VarKind::RelationshipList => "List<Relationship>",
            VarKind::Path => "Path",
            VarKind::Value => "Value",
            VarKind::Any => "Any",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Scope {
    vars: Vec<(String, VarKind)>,
    /// Value types evident from the query text (e.g. `WITH 123 AS x`).
    static_types: Vec<(String, StaticType)>,
}

impl Scope {
    pub fn new() -> Self {
        Scope::default()
    }

    pub fn names(&self) -> Vec<String> {
        self.vars.iter().map(|(n, _)| n.clone()).collect()
    }

    pub fn kind(&self, name: &str) -> Option<VarKind> {
        self.vars.iter().find(|(n, _)| n == name).map(|(_, k)| *k)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.kind(name).is_some()
    }

    /// The variable must be bound; `UndefinedVariable` otherwise.
    pub fn require(&self, name: &str, pos: usize) -> Result<VarKind> {
        self.kind(name)
            .ok_or_else(|| Error::semantic("UndefinedVariable", format!("Variable `{name}` not defined")).at(pos))
    }

    /// Bind a new variable, or check that an existing binding has a compatible kind.
    pub fn bind(&mut self, name: &str, kind: VarKind, pos: usize) -> Result<()> {
        match self.kind(name) {
            None => {
                self.vars.push((name.to_string(), kind));
                Ok(())
            }
            Some(existing) if existing == kind || existing == VarKind::Any || kind == VarKind::Any => Ok(()),
            Some(existing) => Err(Error::semantic(
                "VariableTypeConflict",
                format!(
                    "Type mismatch: `{name}` defined with conflicting type {} (expected {})",
                    existing.describe(),
                    kind.describe()
                ),
            )
            .at(pos)),
        }
    }

    /// Bind a variable that must be new (e.g. a named path, an UNWIND alias).
    pub fn bind_new(&mut self, name: &str, kind: VarKind, pos: usize) -> Result<()> {
        if self.contains(name) {
            return Err(Error::semantic("VariableAlreadyBound", format!("Variable `{name}` already declared")).at(pos));
        }
        self.vars.push((name.to_string(), kind));
        Ok(())
    }

    /// Replace the scope by exactly these bindings (after WITH / RETURN).
    pub fn reset(&mut self, vars: Vec<(String, VarKind)>) {
        self.vars = vars;
        self.static_types.clear();
    }

    /// Record the evident type of a bound variable.
    pub fn set_static_type(&mut self, name: &str, t: StaticType) {
        self.static_types.retain(|(n, _)| n != name);
        self.static_types.push((name.to_string(), t));
    }

    pub fn static_type(&self, name: &str) -> Option<StaticType> {
        self.static_types.iter().find(|(n, _)| n == name).map(|(_, t)| *t)
    }

    /// A copy with `name` bound as a local (comprehension, quantifier, reduce
    /// variable), shadowing any outer binding.
    pub fn with_local(&self, name: &str, static_type: Option<StaticType>) -> Scope {
        let mut inner = self.clone();
        inner.vars.retain(|(n, _)| n != name);
        inner.static_types.retain(|(n, _)| n != name);
        inner.vars.push((name.to_string(), VarKind::Any));
        if let Some(t) = static_type {
            inner.static_types.push((name.to_string(), t));
        }
        inner
    }

    pub fn entries(&self) -> &[(String, VarKind)] {
        &self.vars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undefined_variable_is_reported_with_position() {
        let scope = Scope::new();
        let err = scope.require("x", 7).unwrap_err();
        assert_eq!(err.detail, "UndefinedVariable");
        assert_eq!(err.pos, Some(7));
    }

    #[test]
    fn conflicting_kinds_are_rejected() {
        let mut scope = Scope::new();
        scope.bind("n", VarKind::Node, 0).unwrap();
        assert!(scope.bind("n", VarKind::Node, 1).is_ok());
        let err = scope.bind("n", VarKind::Relationship, 2).unwrap_err();
        assert_eq!(err.detail, "VariableTypeConflict");
    }

    #[test]
    fn bind_new_refuses_rebinding() {
        let mut scope = Scope::new();
        scope.bind_new("p", VarKind::Path, 0).unwrap();
        assert_eq!(scope.bind_new("p", VarKind::Path, 3).unwrap_err().detail, "VariableAlreadyBound");
    }
}
