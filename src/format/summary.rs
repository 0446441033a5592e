//! The lines printed after a result: row count and time, and write counters.

use std::time::Duration;

use crate::db::QueryStats;

/// `"1 row in 3 ms"`, `"0 rows in 0 ms"`.
pub fn rows_line(rows: usize, elapsed: Duration) -> String {
    format!("{} in {} ms", plural(rows as u64, "row", "rows"), elapsed.as_millis())
}

/// `"Created 2 nodes, set 3 properties"`, or `None` when nothing changed.
pub fn counters_line(stats: &QueryStats) -> Option<String> {
    let parts: Vec<String> = [
        ("created", stats.nodes_created, "node", "nodes"),
        ("deleted", stats.nodes_deleted, "node", "nodes"),
        ("created", stats.relationships_created, "relationship", "relationships"),
        ("deleted", stats.relationships_deleted, "relationship", "relationships"),
        ("set", stats.properties_set, "property", "properties"),
        ("added", stats.labels_added, "label", "labels"),
        ("removed", stats.labels_removed, "label", "labels"),
    ]
    .into_iter()
    .filter(|&(_, n, _, _)| n > 0)
    .map(|(verb, n, one, many)| format!("{verb} {}", plural(n, one, many)))
    .collect();
    let line = parts.join(", ");
    let mut chars = line.chars();
    let first = chars.next()?;
    Some(first.to_uppercase().chain(chars).collect())
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_line_is_singular_for_one_row() {
        assert_eq!(rows_line(1, Duration::from_millis(3)), "1 row in 3 ms");
        assert_eq!(rows_line(0, Duration::from_micros(10)), "0 rows in 0 ms");
        assert_eq!(rows_line(12, Duration::from_millis(1500)), "12 rows in 1500 ms");
    }

    #[test]
    fn counters_line_lists_only_non_zero_counters() {
        let stats = QueryStats { nodes_created: 2, properties_set: 3, ..QueryStats::default() };
        assert_eq!(counters_line(&stats).as_deref(), Some("Created 2 nodes, set 3 properties"));
        let stats = QueryStats { relationships_deleted: 1, labels_added: 1, ..QueryStats::default() };
        assert_eq!(counters_line(&stats).as_deref(), Some("Deleted 1 relationship, added 1 label"));
    }

    #[test]
    fn counters_line_is_none_when_nothing_changed() {
        assert_eq!(counters_line(&QueryStats::default()), None);
    }
}
