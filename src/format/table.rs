//! Aligned ASCII tables whose cells hold values in Cypher literal form.

use comfy_table::{presets, Table, TableComponent};
use plexus_storage::Value;

/// Render `columns` and `rows` as an aligned table (no trailing newline).
pub fn render(columns: &[String], rows: &[Vec<Value>]) -> String {
    let mut table = Table::new();
    // ASCII so the output survives any terminal or pipe; no row separators
    // so long results stay compact.
    table.load_preset(presets::ASCII_FULL_CONDENSED);
    table.set_style(TableComponent::HeaderLines, '-');
    table.set_style(TableComponent::MiddleHeaderIntersections, '+');
    if rows.is_empty() {
        // The bottom border alone closes the header; no doubled line.
        for part in [
            TableComponent::HeaderLines,
            TableComponent::LeftHeaderIntersection,
            TableComponent::MiddleHeaderIntersections,
            TableComponent::RightHeaderIntersection,
        ] {
            table.remove_style(part);
        }
    }
    table.set_header(columns);
    for row in rows {
        table.add_row(row.iter().map(ToString::to_string));
    }
    table.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn aligns_columns_and_quotes_strings() {
        let rows = vec![vec![Value::Integer(1), Value::from("a")], vec![Value::Integer(22), Value::Null]];
        let expected = "\
+----+------+
| x  | s    |
+----+------+
| 1  | 'a'  |
| 22 | null |
+----+------+";
        assert_eq!(render(&cols(&["x", "s"]), &rows), expected);
    }

    #[test]
    fn header_only_when_no_rows() {
        let expected = "\
+---+
| n |
+---+";
        assert_eq!(render(&cols(&["n"]), &[]), expected);
    }
}
