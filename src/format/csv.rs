//! CSV output: a header row, then one line per record.

use std::io::Write;

use plexus_storage::Value;

/// Write `columns` then `rows` as CSV: nulls are empty fields, strings are raw
/// (no Cypher quotes), every other value is in its Cypher literal form.
pub fn write(out: impl Write, columns: &[String], rows: &[Vec<Value>]) -> std::io::Result<()> {
    if columns.is_empty() {
        // A statement without RETURN has nothing to print (and csv would write `""`).
        return Ok(());
    }
    let mut writer = ::csv::Writer::from_writer(out);
    writer.write_record(columns)?;
    for row in rows {
        writer.write_record(row.iter().map(cell))?;
    }
    writer.flush()
}

/// Render `columns` and `rows` as a CSV string.
pub fn render(columns: &[String], rows: &[Vec<Value>]) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail.
    write(&mut buf, columns, rows).expect("writing CSV to memory");
    String::from_utf8(buf).expect("CSV of UTF-8 strings is UTF-8")
}

fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_then_records_with_quoting() {
        let columns = vec!["x".to_string(), "s".to_string()];
        let rows = vec![
            vec![Value::Integer(1), Value::from("a;b")],
            vec![Value::Null, Value::from("say \"hi\", ok")],
            vec![Value::Float(1.5), Value::from("line\nbreak")],
        ];
        let expected = "x,s\n1,a;b\n,\"say \"\"hi\"\", ok\"\n1.5,\"line\nbreak\"\n";
        assert_eq!(render(&columns, &rows), expected);
    }

    #[test]
    fn no_columns_prints_nothing() {
        assert_eq!(render(&[], &[]), "");
    }

    #[test]
    fn lists_use_cypher_literal_form() {
        let columns = vec!["l".to_string()];
        let rows = vec![vec![Value::from(vec!["a", "b"])]];
        assert_eq!(render(&columns, &rows), "l\n\"['a', 'b']\"\n");
    }
}
