//! The shell against a server (`plexus shell --connect bolt://...`): Cypher
//! goes through the Bolt client; errors show the server's Neo4j code and
//! message, with a caret when the message carries an `(offset: N)`. A lost
//! connection fails the statement that saw it (which is not retried: it may
//! have been a write) and the next statement connects again.

use std::time::Instant;

use plexus_storage::Value;

use super::backend::{Backend, Rendered};
use super::caret;
use super::exec::{Language, Outcome};
use crate::client::bolt::Metadata;
use crate::client::{BoltClient, ClientError, StatementResult, Target};
use crate::db::{Params, QueryStats};
use crate::server::bolt::packstream::{map_get, PackValue};

const GREMLIN_OVER_BOLT: &str = "Gremlin needs the server's HTTP or WebSocket endpoint (/gremlin); \
                                 a shell connected over Bolt runs Cypher only";

/// A shell session on a server.
pub struct Remote {
    /// `None` after the connection was lost, until the next statement.
    client: Option<BoltClient>,
    target: Target,
    /// Shown in the banner: the server's name and the version first agreed.
    server: String,
}

fn user_agent() -> String {
    format!("plexus-shell/{}", env!("CARGO_PKG_VERSION"))
}

impl Remote {
    /// Connect to `target` and log in.
    pub fn connect(target: Target) -> Result<Remote, ClientError> {
        let client = BoltClient::connect(&target, &user_agent())?;
        let server = format!("{} at {} (Bolt {}", client.server_agent(), target.socket_address(), client.version());
        Ok(Remote { client: Some(client), target, server })
    }

    /// Send `query` on the connection, reconnecting first if the last one was lost.
    fn send(&mut self, query: &str, params: &Params) -> Result<StatementResult, Rendered> {
        let client = match &mut self.client {
            Some(client) => client,
            None => self.client.insert(BoltClient::connect(&self.target, &user_agent()).map_err(|e| e.to_string())?),
        };
        match client.run(query, params) {
            Ok(result) => Ok(result),
            Err(e @ ClientError::Connection(_)) => {
                self.client = None;
                Err(format!("{e} (the next statement connects again)"))
            }
            Err(e) => Err(render(&e, query)),
        }
    }
}

impl Backend for Remote {
    fn describe(&self) -> String {
        let tls = if self.target.security == crate::client::Security::Plain { "" } else { ", TLS" };
        format!("{}{tls})", self.server)
    }

    fn run(&mut self, language: Language, query: &str, params: &Params) -> Result<Outcome, Rendered> {
        if language == Language::Gremlin {
            return Err(GREMLIN_OVER_BOLT.to_string());
        }
        let start = Instant::now();
        let result = self.send(query, params)?;
        Ok(Outcome {
            columns: result.columns,
            rows: result.rows,
            stats: stats(&result.summary),
            plan: plan(&result.summary),
            elapsed: start.elapsed(),
        })
    }

    fn explain_gremlin(&mut self, _query: &str, _params: &Params) -> Result<String, Rendered> {
        Err(GREMLIN_OVER_BOLT.to_string())
    }

    fn evaluate(&mut self, expr: &str, params: &Params) -> Result<Value, Rendered> {
        let query = super::params::query_for(expr);
        let result = self.send(&query, params)?;
        Ok(result.rows.into_iter().next().and_then(|row| row.into_iter().next()).unwrap_or(Value::Null))
    }

    fn gremlin_unavailable(&self) -> Option<&'static str> {
        Some(GREMLIN_OVER_BOLT)
    }
}

/// `code: message`, then the query line with a caret when the server gave an offset.
fn render(e: &ClientError, query: &str) -> String {
    let ClientError::Server { message, .. } = e else { return e.to_string() };
    let offset = message
        .rsplit_once("(offset: ")
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .and_then(|n| n.trim().parse::<usize>().ok());
    match offset {
        Some(pos) => format!("{e}\n{}", caret::render_caret(query, pos)),
        None => e.to_string(),
    }
}

/// The write counters of a PULL summary's `stats`.
fn stats(summary: &Metadata) -> QueryStats {
    let Some(PackValue::Map(counters)) = map_get(summary, "stats") else { return QueryStats::default() };
    let get = |key: &str| map_get(counters, key).and_then(PackValue::as_int).map_or(0, |n| n.max(0) as u64);
    QueryStats {
        nodes_created: get("nodes-created"),
        nodes_deleted: get("nodes-deleted"),
        relationships_created: get("relationships-created"),
        relationships_deleted: get("relationships-deleted"),
        properties_set: get("properties-set"),
        labels_added: get("labels-added"),
        labels_removed: get("labels-removed"),
    }
}

/// The readable plan of an EXPLAIN or PROFILE (Neo4j's `string-representation`).
fn plan(summary: &Metadata) -> Option<String> {
    let Some(PackValue::Map(plan)) = map_get(summary, "plan").or_else(|| map_get(summary, "profile")) else {
        return None;
    };
    let Some(PackValue::Map(args)) = map_get(plan, "args") else { return None };
    map_get(args, "string-representation").and_then(PackValue::as_str).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_show_code_message_and_a_caret_at_the_offset() {
        let e = ClientError::Server {
            code: "Neo.ClientError.Statement.SyntaxError".into(),
            message: "unexpected input (InvalidSyntax) (offset: 7)".into(),
        };
        assert_eq!(
            render(&e, "RETURN )"),
            "Neo.ClientError.Statement.SyntaxError: unexpected input (InvalidSyntax) (offset: 7)\n\
             line 1, column 8:\n  RETURN )\n         ^"
        );
        let e = ClientError::Server { code: "Neo.X".into(), message: "no offset".into() };
        assert_eq!(render(&e, "RETURN 1"), "Neo.X: no offset");
    }

    #[test]
    fn summaries_give_counters_and_plans() {
        let s = |x: &str| PackValue::String(x.into());
        let summary: Metadata = vec![
            (
                "stats".into(),
                PackValue::Map(vec![
                    ("nodes-created".into(), PackValue::Integer(2)),
                    ("contains-updates".into(), PackValue::Boolean(true)),
                ]),
            ),
            (
                "plan".into(),
                PackValue::Map(vec![(
                    "args".into(),
                    PackValue::Map(vec![("string-representation".into(), s("Scan"))]),
                )]),
            ),
        ];
        assert_eq!(stats(&summary), QueryStats { nodes_created: 2, ..QueryStats::default() });
        assert_eq!(plan(&summary).as_deref(), Some("Scan"));
        assert_eq!(plan(&Vec::new()), None);
    }
}
