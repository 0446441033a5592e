//! CALL: resolve the procedure at compile time, check its arguments and
//! YIELD items, and plan a `ProcedureCall` (plus a filter for YIELD ... WHERE).

use plexus_planner::scope::{Scope, VarKind};
use plexus_planner::{Expr, LogicalPlan};
use plexus_storage::{Error, ErrorClass, Phase, Result};

use super::Lowerer;
use crate::cypher::ast;
use crate::procedures::ProcType;

/// A lowered CALL: the plan, the variables it yields (a standalone call's
/// result columns) and whether the procedure is void.
pub struct LoweredCall {
    pub plan: LogicalPlan,
    pub columns: Vec<String>,
    pub void: bool,
}

impl Lowerer {
    /// Lower `c` over `plan`; `standalone` when the CALL is the whole query.
    pub fn call(
        &mut self,
        plan: LogicalPlan,
        c: &ast::Call,
        scope: &mut Scope,
        standalone: bool,
    ) -> Result<LoweredCall> {
        let signature = self.procedures.as_ref().and_then(|p| p.signature(&c.procedure)).cloned().ok_or_else(|| {
            Error::new(
                ErrorClass::ProcedureError,
                "ProcedureNotFound",
                Phase::Compile,
                format!("There is no procedure with the name `{}` registered", c.procedure),
            )
            .at(c.pos)
        })?;
        let args = match &c.args {
            Some(args) => {
                if args.len() != signature.inputs.len() {
                    return Err(Error::semantic(
                        "InvalidNumberOfArguments",
                        format!(
                            "Procedure call `{}` takes {} argument(s), got {}",
                            signature.name,
                            signature.inputs.len(),
                            args.len()
                        ),
                    )
                    .at(c.pos));
                }
                let mut lowered = Vec::with_capacity(args.len());
                for (arg, field) in args.iter().zip(&signature.inputs) {
                    let e = self.expr(arg, scope)?;
                    if let Some(t) = plexus_planner::typecheck::static_type(&e) {
                        if !field.ty.may_accept(t)
                            || (t == plexus_planner::typecheck::StaticType::Null && !field.nullable)
                        {
                            return Err(Error::semantic(
                                "InvalidArgumentType",
                                format!("Type mismatch: argument `{}` expects {}, got {t:?}", field.name, field.ty),
                            )
                            .at(arg.pos));
                        }
                    }
                    lowered.push(e);
                }
                lowered
            }
            // Implicit arguments: query parameters named like the inputs.
            None if standalone => signature
                .inputs
                .iter()
                .map(|field| {
                    if !self.parameters.contains(&field.name) {
                        self.parameters.push(field.name.clone());
                    }
                    Expr::Parameter(field.name.clone())
                })
                .collect(),
            None if signature.inputs.is_empty() => Vec::new(),
            None => {
                return Err(Error::semantic(
                    "InvalidArgumentPassingMode",
                    format!("Procedure call inside a query must give the arguments of `{}` explicitly", signature.name),
                )
                .at(c.pos))
            }
        };
        let yields: Vec<(String, String)> = match &c.yields {
            _ if c.yield_all && !standalone => {
                return Err(Error::semantic(
                    "UnexpectedSyntax",
                    "YIELD * is only allowed in a standalone procedure call",
                )
                .at(c.pos))
            }
            _ if c.yield_all => signature.outputs.iter().map(|f| (f.name.clone(), f.name.clone())).collect(),
            None if standalone => signature.outputs.iter().map(|f| (f.name.clone(), f.name.clone())).collect(),
            None => Vec::new(),
            Some(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (field, alias) in items {
                    if !signature.outputs.iter().any(|f| &f.name == field) {
                        return Err(Error::semantic(
                            "UndefinedVariable",
                            format!("Unknown procedure output: `{field}` (procedure `{}`)", signature.name),
                        )
                        .at(c.pos));
                    }
                    out.push((field.clone(), alias.clone().unwrap_or_else(|| field.clone())));
                }
                out
            }
        };
        for (field, variable) in &yields {
            let kind = match signature.outputs.iter().find(|f| &f.name == field).map(|f| &f.ty) {
                Some(ProcType::Node) => VarKind::Node,
                Some(ProcType::Relationship) => VarKind::Relationship,
                Some(ProcType::Path) => VarKind::Path,
                _ => VarKind::Any,
            };
            scope.bind_new(variable, kind, c.pos)?;
        }
        let columns = yields.iter().map(|(_, v)| v.clone()).collect();
        let mut plan = LogicalPlan::ProcedureCall {
            input: Box::new(plan),
            procedure: signature.name.clone(),
            args,
            outputs: signature.outputs.iter().map(|f| f.name.clone()).collect(),
            yields,
        };
        if let Some(w) = &c.where_ {
            let predicate = self.expr(w, scope)?;
            plan = LogicalPlan::Filter { input: Box::new(plan), predicate };
        }
        Ok(LoweredCall { plan, columns, void: signature.outputs.is_empty() })
    }
}
