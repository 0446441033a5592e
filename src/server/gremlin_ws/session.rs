//! The `session` processor: requests carrying the same `args.session` run in
//! one explicit transaction that stays open between them, until the client
//! commits (`g.tx().commit()`, bytecode `["tx","commit"]`), rolls back, or
//! closes the session; closing the connection rolls back what is left.

use std::collections::HashMap;

use crate::db::{Database, Transaction};

/// The sessions one connection opened, each with its open transaction.
#[derive(Default)]
pub struct Sessions {
    open: HashMap<String, Transaction>,
}

impl Sessions {
    /// The session's transaction, begun now if it has none. The caller hands
    /// it back with `keep` after running something in it.
    pub fn take(&mut self, db: &Database, session: &str) -> Transaction {
        self.open.remove(session).unwrap_or_else(|| db.begin())
    }

    pub fn keep(&mut self, session: &str, tx: Transaction) {
        self.open.insert(session.to_string(), tx);
    }

    /// The session's open transaction, if any, to commit or roll back.
    pub fn remove(&mut self, session: &str) -> Option<Transaction> {
        self.open.remove(session)
    }

    /// Roll back every open transaction (the connection is going away).
    pub fn close_all(&mut self) -> usize {
        let n = self.open.len();
        for (_, tx) in self.open.drain() {
            tx.rollback();
        }
        n
    }
}
