//! Folds label and property-equality predicates on a freshly scanned node
//! into the scan: a label scan reads one bitmap instead of every node, and
//! property equality is checked on the gathered column inside the scan.

use super::{OptimizerContext, OptimizerRule, Transformed};
use crate::expr::{BinaryOp, Expr};
use crate::plan::LogicalPlan;

pub struct PredicatesIntoScan;

impl OptimizerRule for PredicatesIntoScan {
    fn name(&self) -> &'static str {
        "predicates_into_scan"
    }

    fn rewrite(&self, plan: LogicalPlan, ctx: &OptimizerContext) -> Transformed {
        let LogicalPlan::Filter { input, predicate } = plan else {
            return Transformed::no(plan);
        };
        let LogicalPlan::NodeScan { input: scan_input, variable, mut label, mut property_filters } = *input else {
            return Transformed::no(LogicalPlan::Filter { input, predicate });
        };
        let outer = scan_input.schema();
        let mut changed = false;
        let mut rest = Vec::new();
        for conjunct in predicate.conjuncts() {
            match conjunct {
                Expr::HasLabels(target, labels) if is_var(&target, &variable) => {
                    let mut labels = labels;
                    // Scan the rarest label; the others stay as a filter.
                    labels.sort_by_key(|l| ctx.label_cardinality(Some(l)));
                    match &label {
                        None if !labels.is_empty() => {
                            label = Some(labels.remove(0));
                            changed = true;
                        }
                        Some(current) => {
                            if let Some(first) = labels.first() {
                                if ctx.label_cardinality(Some(first)) < ctx.label_cardinality(Some(current)) {
                                    let old = label.replace(labels.remove(0));
                                    labels.extend(old);
                                    changed = true;
                                }
                            }
                            labels.retain(|l| Some(l) != label.as_ref());
                        }
                        None => {}
                    }
                    if !labels.is_empty() {
                        rest.push(Expr::HasLabels(Box::new(Expr::var(&variable)), labels));
                    }
                }
                Expr::Binary(BinaryOp::Eq, l, r) => match property_of(&l, &variable) {
                    Some(key) if reads_only(&r, &outer) => {
                        property_filters.push((key, *r));
                        changed = true;
                    }
                    _ => match property_of(&r, &variable) {
                        Some(key) if reads_only(&l, &outer) => {
                            property_filters.push((key, *l));
                            changed = true;
                        }
                        _ => rest.push(Expr::Binary(BinaryOp::Eq, l, r)),
                    },
                },
                other => rest.push(other),
            }
        }
        let scan = LogicalPlan::NodeScan { input: scan_input, variable, label, property_filters };
        let plan = match Expr::and_all(rest) {
            Some(p) => LogicalPlan::Filter { input: Box::new(scan), predicate: p },
            None => scan,
        };
        Transformed { plan, changed }
    }
}

fn is_var(e: &Expr, name: &str) -> bool {
    matches!(e, Expr::Variable(v) if v == name)
}

fn property_of(e: &Expr, variable: &str) -> Option<String> {
    match e {
        Expr::Property(target, key) if is_var(target, variable) => Some(key.clone()),
        _ => None,
    }
}

fn reads_only(e: &Expr, available: &[String]) -> bool {
    let mut vars = Vec::new();
    e.free_variables(&mut vars);
    vars.iter().all(|v| available.contains(v))
}
