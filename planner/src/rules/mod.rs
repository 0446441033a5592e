//! The rule-based optimizer: one rule per file behind `OptimizerRule`. The
//! driver walks the tree bottom-up and repeats until no rule changes anything.

mod choose_start_node;
mod drop_universal_labels;
mod predicates_into_scan;
mod prune_projection;
mod push_down_filter;
mod push_down_limit;
mod simplify_boolean;

use crate::Statistics;

use crate::plan::LogicalPlan;

pub use choose_start_node::ChooseStartNode;
pub use drop_universal_labels::DropUniversalLabels;
pub use predicates_into_scan::PredicatesIntoScan;
pub use prune_projection::PruneProjection;
pub use push_down_filter::PushDownFilter;
pub use push_down_limit::PushDownLimit;
pub use simplify_boolean::SimplifyBoolean;

/// A rewrite result that says whether anything changed, so the driver reaches
/// a fixpoint without comparing plans.
pub struct Transformed {
    pub plan: LogicalPlan,
    pub changed: bool,
}

impl Transformed {
    pub fn yes(plan: LogicalPlan) -> Self {
        Transformed { plan, changed: true }
    }
    pub fn no(plan: LogicalPlan) -> Self {
        Transformed { plan, changed: false }
    }
}

/// What rules may consult: the store's statistics.
pub struct OptimizerContext<'a> {
    pub statistics: &'a Statistics,
}

impl OptimizerContext<'_> {
    /// Nodes carrying `label`, or all nodes for `None`.
    pub fn label_cardinality(&self, label: Option<&str>) -> u64 {
        match label {
            Some(l) => self.statistics.label_counts.get(l).copied().unwrap_or(0),
            None => self.statistics.node_count,
        }
    }
}

pub trait OptimizerRule {
    /// Shown in EXPLAIN VERBOSE-style output and in errors.
    fn name(&self) -> &'static str;
    /// Rewrite one operator (its children are already rewritten).
    fn rewrite(&self, plan: LogicalPlan, ctx: &OptimizerContext) -> Transformed;
    /// Rules that look at the whole tree at once run from the root instead.
    fn whole_plan(&self) -> bool {
        false
    }
}

pub struct Optimizer {
    rules: Vec<Box<dyn OptimizerRule + Send + Sync>>,
}

impl Default for Optimizer {
    fn default() -> Self {
        Optimizer {
            rules: vec![
                Box::new(SimplifyBoolean),
                Box::new(PushDownFilter),
                Box::new(PredicatesIntoScan),
                Box::new(ChooseStartNode),
                Box::new(DropUniversalLabels),
                Box::new(PushDownLimit),
                Box::new(PruneProjection),
            ],
        }
    }
}

const MAX_PASSES: usize = 16;

impl Optimizer {
    pub fn rule_names(&self) -> Vec<&'static str> {
        self.rules.iter().map(|r| r.name()).collect()
    }

    pub fn optimize(&self, mut plan: LogicalPlan, ctx: &OptimizerContext) -> LogicalPlan {
        for _ in 0..MAX_PASSES {
            let mut changed = false;
            for rule in &self.rules {
                let t = if rule.whole_plan() {
                    rule.rewrite(plan, ctx)
                } else {
                    rewrite_bottom_up(plan, rule.as_ref(), ctx)
                };
                changed |= t.changed;
                plan = t.plan;
            }
            if !changed {
                break;
            }
        }
        plan
    }
}

/// Apply `rule` to every operator, children (inputs and subplans) first.
fn rewrite_bottom_up(
    mut plan: LogicalPlan,
    rule: &(dyn OptimizerRule + Send + Sync),
    ctx: &OptimizerContext,
) -> Transformed {
    let mut changed = false;
    for child in children_mut(&mut plan) {
        let owned = std::mem::replace(child, LogicalPlan::argument());
        let t = rewrite_bottom_up(owned, rule, ctx);
        changed |= t.changed;
        *child = t.plan;
    }
    let t = rule.rewrite(plan, ctx);
    Transformed { plan: t.plan, changed: changed || t.changed }
}

fn children_mut(plan: &mut LogicalPlan) -> Vec<&mut LogicalPlan> {
    use LogicalPlan::*;
    match plan {
        Optional { input, inner } | SemiApply { input, inner, .. } => vec![input, inner],
        Merge { input, pattern, .. } => vec![input, pattern],
        Foreach { input, body, .. } => vec![input, body],
        Union { left, right, .. } => vec![left, right],
        other => other.input_mut().map(|i| vec![i.as_mut()]).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests;
