//! Routing for Bolt 4.1/4.2 drivers on `neo4j://`: before ROUTE existed
//! (4.3) they run `CALL dbms.routing.getRoutingTable($context[, $database])`
//! against the `system` database. The session answers it itself, as it
//! answers ROUTE: this one server for every role.

use plexus_storage::Value;

use super::errors::Failure;
use crate::db::{Params, QueryResult};

/// Whether `query` is the routing-table call (any spacing and case).
pub fn is_routing_call(query: &str) -> bool {
    let compact: String = query.chars().filter(|c| !c.is_whitespace()).collect();
    compact.to_ascii_lowercase().starts_with("calldbms.routing.getroutingtable(")
}

/// The table as the procedure's one row: `ttl`, `servers`.
pub fn routing_table(params: &Params, database_name: &str, advertised: &str, ttl: i64) -> Result<QueryResult, Failure> {
    if let Some(Value::String(name)) = params.get("database") {
        if !name.is_empty() && name != database_name {
            return Err(Failure::database_not_found(name));
        }
    }
    // The address the client dialled, so routing works behind NAT and port maps.
    let address = match params.get("context") {
        Some(Value::Map(context)) => context.get("address").and_then(Value::as_str).unwrap_or(advertised),
        _ => advertised,
    };
    let server = |role: &str| {
        Value::Map(
            [
                ("addresses".to_string(), Value::List(vec![Value::String(address.to_string())])),
                ("role".to_string(), Value::String(role.into())),
            ]
            .into(),
        )
    };
    let row = vec![Value::Integer(ttl), Value::List(vec![server("WRITE"), server("READ"), server("ROUTE")])];
    Ok(QueryResult::from_rows(vec!["ttl".into(), "servers".into()], vec![row]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_the_call_in_both_arities() {
        assert!(is_routing_call("CALL dbms.routing.getRoutingTable($context)"));
        assert!(is_routing_call("  call dbms.routing.getRoutingTable( $context, $database )"));
        assert!(!is_routing_call("CALL db.labels()"));
        assert!(!is_routing_call("RETURN 'CALL dbms.routing.getRoutingTable('"));
    }

    #[test]
    fn the_table_names_the_dialled_address_for_every_role() {
        let context = Value::Map([("address".to_string(), Value::String("db:7687".into()))].into());
        let params: Params = [("context".to_string(), context)].into();
        let rows = routing_table(&params, "neo4j", "127.0.0.1:7687", 300)
            .and_then(|r| r.collect_rows().map_err(|e| Failure::from(&e)));
        let Ok(rows) = rows else { panic!("{rows:?}") };
        assert_eq!(rows[0][0], Value::Integer(300));
        let Value::List(servers) = &rows[0][1] else { panic!("{rows:?}") };
        let roles: Vec<&Value> = servers
            .iter()
            .map(|s| match s {
                Value::Map(m) => {
                    assert_eq!(m["addresses"], Value::List(vec![Value::String("db:7687".into())]));
                    &m["role"]
                }
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(roles.len(), 3);
        let other: Params = [("database".to_string(), Value::String("x".into()))].into();
        assert!(routing_table(&other, "neo4j", "a:1", 300).is_err());
    }
}
