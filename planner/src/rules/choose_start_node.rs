//! Chooses the start of a one-hop pattern from statistics: when the node at
//! the far end of the first expand carries a rarer label than the scanned
//! one, scan that label instead and expand the other way.
//!
//! Matches `Filter(b:Lb ...) <- Expand(a -> b) <- NodeScan(a:La) <- Argument()`
//! and produces `Filter(a:La ...) <- Expand(b -> a, reversed) <- NodeScan(b:Lb)`.

use super::{OptimizerContext, OptimizerRule, Transformed};
use crate::expr::{BinaryOp, Expr};
use crate::plan::{ExpandMode, LogicalPlan};

pub struct ChooseStartNode;

impl OptimizerRule for ChooseStartNode {
    fn name(&self) -> &'static str {
        "choose_start_node"
    }

    fn rewrite(&self, plan: LogicalPlan, ctx: &OptimizerContext) -> Transformed {
        match try_reverse(&plan, ctx) {
            Some(reversed) => Transformed::yes(reversed),
            None => Transformed::no(plan),
        }
    }
}

fn try_reverse(plan: &LogicalPlan, ctx: &OptimizerContext) -> Option<LogicalPlan> {
    let LogicalPlan::Filter { input, predicate } = plan else { return None };
    let LogicalPlan::Expand { input: expand_input, from, rel, to, types, direction, mode: ExpandMode::All } =
        input.as_ref()
    else {
        return None;
    };
    let LogicalPlan::NodeScan { input: scan_input, variable, label, property_filters } = expand_input.as_ref() else {
        return None;
    };
    if variable != from
        || from == to
        || !matches!(scan_input.as_ref(), LogicalPlan::Argument { variables } if variables.is_empty())
    {
        return None;
    }
    // The target's best label, from a `to:Label` conjunct of the filter.
    let mut conjuncts = predicate.clone().conjuncts();
    let (idx, target_label) = conjuncts.iter().enumerate().find_map(|(i, c)| match c {
        Expr::HasLabels(t, labels) if matches!(t.as_ref(), Expr::Variable(v) if v == to) && labels.len() == 1 => {
            Some((i, labels[0].clone()))
        }
        _ => None,
    })?;
    let here = ctx.label_cardinality(label.as_deref());
    let there = ctx.label_cardinality(Some(&target_label));
    // Only switch when clearly cheaper; ties keep the written order.
    if there.saturating_mul(2) >= here {
        return None;
    }
    conjuncts.remove(idx);
    if let Some(l) = label {
        conjuncts.push(Expr::HasLabels(Box::new(Expr::var(from)), vec![l.clone()]));
    }
    for (key, value) in property_filters {
        conjuncts.push(Expr::binary(
            BinaryOp::Eq,
            Expr::Property(Box::new(Expr::var(from)), key.clone()),
            value.clone(),
        ));
    }
    let scan = LogicalPlan::NodeScan {
        input: scan_input.clone(),
        variable: to.clone(),
        label: Some(target_label),
        property_filters: Vec::new(),
    };
    let expand = LogicalPlan::Expand {
        input: Box::new(scan),
        from: to.clone(),
        rel: rel.clone(),
        to: from.clone(),
        types: types.clone(),
        direction: direction.reversed(),
        mode: ExpandMode::All,
    };
    Some(match Expr::and_all(conjuncts) {
        Some(p) => LogicalPlan::Filter { input: Box::new(expand), predicate: p },
        None => expand,
    })
}
