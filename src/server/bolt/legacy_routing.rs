//! Routing for Bolt 4.1/4.2 drivers on `neo4j://`: before ROUTE existed
//! (4.3) they run `CALL dbms.routing.getRoutingTable($context[, $database])`
//! against the `system` database. The session answers it itself with the
//! same table as ROUTE: this one server for every role, or a cluster's
//! leader as writer and its other members as readers.

use plexus_storage::Value;

use super::errors::Failure;
use crate::db::{Params, QueryResult};
use crate::server::cluster::RoutingTable;

/// Whether `query` is the routing-table call (any spacing and case).
pub fn is_routing_call(query: &str) -> bool {
    let compact: String = query.chars().filter(|c| !c.is_whitespace()).collect();
    compact.to_ascii_lowercase().starts_with("calldbms.routing.getroutingtable(")
}

/// The database the call names, if it names one other than ours.
pub fn check_database(params: &Params, database_name: &str) -> Result<(), Failure> {
    match params.get("database") {
        Some(Value::String(name)) if !name.is_empty() && name != database_name => {
            Err(Failure::database_not_found(name))
        }
        _ => Ok(()),
    }
}

/// The address the client dialled (`$context.address`), so a single server
/// routes to itself behind NAT and port maps.
pub fn context_address(params: &Params) -> Option<&str> {
    match params.get("context") {
        Some(Value::Map(context)) => context.get("address").and_then(Value::as_str),
        _ => None,
    }
}

/// The table as the procedure's one row: `ttl`, `servers`.
pub fn routing_table(table: &RoutingTable, ttl: i64) -> QueryResult {
    let server = |role: &str, addresses: &[String]| {
        Value::Map(
            [
                ("addresses".to_string(), Value::List(addresses.iter().map(|a| Value::String(a.clone())).collect())),
                ("role".to_string(), Value::String(role.into())),
            ]
            .into(),
        )
    };
    let servers =
        vec![server("WRITE", &table.writers), server("READ", &table.readers), server("ROUTE", &table.routers)];
    let row = vec![Value::Integer(ttl), Value::List(servers)];
    QueryResult::from_rows(vec!["ttl".into(), "servers".into()], vec![row])
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
    fn the_table_names_each_role_and_the_dialled_address() {
        let context = Value::Map([("address".to_string(), Value::String("db:7687".into()))].into());
        let params: Params = [("context".to_string(), context)].into();
        assert_eq!(context_address(&params), Some("db:7687"));
        let table = RoutingTable {
            writers: vec!["a:1".into()],
            readers: vec!["b:1".into(), "c:1".into()],
            routers: vec!["a:1".into(), "b:1".into(), "c:1".into()],
        };
        let rows = routing_table(&table, 10).collect_rows().expect("rows");
        assert_eq!(rows[0][0], Value::Integer(10));
        let Value::List(servers) = &rows[0][1] else { panic!("{rows:?}") };
        let by_role: Vec<(String, usize)> = servers
            .iter()
            .map(|s| match s {
                Value::Map(m) => match (&m["role"], &m["addresses"]) {
                    (Value::String(role), Value::List(a)) => (role.clone(), a.len()),
                    other => panic!("{other:?}"),
                },
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(by_role, vec![("WRITE".into(), 1), ("READ".into(), 2), ("ROUTE".into(), 3)]);
        let other: Params = [("database".to_string(), Value::String("x".into()))].into();
        assert!(check_database(&other, "neo4j").is_err());
        assert!(check_database(&params, "neo4j").is_ok());
    }
}
