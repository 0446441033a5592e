//! Every error a Bolt client sees, in one place: Plexus error classes and
//! protocol problems as Neo4j status codes, with the GQL status fields that
//! drivers read from Bolt 5.7 on. Both shapes are always sent (unknown keys
//! are harmless to every driver).

use crate::db::ACCESS_MODE;
use plexus_exec::guard::{CANCELLED, MEMORY_LIMIT, TIMED_OUT};
use plexus_storage::{Error, ErrorClass};

use super::messages::{meta, string, Extra};
use super::packstream::PackValue;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// `Neo.<Classification>.<Category>.<Title>`.
    pub code: &'static str,
    pub message: String,
    /// The GQL status (5 characters) and its standard description.
    pub gql_status: &'static str,
    pub description: &'static str,
}

const SYNTAX: (&str, &str) = ("42001", "error: syntax error or access rule violation - invalid syntax");
const DATA: (&str, &str) = ("22000", "error: data exception");
const INVALID_TYPE: (&str, &str) = ("22G03", "error: data exception - invalid value type");
const DIVISION_BY_ZERO: (&str, &str) = ("22012", "error: data exception - division by zero");
const OUT_OF_RANGE: (&str, &str) = ("22003", "error: data exception - numeric value out of range");
const PARAMETER_MISSING: (&str, &str) = ("42N51", "error: syntax error or access rule violation - invalid parameter");
const CONSTRAINT: (&str, &str) = ("22N80", "error: data exception - constraint violation");
const PROCEDURE: (&str, &str) = ("52N37", "error: procedure exception - procedure execution error");
const PROCEDURE_NOT_FOUND: (&str, &str) =
    ("42N08", "error: syntax error or access rule violation - procedure not found");
const TRANSACTION: (&str, &str) = ("25N01", "error: invalid transaction state");
const TRANSIENT: (&str, &str) = ("50N00", "error: general processing exception - internal error");
const INTERNAL: (&str, &str) = ("50N42", "error: general processing exception - unexpected error");
const REQUEST: (&str, &str) = ("08N06", "error: connection exception - protocol error");
const AUTH: (&str, &str) = ("42NFF", "error: syntax error or access rule violation - permission/access denied");
const NO_DATABASE: (&str, &str) = ("22N51", "error: data exception - graph reference not found");
const TIMEOUT: (&str, &str) = ("25N05", "error: invalid transaction state - transaction timed out");
const TERMINATED: (&str, &str) = ("25N03", "error: invalid transaction state - transaction terminated");
const MEMORY: (&str, &str) = ("51N50", "error: system configuration or operation exception - memory limit exceeded");

impl Failure {
    fn new(code: &'static str, (gql_status, description): (&'static str, &'static str), message: String) -> Self {
        Failure { code, message, gql_status, description }
    }

    /// A message that is not valid here, or not a valid message at all.
    pub fn request_invalid(message: impl Into<String>) -> Self {
        Failure::new("Neo.ClientError.Request.Invalid", REQUEST, message.into())
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Failure::new("Neo.ClientError.Security.Unauthorized", AUTH, message.into())
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Failure::new("Neo.ClientError.Security.Forbidden", AUTH, message.into())
    }

    pub fn database_not_found(name: &str) -> Self {
        Failure::new(
            "Neo.ClientError.Database.DatabaseNotFound",
            NO_DATABASE,
            format!("Database does not exist: {name}"),
        )
    }

    /// A parameter that cannot become a Plexus value.
    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Failure::new("Neo.ClientError.Statement.TypeError", INVALID_TYPE, message.into())
    }

    /// A write in a transaction begun for reading.
    pub fn access_mode() -> Self {
        Failure::new(
            "Neo.ClientError.Statement.AccessMode",
            AUTH,
            "Writing in read access mode not allowed".to_string(),
        )
    }

    pub fn timed_out(limit: std::time::Duration) -> Self {
        Failure::new(
            "Neo.ClientError.Transaction.TransactionTimedOut",
            TIMEOUT,
            format!("The query was terminated after the time limit of {} ms", limit.as_millis()),
        )
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Failure::new("Neo.DatabaseError.General.UnknownError", INTERNAL, message.into())
    }

    /// The classification drivers read from the GQL diagnostic record.
    fn classification(&self) -> &'static str {
        if self.code.starts_with("Neo.ClientError.") {
            "CLIENT_ERROR"
        } else if self.code.starts_with("Neo.TransientError.") {
            "TRANSIENT_ERROR"
        } else {
            "DATABASE_ERROR"
        }
    }

    /// FAILURE metadata in both the classic (≤5.6) and the GQL (5.7+) shape.
    pub fn metadata(&self) -> Extra {
        meta([
            ("code", string(self.code)),
            ("neo4j_code", string(self.code)),
            ("message", string(self.message.clone())),
            ("gql_status", string(self.gql_status)),
            ("description", string(self.description)),
            (
                "diagnostic_record",
                PackValue::Map(meta([
                    ("_classification", string(self.classification())),
                    ("OPERATION", string("")),
                    ("OPERATION_CODE", string("0")),
                    ("CURRENT_SCHEMA", string("/")),
                ])),
            ),
        ])
    }
}

impl From<&Error> for Failure {
    fn from(e: &Error) -> Self {
        let (code, gql) = match (e.class, e.detail) {
            (ErrorClass::SyntaxError | ErrorClass::SemanticError, _) => {
                ("Neo.ClientError.Statement.SyntaxError", SYNTAX)
            }
            (ErrorClass::TypeError, _) => ("Neo.ClientError.Statement.TypeError", INVALID_TYPE),
            (ErrorClass::ArgumentError, _) => ("Neo.ClientError.Statement.ArgumentError", DATA),
            (ErrorClass::ArithmeticError, "DivisionByZero") => {
                ("Neo.ClientError.Statement.ArithmeticError", DIVISION_BY_ZERO)
            }
            (ErrorClass::ArithmeticError, _) => ("Neo.ClientError.Statement.ArithmeticError", OUT_OF_RANGE),
            (ErrorClass::EntityNotFound, _) => ("Neo.ClientError.Statement.EntityNotFound", DATA),
            (ErrorClass::ConstraintVerificationFailed, _) => {
                ("Neo.ClientError.Schema.ConstraintValidationFailed", CONSTRAINT)
            }
            (ErrorClass::ParameterMissing, _) => ("Neo.ClientError.Statement.ParameterMissing", PARAMETER_MISSING),
            (ErrorClass::ProcedureError, "ProcedureNotFound") => {
                ("Neo.ClientError.Procedure.ProcedureNotFound", PROCEDURE_NOT_FOUND)
            }
            (ErrorClass::ProcedureError, _) => ("Neo.ClientError.Procedure.ProcedureCallFailed", PROCEDURE),
            (ErrorClass::TransactionError, ACCESS_MODE) => ("Neo.ClientError.Statement.AccessMode", AUTH),
            (ErrorClass::TransactionError, TIMED_OUT) => ("Neo.ClientError.Transaction.TransactionTimedOut", TIMEOUT),
            // Stopped by RESET or a server shutting down: not worth a retry.
            (ErrorClass::TransactionError, CANCELLED) => ("Neo.ClientError.Transaction.Terminated", TERMINATED),
            (ErrorClass::TransactionError, MEMORY_LIMIT) => {
                ("Neo.TransientError.General.MemoryPoolOutOfMemoryError", MEMORY)
            }
            // Another writer holds the lock: drivers retry transient errors.
            (ErrorClass::TransactionError, "WriterBusy") => {
                ("Neo.TransientError.Transaction.LockAcquisitionTimeout", TRANSIENT)
            }
            // Drivers drop this writer from their routing table and route again.
            (ErrorClass::TransactionError, "NotALeader") => ("Neo.ClientError.Cluster.NotALeader", TRANSIENT),
            // Transient: drivers retry (after a leader change, with a fresh routing table).
            (ErrorClass::TransactionError, "ReplicationTimeout" | "NotCommitted") => {
                ("Neo.TransientError.Cluster.ReplicationFailure", TRANSIENT)
            }
            (ErrorClass::TransactionError, "LeaderNotReady" | "ClusterStopped" | "NoLeader") => {
                ("Neo.TransientError.General.DatabaseUnavailable", TRANSIENT)
            }
            (ErrorClass::TransactionError, "BookmarkTimeout") => {
                ("Neo.TransientError.Transaction.BookmarkTimeout", TRANSIENT)
            }
            (ErrorClass::TransactionError, "TransactionFailed") => {
                ("Neo.ClientError.Transaction.TransactionMarkedAsFailed", TRANSACTION)
            }
            (ErrorClass::TransactionError, "TransactionClosed") => {
                ("Neo.ClientError.Transaction.TransactionNotFound", TRANSACTION)
            }
            (ErrorClass::TransactionError, _) => ("Neo.DatabaseError.Transaction.TransactionCommitFailed", TRANSACTION),
            (ErrorClass::IoError, _) => ("Neo.DatabaseError.General.UnknownError", INTERNAL),
            (ErrorClass::Internal, _) => ("Neo.DatabaseError.General.UnknownError", INTERNAL),
        };
        let message = match e.pos {
            Some(pos) => format!("{} ({}) (offset: {pos})", e.message, e.detail),
            None => format!("{} ({})", e.message, e.detail),
        };
        Failure::new(code, gql, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::bolt::packstream::map_get;
    use plexus_storage::Phase;

    #[test]
    fn plexus_errors_map_to_the_codes_drivers_act_on() {
        let cases = [
            (Error::syntax("InvalidSyntax", "bad", 3), "Neo.ClientError.Statement.SyntaxError", "42001"),
            (Error::semantic("UndefinedVariable", "x"), "Neo.ClientError.Statement.SyntaxError", "42001"),
            (Error::type_error("InvalidArgumentType", "t"), "Neo.ClientError.Statement.TypeError", "22G03"),
            (
                Error::new(ErrorClass::ArithmeticError, "DivisionByZero", Phase::Runtime, "/ by zero"),
                "Neo.ClientError.Statement.ArithmeticError",
                "22012",
            ),
            (
                Error::new(ErrorClass::ParameterMissing, "MissingParameter", Phase::Compile, "p"),
                "Neo.ClientError.Statement.ParameterMissing",
                "42N51",
            ),
            (
                Error::new(ErrorClass::ConstraintVerificationFailed, "DeleteConnectedNode", Phase::Runtime, "c"),
                "Neo.ClientError.Schema.ConstraintValidationFailed",
                "22N80",
            ),
            (
                Error::new(ErrorClass::TransactionError, "WriterBusy", Phase::Runtime, "busy"),
                "Neo.TransientError.Transaction.LockAcquisitionTimeout",
                "50N00",
            ),
            (Error::internal("bug"), "Neo.DatabaseError.General.UnknownError", "50N42"),
            (
                Error::new(ErrorClass::TransactionError, "NotALeader", Phase::Runtime, "leader is 2"),
                "Neo.ClientError.Cluster.NotALeader",
                "50N00",
            ),
            (
                Error::new(ErrorClass::TransactionError, "BookmarkTimeout", Phase::Runtime, "not yet"),
                "Neo.TransientError.Transaction.BookmarkTimeout",
                "50N00",
            ),
        ];
        for (e, code, gql) in cases {
            let f = Failure::from(&e);
            assert_eq!((f.code, f.gql_status), (code, gql), "{e}");
            assert!(f.message.contains(&e.message));
        }
    }

    #[test]
    fn metadata_carries_both_shapes() {
        let md = Failure::from(&Error::syntax("InvalidSyntax", "bad", 3)).metadata();
        for key in ["code", "neo4j_code", "message", "gql_status", "description"] {
            assert!(matches!(map_get(&md, key), Some(PackValue::String(s)) if !s.is_empty()), "{key}");
        }
        assert_eq!(map_get(&md, "message"), Some(&string("bad (InvalidSyntax) (offset: 3)")));
        let Some(PackValue::Map(record)) = map_get(&md, "diagnostic_record") else { panic!("no record") };
        assert_eq!(map_get(record, "_classification"), Some(&string("CLIENT_ERROR")));
    }
}
