//! Pattern-shaped traversals lower to the plan Cypher gets for the same pattern.

use crate::db::{Database, Params};

/// EXPLAIN text with variable names replaced by their order of appearance, so
/// `a`/`v0` and `__rel1`/`e1` compare equal. A variable is a word that opens a
/// node or relationship (`(a`, `[r`) or is followed by `.`, `:`, `)` or `]`,
/// and is not itself a label, type or key (after `:` or `.`).
fn normalized(plan: &str) -> String {
    let chars: Vec<char> = plan.chars().collect();
    let mut names: Vec<String> = Vec::new();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if !(chars[i].is_alphanumeric() || chars[i] == '_') {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        let prev = start.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i).copied();
        let opens = matches!(prev, Some('(' | '['));
        let used = matches!(next, Some('.' | ':' | ')' | ']'));
        let is_var = (opens || used) && !matches!(prev, Some(':' | '.'));
        if is_var {
            let n = names.iter().position(|x| *x == word).unwrap_or_else(|| {
                names.push(word.clone());
                names.len() - 1
            });
            out.push_str(&format!("#{n}"));
        } else {
            out.push_str(&word);
        }
    }
    out
}

fn modern() -> Database {
    let db = Database::in_memory();
    let setup = "CREATE (a:person {name: 'marko', age: 29}), (b:person {name: 'vadas', age: 27}), \
                 (c:software {name: 'lop'}), (a)-[:knows]->(b), (a)-[:created]->(c)";
    db.execute(setup, &Params::new()).and_then(|r| r.collect_rows()).expect("setup");
    db
}

fn plans(db: &Database, cypher: &str, gremlin: &str) -> (String, String) {
    let c = db.explain(cypher).expect("cypher plan");
    let g = db.explain_gremlin(gremlin, &Params::new()).expect("gremlin plan");
    (normalized(&c), normalized(&g))
}

#[test]
fn out_values_is_the_cypher_expand_and_projection() {
    let db = modern();
    let (c, g) = plans(
        &db,
        "MATCH (a:person)-[:knows]->(b) WHERE b.name IS NOT NULL RETURN b.name AS result",
        "g.V().hasLabel('person').out('knows').values('name')",
    );
    assert_eq!(c, g, "cypher:\n{c}\ngremlin:\n{g}");
    assert!(g.contains("Expand"), "{g}");
}

#[test]
fn has_and_count_share_the_scan_filter_and_aggregation() {
    let db = modern();
    let (c, g) = plans(
        &db,
        "MATCH (a:person) WHERE a.name = 'marko' RETURN count(*) AS result",
        "g.V().hasLabel('person').has('name', 'marko').count()",
    );
    assert_eq!(c, g, "cypher:\n{c}\ngremlin:\n{g}");
}

#[test]
fn the_two_plans_give_the_same_rows() {
    let db = modern();
    let cypher = db
        .execute("MATCH (a:person)-[:knows]->(b) RETURN b.name", &Params::new())
        .and_then(|r| r.collect_rows())
        .expect("cypher");
    let gremlin = db
        .execute_gremlin("g.V().hasLabel('person').out('knows').values('name')", &Params::new())
        .and_then(|r| r.collect_rows())
        .expect("gremlin");
    assert_eq!(cypher, gremlin);
    assert_eq!(gremlin, vec![vec![plexus_storage::Value::String("vadas".into())]]);
}

#[test]
fn traversals_that_need_paths_run_in_the_traversal_operator() {
    let db = modern();
    let plan = db.explain_gremlin("g.V().as('a').out().select('a')", &Params::new()).expect("plan");
    assert!(plan.contains("GremlinTraversal"), "{plan}");
}
