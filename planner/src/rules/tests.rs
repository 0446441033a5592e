//! Each rule on a small hand-built plan, checked through EXPLAIN text.

use std::collections::HashMap;

use super::*;
use crate::explain::explain;
use crate::expr::{BinaryOp, Expr};
use crate::plan::{Direction, ExpandMode, LogicalPlan};

fn stats() -> Statistics {
    Statistics {
        node_count: 1000,
        relationship_count: 5000,
        label_counts: HashMap::from([("Person".to_string(), 900), ("City".to_string(), 10)]),
        type_counts: HashMap::new(),
    }
}

fn scan(var: &str) -> LogicalPlan {
    LogicalPlan::NodeScan {
        input: Box::new(LogicalPlan::argument()),
        variable: var.into(),
        label: None,
        property_filters: vec![],
    }
}

fn expand(input: LogicalPlan, from: &str, to: &str) -> LogicalPlan {
    LogicalPlan::Expand {
        input: Box::new(input),
        from: from.into(),
        rel: "r".into(),
        to: to.into(),
        types: vec!["LIVES_IN".into()],
        direction: Direction::Outgoing,
        mode: ExpandMode::All,
    }
}

fn filter(input: LogicalPlan, predicate: Expr) -> LogicalPlan {
    LogicalPlan::Filter { input: Box::new(input), predicate }
}

fn label(var: &str, l: &str) -> Expr {
    Expr::HasLabels(Box::new(Expr::var(var)), vec![l.into()])
}

fn prop_eq(var: &str, key: &str, v: i64) -> Expr {
    Expr::binary(BinaryOp::Eq, Expr::Property(Box::new(Expr::var(var)), key.into()), Expr::lit(v))
}

fn run(rules: Vec<Box<dyn OptimizerRule + Send + Sync>>, plan: LogicalPlan) -> String {
    let stats = stats();
    let optimizer = Optimizer { rules };
    explain(&optimizer.optimize(plan, &OptimizerContext { statistics: &stats }), None)
}

#[test]
fn filter_moves_below_the_expand_that_does_not_bind_its_variables() {
    let plan = filter(expand(scan("a"), "a", "b"), prop_eq("a", "age", 3));
    let text = run(vec![Box::new(PushDownFilter)], plan);
    assert_eq!(text, "Expand (a)-[r:LIVES_IN]->(b)\n  Filter (a.age = 3)\n    AllNodesScan (a)\n      Argument\n");
}

#[test]
fn filter_stays_above_the_operator_binding_its_variable() {
    let plan = filter(expand(scan("a"), "a", "b"), prop_eq("b", "age", 3));
    let text = run(vec![Box::new(PushDownFilter)], plan);
    assert!(text.starts_with("Filter (b.age = 3)\n  Expand"), "{text}");
}

#[test]
fn label_and_property_predicates_fold_into_the_scan() {
    let plan = filter(scan("a"), Expr::binary(BinaryOp::And, label("a", "Person"), prop_eq("a", "age", 3)));
    let text = run(vec![Box::new(PredicatesIntoScan)], plan);
    assert_eq!(text, "NodeByLabelScan (a:Person) WHERE a.age = 3\n  Argument\n");
}

#[test]
fn the_rarest_label_is_scanned() {
    let plan = filter(scan("a"), Expr::HasLabels(Box::new(Expr::var("a")), vec!["Person".into(), "City".into()]));
    let text = run(vec![Box::new(PredicatesIntoScan)], plan);
    assert_eq!(text, "Filter a:Person\n  NodeByLabelScan (a:City)\n    Argument\n");
}

#[test]
fn expansion_starts_from_the_rarer_label() {
    let plan = filter(expand(filter(scan("p"), label("p", "Person")), "p", "c"), label("c", "City"));
    let text = run(vec![Box::new(PushDownFilter), Box::new(PredicatesIntoScan), Box::new(ChooseStartNode)], plan);
    assert_eq!(text, "Filter p:Person\n  Expand (c)<-[r:LIVES_IN]-(p)\n    NodeByLabelScan (c:City)\n      Argument\n");
}

#[test]
fn limit_moves_below_a_projection() {
    let plan = LogicalPlan::Limit {
        input: Box::new(LogicalPlan::Project {
            input: Box::new(scan("a")),
            items: vec![("x".into(), Expr::Property(Box::new(Expr::var("a")), "x".into()))],
            discard: true,
        }),
        count: Expr::lit(5),
    };
    let text = run(vec![Box::new(PushDownLimit)], plan);
    assert_eq!(text, "Projection a.x AS x\n  Limit 5\n    AllNodesScan (a)\n      Argument\n");
}

#[test]
fn unused_projected_columns_are_pruned() {
    let inner = LogicalPlan::Project {
        input: Box::new(scan("a")),
        items: vec![
            ("x".into(), Expr::Property(Box::new(Expr::var("a")), "x".into())),
            ("y".into(), Expr::Property(Box::new(Expr::var("a")), "y".into())),
        ],
        discard: true,
    };
    let plan = LogicalPlan::Produce { input: Box::new(inner), columns: vec!["x".into()] };
    let text = run(vec![Box::new(PruneProjection)], plan);
    assert_eq!(text, "ProduceResults x\n  Projection a.x AS x\n    AllNodesScan (a)\n      Argument\n");
}

#[test]
fn literal_true_filters_disappear() {
    let plan = filter(scan("a"), Expr::binary(BinaryOp::And, Expr::lit(true), Expr::lit(true)));
    let text = run(vec![Box::new(SimplifyBoolean)], plan);
    assert_eq!(text, "AllNodesScan (a)\n  Argument\n");
}

#[test]
fn the_default_rule_set_reaches_a_fixpoint() {
    let plan = filter(
        expand(scan("p"), "p", "c"),
        Expr::binary(
            BinaryOp::And,
            label("p", "Person"),
            Expr::binary(BinaryOp::And, label("c", "City"), prop_eq("p", "age", 1)),
        ),
    );
    let stats = stats();
    let once = Optimizer::default().optimize(plan, &OptimizerContext { statistics: &stats });
    let twice = Optimizer::default().optimize(once.clone(), &OptimizerContext { statistics: &stats });
    assert_eq!(once, twice);
    assert!(explain(&once, None).contains("NodeByLabelScan (c:City)"));
}

#[test]
fn a_label_every_node_has_is_not_tested_after_an_expand() {
    let mut all = stats();
    all.label_counts.insert("Node".into(), all.node_count);
    let optimizer = Optimizer { rules: vec![Box::new(DropUniversalLabels)] };
    let run_all = |plan| explain(&optimizer.optimize(plan, &OptimizerContext { statistics: &all }), None);
    let plan =
        filter(expand(scan("a"), "a", "b"), Expr::binary(BinaryOp::And, label("b", "Node"), prop_eq("b", "k", 1)));
    assert!(run_all(plan).starts_with("Filter (b.k = 1)\n  Expand"), "the universal label goes, the rest stays");
    let plan = filter(expand(scan("a"), "a", "b"), label("b", "Node"));
    assert!(run_all(plan).starts_with("Expand"), "a filter of only that label goes");
    // Labels not on every node, and the start node (which may be null elsewhere), keep their test.
    let plan = filter(expand(scan("a"), "a", "b"), label("b", "Person"));
    assert!(run_all(plan).starts_with("Filter b:Person"));
    let plan = filter(expand(scan("a"), "a", "b"), label("a", "Node"));
    assert!(run_all(plan).starts_with("Filter a:Node"));
}
