//! Plexus errors as Gremlin Server status codes, in one place: evaluation
//! errors 597, refused requests 499, a write refused while another
//! transaction holds the writer, or a cluster member that is not the leader
//! (or has lost its majority) refuses it, 596 (retryable), a query stopped at
//! its time limit 598, our own failures 500; the message is ours, and our
//! error code goes in `attributes.exceptions`.

use plexus_storage::{Error, ErrorClass};

use super::response::{status, ResponseMessage};
use super::value::Uuid;

pub fn status_of(e: &Error) -> u16 {
    match (e.class, e.detail) {
        (
            ErrorClass::TransactionError,
            "WriterBusy" | "NotALeader" | "ReplicationTimeout" | "NotCommitted" | "LeaderNotReady" | "ClusterStopped"
            | "NoLeader" | "BookmarkTimeout",
        ) => status::SERVER_ERROR_TEMPORARY,
        (_, plexus_exec::guard::TIMED_OUT) => status::SERVER_TIMEOUT,
        (ErrorClass::ParameterMissing, _) => status::INVALID_REQUEST_ARGUMENTS,
        (ErrorClass::IoError | ErrorClass::Internal, _) => status::SERVER_ERROR,
        _ => status::SCRIPT_EVALUATION_ERROR,
    }
}

pub fn query_error(request_id: Uuid, e: &Error) -> ResponseMessage {
    ResponseMessage::error(Some(request_id), status_of(e), e.message.clone(), &e.code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluation_errors_are_597_and_ours_500() {
        assert_eq!(status_of(&Error::syntax("UnexpectedSyntax", "x", 0)), 597);
        assert_eq!(status_of(&Error::argument("Bad", "x")), 597);
        assert_eq!(status_of(&Error::internal("x")), 500);
    }

    #[test]
    fn cluster_refusals_are_retryable() {
        let not_leader = Error::new(ErrorClass::TransactionError, "NotALeader", plexus_storage::Phase::Runtime, "2");
        assert_eq!(status_of(&not_leader), 596);
    }
}
