//! The `session` processor: requests carrying the same `args.session` run in
//! one explicit transaction that stays open between them, until the client
//! commits (`g.tx().commit()`, bytecode `["tx","commit"]`), rolls back, or
//! closes the session; closing the connection rolls back what is left.
//!
//! A transaction the server rolled back on its own (a traversal past its
//! time limit, or idle longer than the limit while it may hold the single
//! writer) is remembered, so the session's next request is told instead of
//! silently starting a fresh transaction the client would then commit.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::db::{Database, Transaction};

/// The sessions one connection opened, each with its open transaction.
#[derive(Default)]
pub struct Sessions {
    /// The transaction and when the session last used it.
    open: HashMap<String, (Transaction, Instant)>,
    /// Sessions whose transaction the server rolled back, and why.
    lost: HashMap<String, String>,
}

impl Sessions {
    /// The session's transaction, begun now if it has none; or why it is
    /// gone. The caller hands it back with `keep` after running something in it.
    pub fn take(&mut self, db: &Database, session: &str) -> Result<Transaction, String> {
        if let Some(reason) = self.lost.remove(session) {
            return Err(reason);
        }
        Ok(self.open.remove(session).map_or_else(|| db.begin(), |(tx, _)| tx))
    }

    pub fn keep(&mut self, session: &str, tx: Transaction) {
        self.open.insert(session.to_string(), (tx, Instant::now()));
    }

    /// The session's open transaction, if any, to commit or roll back; or
    /// why the server already rolled it back (a commit must not report success).
    pub fn finish(&mut self, session: &str) -> Result<Option<Transaction>, String> {
        if let Some(reason) = self.lost.remove(session) {
            return Err(reason);
        }
        Ok(self.open.remove(session).map(|(tx, _)| tx))
    }

    /// The server rolled the session's transaction back: say so next time.
    pub fn mark_lost(&mut self, session: &str, reason: String) {
        self.lost.insert(session.to_string(), reason);
    }

    /// When the longest-idle transaction reaches `limit`.
    pub fn next_expiry(&self, limit: Duration) -> Option<Instant> {
        self.open.values().map(|(_, used)| *used + limit).min()
    }

    /// Roll back the transactions idle for `limit` or longer; returns their sessions.
    pub fn expire_idle(&mut self, limit: Duration) -> Vec<String> {
        let now = Instant::now();
        let idle: Vec<String> =
            self.open.iter().filter(|(_, (_, used))| now >= *used + limit).map(|(s, _)| s.clone()).collect();
        for session in &idle {
            if let Some((tx, _)) = self.open.remove(session) {
                tx.rollback();
            }
            let reason = format!(
                "the transaction of session {session} was rolled back after {} ms without a request",
                limit.as_millis()
            );
            self.lost.insert(session.clone(), reason);
        }
        idle
    }

    /// Roll back every open transaction (the connection is going away).
    pub fn close_all(&mut self) -> usize {
        let n = self.open.len();
        for (_, (tx, _)) in self.open.drain() {
            tx.rollback();
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_idle_transaction_is_rolled_back_and_its_session_told() {
        let db = Database::in_memory();
        let mut sessions = Sessions::default();
        let tx = sessions.take(&db, "s").expect("begins");
        sessions.keep("s", tx);
        assert!(sessions.next_expiry(Duration::ZERO).is_some());
        assert_eq!(sessions.expire_idle(Duration::ZERO), vec!["s".to_string()]);
        assert!(sessions.take(&db, "s").is_err_and(|reason| reason.contains("rolled back")));
        // Told once; the session can start over.
        assert!(sessions.take(&db, "s").is_ok());
    }
}
