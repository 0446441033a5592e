//! Errors over HTTP in Neptune's shape: a status and
//! `{"requestId", "code", "detailedMessage"}` (PROTOCOLS.md C.2).

use crate::db::ACCESS_MODE;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use plexus_exec::guard::{CANCELLED, MEMORY_LIMIT, TIMED_OUT};
use plexus_storage::{Error, ErrorClass};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpError {
    pub status: StatusCode,
    /// Neptune's exception name, e.g. `MalformedQueryException`.
    pub code: &'static str,
    pub message: String,
    pub request_id: String,
}

impl HttpError {
    pub fn bad_request(message: impl Into<String>, request_id: &str) -> Self {
        HttpError {
            status: StatusCode::BAD_REQUEST,
            code: "BadRequestException",
            message: message.into(),
            request_id: request_id.into(),
        }
    }

    pub fn unauthorized(message: impl Into<String>, request_id: &str) -> Self {
        HttpError {
            status: StatusCode::UNAUTHORIZED,
            code: "AccessDeniedException",
            message: message.into(),
            request_id: request_id.into(),
        }
    }

    pub fn timed_out(limit: std::time::Duration, request_id: &str) -> Self {
        HttpError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "TimeLimitExceededException",
            message: format!("Operation terminated (deadline of {} ms exceeded)", limit.as_millis()),
            request_id: request_id.into(),
        }
    }

    pub fn internal(message: impl Into<String>, request_id: &str) -> Self {
        HttpError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "InternalFailureException",
            message: message.into(),
            request_id: request_id.into(),
        }
    }

    pub fn from_query(e: &Error, request_id: &str) -> Self {
        let (status, code) = match (e.class, e.detail) {
            (ErrorClass::SyntaxError | ErrorClass::SemanticError, _) => {
                (StatusCode::BAD_REQUEST, "MalformedQueryException")
            }
            (ErrorClass::ConstraintVerificationFailed, _) => (StatusCode::BAD_REQUEST, "ConstraintViolationException"),
            (ErrorClass::ArithmeticError, _) => (StatusCode::BAD_REQUEST, "InvalidNumericDataException"),
            (
                ErrorClass::TypeError
                | ErrorClass::ArgumentError
                | ErrorClass::EntityNotFound
                | ErrorClass::ParameterMissing
                | ErrorClass::ProcedureError,
                _,
            ) => (StatusCode::BAD_REQUEST, "BadRequestException"),
            (ErrorClass::TransactionError, ACCESS_MODE) => (StatusCode::BAD_REQUEST, "ReadOnlyViolationException"),
            (ErrorClass::TransactionError, TIMED_OUT) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "TimeLimitExceededException")
            }
            (ErrorClass::TransactionError, CANCELLED) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "CancelledByUserException")
            }
            (ErrorClass::TransactionError, MEMORY_LIMIT) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "MemoryLimitExceededException")
            }
            // Another writer holds the lock: Neptune's retryable conflict.
            (ErrorClass::TransactionError, "WriterBusy") => {
                (StatusCode::INTERNAL_SERVER_ERROR, "ConcurrentModificationException")
            }
            // A cluster member that is not the leader: Neptune's answer from a reader.
            (ErrorClass::TransactionError, "NotALeader") => (StatusCode::BAD_REQUEST, "ReadOnlyViolationException"),
            (ErrorClass::TransactionError, "InvalidSeed") => (StatusCode::BAD_REQUEST, "BadRequestException"),
            (ErrorClass::TransactionError, "BookmarkTimeout") => {
                (StatusCode::INTERNAL_SERVER_ERROR, "TimeLimitExceededException")
            }
            // A leader change or a lost quorum: retryable, as Neptune's conflicts are.
            (
                ErrorClass::TransactionError,
                "LeaderNotReady" | "ReplicationTimeout" | "NotCommitted" | "ClusterStopped" | "NoLeader",
            ) => (StatusCode::INTERNAL_SERVER_ERROR, "ConcurrentModificationException"),
            (ErrorClass::TransactionError | ErrorClass::IoError | ErrorClass::Internal, _) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "InternalFailureException")
            }
        };
        let message = match e.pos {
            Some(pos) => format!("{} ({}) at offset {pos}", e.message, e.detail),
            None => format!("{} ({})", e.message, e.detail),
        };
        HttpError { status, code, message, request_id: request_id.into() }
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let body = json!({"requestId": self.request_id, "code": self.code, "detailedMessage": self.message});
        let mut response = (self.status, body.to_string()).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-amz-json-1.0"));
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"plexus\""));
        }
        response
    }
}
