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
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::db::{Database, Transaction};
use crate::QueryGuard;

/// A session's transaction, the guard its queries answer to (cancelled when
/// one overruns its time limit), and when the session last used it.
struct Open {
    tx: Transaction,
    guard: Arc<QueryGuard>,
    used: Instant,
}

/// The sessions one connection opened, each with its open transaction.
#[derive(Default)]
pub struct Sessions {
    open: HashMap<String, Open>,
    /// Sessions whose transaction the server rolled back, and why.
    lost: HashMap<String, String>,
}

impl Sessions {
    /// The session's transaction and its guard, begun now (with no time
    /// limit of its own, `memory_limit` per statement) if it has none; or why
    /// it is gone. The caller hands them back with `keep` after running something.
    pub fn take(
        &mut self,
        db: &Database,
        session: &str,
        memory_limit: Option<usize>,
    ) -> Result<(Transaction, Arc<QueryGuard>), String> {
        if let Some(reason) = self.lost.remove(session) {
            return Err(reason);
        }
        Ok(match self.open.remove(session) {
            Some(open) => (open.tx, open.guard),
            None => {
                let guard = QueryGuard::new(None, memory_limit);
                (db.guarded(guard.clone()).begin(), guard)
            }
        })
    }

    pub fn keep(&mut self, session: &str, tx: Transaction, guard: Arc<QueryGuard>) {
        self.open.insert(session.to_string(), Open { tx, guard, used: Instant::now() });
    }

    /// The session's open transaction, if any, to commit or roll back; or
    /// why the server already rolled it back (a commit must not report success).
    pub fn finish(&mut self, session: &str) -> Result<Option<Transaction>, String> {
        if let Some(reason) = self.lost.remove(session) {
            return Err(reason);
        }
        Ok(self.open.remove(session).map(|open| open.tx))
    }

    /// The server rolled the session's transaction back: say so next time.
    pub fn mark_lost(&mut self, session: &str, reason: String) {
        self.lost.insert(session.to_string(), reason);
    }

    /// When the longest-idle transaction reaches `limit`.
    pub fn next_expiry(&self, limit: Duration) -> Option<Instant> {
        self.open.values().map(|open| open.used + limit).min()
    }

    /// Roll back the transactions idle for `limit` or longer; returns their sessions.
    pub fn expire_idle(&mut self, limit: Duration) -> Vec<String> {
        let now = Instant::now();
        let idle: Vec<String> =
            self.open.iter().filter(|(_, open)| now >= open.used + limit).map(|(s, _)| s.clone()).collect();
        for session in &idle {
            if let Some(open) = self.open.remove(session) {
                open.tx.rollback();
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
        for (_, open) in self.open.drain() {
            open.tx.rollback();
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
        let (tx, guard) = sessions.take(&db, "s", None).expect("begins");
        sessions.keep("s", tx, guard);
        assert!(sessions.next_expiry(Duration::ZERO).is_some());
        assert_eq!(sessions.expire_idle(Duration::ZERO), vec!["s".to_string()]);
        assert!(sessions.take(&db, "s", None).is_err_and(|reason| reason.contains("rolled back")));
        // Told once; the session can start over.
        assert!(sessions.take(&db, "s", None).is_ok());
    }
}
