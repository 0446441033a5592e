//! The header row of a Neptune bulk-load CSV file: which column is the id,
//! the label(s), the endpoints, and which are typed properties.

use super::CsvFormat;

/// A property column's declared type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Bool,
    Int,
    Float,
    String,
    Date,
    DateTime,
}

/// What one column holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    Id,
    Label,
    From,
    To,
    Property {
        name: String,
        ty: FieldType,
        array: bool,
    },
    /// Columns Neptune ignores or we do not keep.
    Skip,
}

/// Whether a file holds vertices or edges, decided by its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Nodes,
    Edges,
}

/// A parsed header.
#[derive(Debug, Clone)]
pub struct Header {
    pub columns: Vec<Column>,
    pub kind: FileKind,
}

fn field_type(name: &str) -> Option<FieldType> {
    Some(match name.to_ascii_lowercase().as_str() {
        "bool" | "boolean" => FieldType::Bool,
        "byte" | "short" | "int" | "integer" | "long" => FieldType::Int,
        "float" | "double" => FieldType::Float,
        "string" | "char" => FieldType::String,
        "date" => FieldType::Date,
        "datetime" | "localdatetime" => FieldType::DateTime,
        _ => return None,
    })
}

/// `name:Type`, `name:Type[]`, `name:Type(single)`, `name:Type(set)[]`, or a bare `name` (a string).
fn property(spec: &str) -> Result<Column, String> {
    let (name, ty) = match spec.rsplit_once(':') {
        Some((name, ty)) if !name.is_empty() => (name, ty),
        _ => return Ok(Column::Property { name: spec.to_string(), ty: FieldType::String, array: false }),
    };
    let mut ty = ty.trim();
    let mut array = false;
    if let Some(t) = ty.strip_suffix("[]") {
        ty = t;
        array = true;
    }
    // Cardinality: `(single)` keeps the last value, `(set)` is the Gremlin default; one property holds either.
    for card in ["(single)", "(set)", "(list)"] {
        if let Some(t) = ty.strip_suffix(card) {
            ty = t;
        }
    }
    if let Some(t) = ty.strip_suffix("[]") {
        ty = t;
        array = true;
    }
    let ty = field_type(ty).ok_or_else(|| format!("unknown type `{ty}` in column `{spec}`"))?;
    Ok(Column::Property { name: name.to_string(), ty, array })
}

/// Parses a header row of `format`.
pub fn parse(fields: &[&str], format: CsvFormat) -> Result<Header, String> {
    let mut columns = Vec::with_capacity(fields.len());
    for raw in fields {
        let f = raw.trim();
        let column = match (format, f) {
            (CsvFormat::Gremlin, "~id") => Column::Id,
            (CsvFormat::Gremlin, "~label") => Column::Label,
            (CsvFormat::Gremlin, "~from") => Column::From,
            (CsvFormat::Gremlin, "~to") => Column::To,
            (CsvFormat::Gremlin, f) if f.starts_with('~') => return Err(format!("unknown system column `{f}`")),
            (CsvFormat::OpenCypher, f) if f.ends_with(":ID") || f == ":ID" => Column::Id,
            (CsvFormat::OpenCypher, ":LABEL") => Column::Label,
            (CsvFormat::OpenCypher, ":TYPE") => Column::Label,
            (CsvFormat::OpenCypher, ":START_ID") => Column::From,
            (CsvFormat::OpenCypher, ":END_ID") => Column::To,
            (_, "") => Column::Skip,
            (_, f) => property(f)?,
        };
        if column != Column::Skip && !matches!(column, Column::Property { .. }) && columns.contains(&column) {
            return Err(format!("column `{f}` appears twice"));
        }
        columns.push(column);
    }
    let has = |c: &Column| columns.contains(c);
    let kind = match (has(&Column::From), has(&Column::To)) {
        (true, true) => FileKind::Edges,
        (false, false) => FileKind::Nodes,
        _ => return Err("an edge file needs both its start and end columns".to_string()),
    };
    if kind == FileKind::Nodes && !has(&Column::Id) {
        return Err(match format {
            CsvFormat::Gremlin => "a vertex file needs a `~id` column".to_string(),
            CsvFormat::OpenCypher => "a node file needs an `:ID` column".to_string(),
        });
    }
    if kind == FileKind::Edges && !has(&Column::Label) {
        return Err(match format {
            CsvFormat::Gremlin => "an edge file needs a `~label` column".to_string(),
            CsvFormat::OpenCypher => "a relationship file needs a `:TYPE` column".to_string(),
        });
    }
    Ok(Header { columns, kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gremlin_and_opencypher_headers() {
        let h = parse(
            &["~id", "~label", "name:String", "age:Int", "tags:String[]", "nick:String(single)"],
            CsvFormat::Gremlin,
        )
        .unwrap();
        assert_eq!(h.kind, FileKind::Nodes);
        assert_eq!(h.columns[4], Column::Property { name: "tags".into(), ty: FieldType::String, array: true });
        assert_eq!(h.columns[5], Column::Property { name: "nick".into(), ty: FieldType::String, array: false });
        let h = parse(&["~id", "~from", "~to", "~label", "dist:int"], CsvFormat::Gremlin).unwrap();
        assert_eq!(h.kind, FileKind::Edges);
        let h = parse(&[":ID", ":LABEL", "born:Date", "score:Double"], CsvFormat::OpenCypher).unwrap();
        assert_eq!(h.columns[2], Column::Property { name: "born".into(), ty: FieldType::Date, array: false });
        let h = parse(&[":START_ID", ":END_ID", ":TYPE", "since:Long"], CsvFormat::OpenCypher).unwrap();
        assert_eq!(h.kind, FileKind::Edges);
        assert!(parse(&["~id", "age:Number"], CsvFormat::Gremlin).unwrap_err().contains("Number"));
        assert!(parse(&["~id", "~from", "~label"], CsvFormat::Gremlin).is_err());
        assert!(parse(&["name:String"], CsvFormat::Gremlin).is_err());
        assert!(parse(&["~id", "~id"], CsvFormat::Gremlin).is_err());
        assert!(parse(&["~id", "~weird"], CsvFormat::Gremlin).is_err());
    }
}
