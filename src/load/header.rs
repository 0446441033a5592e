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
    /// The vertex id; in openCypher CSV an id space (`:ID(Person)`) qualifies
    /// it, and a name (`id:ID(Person)`) also stores it as that property.
    Id {
        space: Option<String>,
        property: Option<String>,
    },
    Label,
    From {
        space: Option<String>,
    },
    To {
        space: Option<String>,
    },
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
    /// A label (or relationship type) every row of the file gets, from a mapping file.
    pub label: Option<String>,
    /// The type of the property an `name:ID` column stores.
    pub id_type: FieldType,
}

/// `ID`, `ID(Space)`, `START_ID(Space)`...: the id space in parentheses, if any.
fn id_space<'a>(spec: &'a str, keyword: &str) -> Option<Option<&'a str>> {
    let rest = spec.strip_prefix(keyword)?;
    if rest.is_empty() {
        return Some(None);
    }
    rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')).map(Some)
}

/// An openCypher (Neo4j import style) system column: `[name]:ID[(Space)]`,
/// `:START_ID[(Space)]`, `:END_ID[(Space)]`, `:LABEL`, `:TYPE`.
fn opencypher_system(f: &str) -> Option<Column> {
    let (name, spec) = f.rsplit_once(':')?;
    let space = |s: Option<&str>| s.map(str::to_string);
    if let Some(s) = id_space(spec, "ID") {
        let property = (!name.is_empty()).then(|| name.to_string());
        return Some(Column::Id { space: space(s), property });
    }
    if !name.is_empty() {
        return None;
    }
    if let Some(s) = id_space(spec, "START_ID") {
        return Some(Column::From { space: space(s) });
    }
    if let Some(s) = id_space(spec, "END_ID") {
        return Some(Column::To { space: space(s) });
    }
    matches!(spec, "LABEL" | "TYPE").then_some(Column::Label)
}

fn field_type(name: &str) -> Option<FieldType> {
    Some(match name.to_ascii_lowercase().as_str() {
        "bool" | "boolean" => FieldType::Bool,
        "byte" | "short" | "int" | "integer" | "long" | "int8" | "int16" | "int32" | "int64" => FieldType::Int,
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
    parse_with(fields, format, false)
}

/// Parses a header row; `typed_by_mapping` says a mapping file gives the edges their type.
pub fn parse_with(fields: &[&str], format: CsvFormat, typed_by_mapping: bool) -> Result<Header, String> {
    let mut columns = Vec::with_capacity(fields.len());
    for raw in fields {
        let f = raw.trim();
        let column = match (format, f) {
            (CsvFormat::Gremlin, "~id") => Column::Id { space: None, property: None },
            (CsvFormat::Gremlin, "~label") => Column::Label,
            (CsvFormat::Gremlin, "~from") => Column::From { space: None },
            (CsvFormat::Gremlin, "~to") => Column::To { space: None },
            (CsvFormat::Gremlin, f) if f.starts_with('~') => return Err(format!("unknown system column `{f}`")),
            (CsvFormat::OpenCypher, f) if opencypher_system(f).is_some() => {
                opencypher_system(f).unwrap_or(Column::Skip)
            }
            (_, "") => Column::Skip,
            (_, f) => property(f)?,
        };
        let system = !matches!(column, Column::Skip | Column::Property { .. });
        if system && columns.iter().any(|c| std::mem::discriminant(c) == std::mem::discriminant(&column)) {
            return Err(format!("column `{f}` appears twice"));
        }
        columns.push(column);
    }
    let has = |probe: fn(&Column) -> bool| columns.iter().any(probe);
    let kind = match (has(|c| matches!(c, Column::From { .. })), has(|c| matches!(c, Column::To { .. }))) {
        (true, true) => FileKind::Edges,
        (false, false) => FileKind::Nodes,
        _ => return Err("an edge file needs both its start and end columns".to_string()),
    };
    if kind == FileKind::Nodes && !has(|c| matches!(c, Column::Id { .. })) {
        return Err(match format {
            CsvFormat::Gremlin => "a vertex file needs a `~id` column".to_string(),
            CsvFormat::OpenCypher => "a node file needs an `:ID` column".to_string(),
        });
    }
    if kind == FileKind::Edges && !has(|c| matches!(c, Column::Label)) && !typed_by_mapping {
        return Err(match format {
            CsvFormat::Gremlin => "an edge file needs a `~label` column".to_string(),
            CsvFormat::OpenCypher => "a relationship file needs a `:TYPE` column".to_string(),
        });
    }
    Ok(Header { columns, kind, label: None, id_type: FieldType::String })
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
        let h = parse(&["id:ID(Person)", "name:STRING", "born:INT64"], CsvFormat::OpenCypher).unwrap();
        assert_eq!(h.columns[0], Column::Id { space: Some("Person".into()), property: Some("id".into()) });
        let h = parse_with(&[":START_ID(Person)", ":END_ID(Tag)"], CsvFormat::OpenCypher, true).unwrap();
        assert_eq!(h.columns[1], Column::To { space: Some("Tag".into()) });
        assert!(parse(&[":START_ID(Person)", ":END_ID(Tag)"], CsvFormat::OpenCypher).is_err(), "no type");
        assert!(parse(&["~id", "age:Number"], CsvFormat::Gremlin).unwrap_err().contains("Number"));
        assert!(parse(&["~id", "~from", "~label"], CsvFormat::Gremlin).is_err());
        assert!(parse(&["name:String"], CsvFormat::Gremlin).is_err());
        assert!(parse(&["~id", "~id"], CsvFormat::Gremlin).is_err());
        assert!(parse(&["~id", "~weird"], CsvFormat::Gremlin).is_err());
    }
}
