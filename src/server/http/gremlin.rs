//! Gremlin over HTTP as TinkerPop 3.8's server and Neptune answer it
//! (PROTOCOLS.md C.1): `POST /gremlin {"gremlin": "...", "bindings": {...}}`
//! or `GET /gremlin?gremlin=...&bindings.x=...`, evaluated as a script and
//! answered with one complete GraphSON 3 ResponseMessage. Errors use
//! Neptune's shape (`http/errors.rs`): a syntax error is 400, a failed
//! evaluation 500.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use plexus_storage::{Error, ErrorClass};
use serde_json::{json, Map, Value as Json};

use super::errors::HttpError;
use super::graphson::Encoder;
use super::json::from_json;
use super::{CancelOnDrop, HttpState};
use crate::db::{Params, ACCESS_MODE};
use crate::server::metrics::{Language, Protocol};
use crate::QueryGuard;
use plexus_exec::guard::{CANCELLED, MEMORY_LIMIT, TIMED_OUT};

/// What one request asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct GremlinRequest {
    pub gremlin: String,
    pub bindings: Params,
    /// The client's own id for the request, echoed in the answer.
    pub request_id: Option<String>,
}

/// Read the script and its bindings from a JSON body or the URL.
pub fn parse_request(method: &Method, url_query: Option<&str>, body: &[u8]) -> Result<GremlinRequest, String> {
    let mut fields = Map::new();
    let mut bindings = Map::new();
    if let Some(q) = url_query {
        for (k, v) in form_urlencoded::parse(q.as_bytes()) {
            match k.strip_prefix("bindings.") {
                // A binding in the URL is JSON when it parses as JSON (`1`, `true`), else text.
                Some(name) => {
                    let value = serde_json::from_str(&v).unwrap_or_else(|_| Json::String(v.clone().into_owned()));
                    bindings.insert(name.to_string(), value);
                }
                None => {
                    fields.insert(k.into_owned(), Json::String(v.into_owned()));
                }
            }
        }
    }
    if *method == Method::POST && !body.iter().all(u8::is_ascii_whitespace) {
        match body.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => {}
            _ => return Err("the body must be a JSON object (GraphBinary requests are not supported over HTTP)".into()),
        }
        match serde_json::from_slice::<Json>(body) {
            Ok(Json::Object(m)) => fields.extend(m),
            Ok(_) => return Err("the JSON body must be an object".into()),
            Err(e) => return Err(format!("the JSON body is invalid: {e}")),
        }
    }
    let gremlin = match fields.get("gremlin") {
        Some(Json::String(g)) if !g.trim().is_empty() => g.clone(),
        Some(Json::String(_)) | None => return Err("a `gremlin` script is required".into()),
        Some(_) => return Err("`gremlin` must be a string".into()),
    };
    match fields.get("bindings") {
        None | Some(Json::Null) => {}
        Some(Json::Object(m)) => bindings.extend(m.clone()),
        Some(_) => return Err("`bindings` must be a JSON object".into()),
    }
    if !matches!(fields.get("aliases"), None | Some(Json::Null | Json::Object(_) | Json::String(_))) {
        return Err("`aliases` must be a JSON object".into());
    }
    let request_id = match fields.get("requestId") {
        None | Some(Json::Null) => None,
        Some(Json::String(id)) if !id.is_empty() => Some(id.clone()),
        Some(_) => return Err("`requestId` must be a non-empty string".into()),
    };
    let bindings = bindings.iter().map(|(k, v)| (k.clone(), from_json(v))).collect();
    Ok(GremlinRequest { gremlin, bindings, request_id })
}

/// A Gremlin error over HTTP: syntax 400, evaluation 500, the plexus code in the message.
pub fn http_error(e: &Error, request_id: &str) -> HttpError {
    let mut error = HttpError::from_query(e, request_id);
    let (status, code) = match (e.class, e.detail) {
        (ErrorClass::SyntaxError | ErrorClass::SemanticError, _) => {
            (StatusCode::BAD_REQUEST, "MalformedQueryException")
        }
        (ErrorClass::ParameterMissing, _) => (StatusCode::BAD_REQUEST, "BadRequestException"),
        (ErrorClass::ConstraintVerificationFailed, _) => {
            (StatusCode::INTERNAL_SERVER_ERROR, "ConstraintViolationException")
        }
        (ErrorClass::TransactionError, "WriterBusy") => {
            (StatusCode::INTERNAL_SERVER_ERROR, "ConcurrentModificationException")
        }
        // Time, cancellation, memory and read-only refusals read as Neptune names them for openCypher.
        (ErrorClass::TransactionError, TIMED_OUT | CANCELLED | MEMORY_LIMIT | ACCESS_MODE) => {
            (error.status, error.code)
        }
        (ErrorClass::TransactionError | ErrorClass::IoError | ErrorClass::Internal, _) => {
            (StatusCode::INTERNAL_SERVER_ERROR, "InternalFailureException")
        }
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "FailureByQueryException"),
    };
    error.status = status;
    error.code = code;
    error
}

pub async fn handle(
    State(state): State<Arc<HttpState>>,
    method: Method,
    headers: HeaderMap,
    RawQuery(url_query): RawQuery,
    body: Bytes,
) -> Response {
    let mut request_id = state.request_id();
    if let Err(reason) = super::auth::check(state.authenticator.as_ref(), &headers) {
        return HttpError::unauthorized(reason, &request_id).into_response();
    }
    let request = match parse_request(&method, url_query.as_deref(), &body) {
        Ok(r) => r,
        Err(message) => return HttpError::bad_request(message, &request_id).into_response(),
    };
    if let Some(id) = &request.request_id {
        request_id = id.clone();
    }
    let worker = state.clone();
    let id = request_id.clone();
    let started = Instant::now();
    let guard = state.new_guard();
    let _cancel = CancelOnDrop(guard.clone());
    let outcome = tokio::task::spawn_blocking(move || worker.run_gremlin(&request, &id, guard)).await;
    let ok = matches!(outcome, Ok(Ok(_)));
    state.metrics.query(Language::Gremlin, Protocol::Http, ok, started.elapsed());
    match outcome {
        Ok(Ok(json)) => {
            let mut response = (StatusCode::OK, json.to_string()).into_response();
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        Ok(Err(e)) => e.into_response(),
        Err(e) => HttpError::internal(format!("the traversal failed: {e}"), &request_id).into_response(),
    }
}

impl HttpState {
    /// Run a traversal to the end and write the ResponseMessage.
    fn run_gremlin(
        &self,
        request: &GremlinRequest,
        request_id: &str,
        guard: Arc<QueryGuard>,
    ) -> Result<Json, HttpError> {
        let query_error = |e: Error| http_error(&e, request_id);
        // The guard stops the traversal at its deadline, or when the client leaves.
        let db = self.db.guarded(guard);
        let result = db.execute_gremlin(&request.gremlin, &request.bindings).map_err(query_error)?;
        let mut values = Vec::new();
        for row in result {
            let mut row = row.map_err(query_error)?;
            if !row.is_empty() {
                values.push(row.swap_remove(0));
            }
        }
        // Edge ends' labels come from the version after the traversal (its own writes included).
        let snapshot = self.db.graph().snapshot();
        let mut encoder = Encoder::new(&snapshot);
        let data = if ends_in_path(&request.gremlin) { encoder.paths(&values) } else { encoder.list(&values) };
        let empty_map = json!({"@type": "g:Map", "@value": []});
        Ok(json!({
            "requestId": request_id,
            "status": {"message": "", "code": 200, "attributes": empty_map},
            "result": {"data": data, "meta": empty_map},
        }))
    }
}

/// Steps after which the results are still what the step before made.
const KEEPS_KIND: &[&str] = &[
    "by",
    "limit",
    "range",
    "tail",
    "skip",
    "dedup",
    "order",
    "simplePath",
    "cyclicPath",
    "filter",
    "where",
    "has",
    "hasNot",
    "is",
    "not",
    "and",
    "or",
    "as",
    "timeLimit",
    "coin",
    "sample",
    "barrier",
    "identity",
    "toList",
    "iterate",
    "next",
];

/// Whether a script's results are `path()`s: results reach us as lists, and
/// GraphSON writes paths as `g:Path`, so the last step that shapes them decides.
pub fn ends_in_path(script: &str) -> bool {
    steps_end_in_path(&top_level_steps(script))
}

/// The same decision from the step names themselves (bytecode carries them).
pub fn steps_end_in_path(steps: &[String]) -> bool {
    steps.iter().rev().find(|s| !KEEPS_KIND.contains(&s.as_str())).is_some_and(|s| s == "path")
}

/// Names of the steps chained at the outermost level (`g.V().out().path()` → V, out, path).
fn top_level_steps(script: &str) -> Vec<String> {
    let chars: Vec<char> = script.chars().collect();
    let (mut steps, mut depth, mut quote, mut i) = (Vec::new(), 0usize, None::<char>, 0);
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some(_) if c == '\\' => i += 1,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                '.' if depth == 0 => {
                    let name: String =
                        chars[i + 1..].iter().take_while(|c| c.is_alphanumeric() || **c == '_').collect();
                    if !name.is_empty() && chars.get(i + 1 + name.len()) == Some(&'(') {
                        steps.push(name);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use plexus_storage::Value;

    #[test]
    fn json_body_and_url_forms() {
        let expected = GremlinRequest {
            gremlin: "g.V(x)".into(),
            bindings: [("x".to_string(), Value::Integer(1))].into_iter().collect(),
            request_id: None,
        };
        let post = parse_request(
            &Method::POST,
            None,
            br#"{"gremlin":"g.V(x)","bindings":{"x":1},"language":"gremlin-groovy"}"#,
        );
        assert_eq!(post, Ok(expected.clone()));
        let get = parse_request(&Method::GET, Some("gremlin=g.V%28x%29&bindings.x=1"), b"");
        assert_eq!(get, Ok(expected));
        let with_id = parse_request(&Method::POST, None, br#"{"gremlin":"g.V()","requestId":"abc"}"#);
        assert_eq!(with_id.map(|r| r.request_id), Ok(Some("abc".into())));
    }

    #[test]
    fn path_results_are_recognised_from_the_last_shaping_step() {
        assert!(ends_in_path("g.V().out().path()"));
        assert!(ends_in_path("g.V().out().path().by('name').by(label).limit(2)"));
        assert!(!ends_in_path("g.V().out().path().count()"));
        assert!(!ends_in_path("g.V().has('x', 'a.path(').values('name')"));
        assert!(!ends_in_path("g.V().where(out().path()).fold()"));
        assert!(!ends_in_path("g.V()"));
    }

    #[test]
    fn bad_requests_say_why() {
        for body in [
            &b"[1]"[..],
            b"{}",
            br#"{"gremlin": 5}"#,
            br#"{"gremlin":"g.V()","bindings":[1]}"#,
            b"\x21binary",
            b"{nope",
        ] {
            assert!(parse_request(&Method::POST, None, body).is_err(), "{}", String::from_utf8_lossy(body));
        }
        assert!(parse_request(&Method::GET, None, b"").is_err());
    }
}
