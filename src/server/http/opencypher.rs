//! Neptune's openCypher endpoint (PROTOCOLS.md C.2): `query` and
//! `parameters` (a JSON object, usually as a string) from a form, a JSON body,
//! the URL, or a raw `application/opencypher` body; results as
//! `{"results": [{column: value, ...}, ...]}`.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value as Json};

use super::errors::HttpError;
use super::json::{from_json, to_json};
use super::{CancelOnDrop, HttpState};
use crate::db::Params;
use crate::server::metrics::{Language, Protocol};
use crate::QueryGuard;

/// What one request asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct CypherRequest {
    pub query: String,
    pub parameters: Params,
    /// `explain=static|dynamic|details`: the plan instead of results.
    pub explain: bool,
}

/// Gather `query`, `parameters` and `explain` from wherever the client put them.
pub fn parse_request(
    method: &Method,
    content_type: Option<&str>,
    url_query: Option<&str>,
    body: &[u8],
) -> Result<CypherRequest, String> {
    let mut fields: Vec<(String, Json)> = url_query
        .map(|q| {
            form_urlencoded::parse(q.as_bytes()).map(|(k, v)| (k.into_owned(), Json::String(v.into_owned()))).collect()
        })
        .unwrap_or_default();
    if *method == Method::POST {
        let mime = content_type.and_then(|c| c.split(';').next()).map(|m| m.trim().to_ascii_lowercase());
        match mime.as_deref() {
            Some("application/json") => match serde_json::from_slice::<Json>(body) {
                Ok(Json::Object(m)) => fields.extend(m),
                Ok(_) => return Err("the JSON body must be an object".into()),
                Err(e) => return Err(format!("the JSON body is invalid: {e}")),
            },
            Some("application/opencypher") => {
                let text = std::str::from_utf8(body).map_err(|_| "the query is not valid UTF-8".to_string())?;
                fields.push(("query".into(), Json::String(text.into())));
            }
            _ => {
                fields.extend(form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), Json::String(v.into_owned()))))
            }
        }
    }
    let field = |name: &str| fields.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v);
    let query = match field("query") {
        Some(Json::String(q)) if !q.trim().is_empty() => q.clone(),
        Some(Json::String(_)) | None => return Err("a `query` is required".into()),
        Some(_) => return Err("`query` must be a string".into()),
    };
    let parameters = match field("parameters") {
        None | Some(Json::Null) => Params::new(),
        Some(Json::String(s)) if s.trim().is_empty() => Params::new(),
        Some(Json::String(s)) => match serde_json::from_str::<Json>(s) {
            Ok(Json::Object(m)) => object_params(&m),
            Ok(_) => return Err("`parameters` must be a JSON object".into()),
            Err(e) => return Err(format!("`parameters` is not valid JSON: {e}")),
        },
        Some(Json::Object(m)) => object_params(m),
        Some(_) => return Err("`parameters` must be a JSON object".into()),
    };
    let explain = matches!(field("explain"), Some(Json::String(mode)) if !mode.is_empty());
    Ok(CypherRequest { query, parameters, explain })
}

fn object_params(m: &Map<String, Json>) -> Params {
    m.iter().map(|(k, v)| (k.clone(), from_json(v))).collect()
}

pub async fn handle(
    State(state): State<Arc<HttpState>>,
    method: Method,
    headers: HeaderMap,
    RawQuery(url_query): RawQuery,
    body: Bytes,
) -> Response {
    let request_id = state.request_id();
    if let Err(reason) = super::auth::check(state.authenticator.as_ref(), &headers) {
        return HttpError::unauthorized(reason, &request_id).into_response();
    }
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let request = match parse_request(&method, content_type, url_query.as_deref(), &body) {
        Ok(r) => r,
        Err(message) => return HttpError::bad_request(message, &request_id).into_response(),
    };
    let worker = state.clone();
    let id = request_id.clone();
    let explain = request.explain;
    let started = Instant::now();
    let guard = state.new_guard();
    let _cancel = CancelOnDrop(guard.clone());
    let outcome = tokio::task::spawn_blocking(move || worker.run(&request, &id, guard)).await;
    if !explain {
        state.metrics.query(Language::Cypher, Protocol::Http, matches!(outcome, Ok(Ok(_))), started.elapsed());
    }
    match outcome {
        Ok(Ok(Answer::Results(json))) => {
            let mut response = (StatusCode::OK, json.to_string()).into_response();
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        Ok(Ok(Answer::Plan(text))) => (StatusCode::OK, text).into_response(),
        Ok(Err(e)) => e.into_response(),
        Err(e) => HttpError::internal(format!("the query failed: {e}"), &request_id).into_response(),
    }
}

pub enum Answer {
    Results(Json),
    Plan(String),
}

impl HttpState {
    /// Run a request to the end (HTTP has no streaming here) on a blocking thread.
    fn run(&self, request: &CypherRequest, request_id: &str, guard: Arc<QueryGuard>) -> Result<Answer, HttpError> {
        let query_error = |e: plexus_storage::Error| HttpError::from_query(&e, request_id);
        if request.explain {
            return self.db.explain(&request.query).map(Answer::Plan).map_err(query_error);
        }
        // The guard stops the query at its deadline, or when the client leaves.
        let result = self.db.guarded(guard).execute(&request.query, &request.parameters).map_err(query_error)?;
        let columns = result.columns().to_vec();
        let mut rows = Vec::new();
        for row in result {
            let row = row.map_err(query_error)?;
            let object: Map<String, Json> = columns.iter().cloned().zip(row.iter().map(to_json)).collect();
            rows.push(Json::Object(object));
        }
        let mut body = Map::new();
        body.insert("results".into(), Json::Array(rows));
        Ok(Answer::Results(Json::Object(body)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plexus_storage::Value;

    fn params(pairs: &[(&str, Value)]) -> Params {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn every_request_form_neptune_documents() {
        let expected = CypherRequest {
            query: "RETURN $n AS n".into(),
            parameters: params(&[("n", Value::Integer(1))]),
            explain: false,
        };
        let form = "query=RETURN+%24n+AS+n&parameters=%7B%22n%22%3A1%7D";
        let forms = [
            (Method::POST, Some("application/x-www-form-urlencoded"), None, form.as_bytes()),
            (Method::GET, None, Some(form), &b""[..]),
            (Method::POST, Some("application/opencypher"), Some("parameters=%7B%22n%22%3A1%7D"), b"RETURN $n AS n"),
            (Method::POST, Some("application/json"), None, br#"{"query":"RETURN $n AS n","parameters":"{\"n\":1}"}"#),
            (
                Method::POST,
                Some("application/json; charset=utf-8"),
                None,
                br#"{"query":"RETURN $n AS n","parameters":{"n":1}}"#,
            ),
        ];
        for (method, ct, url, body) in forms {
            assert_eq!(parse_request(&method, ct, url, body), Ok(expected.clone()), "{method} {ct:?}");
        }
    }

    #[test]
    fn bad_requests_say_why() {
        let cases: [(Option<&str>, &[u8]); 5] = [
            (Some("application/x-www-form-urlencoded"), b"parameters=%7B%7D"),
            (Some("application/x-www-form-urlencoded"), b"query=RETURN+1&parameters=%5B1%5D"),
            (Some("application/x-www-form-urlencoded"), b"query=RETURN+1&parameters=%7Bnope"),
            (Some("application/json"), b"[1]"),
            (Some("application/json"), br#"{"query": 5}"#),
        ];
        for (ct, body) in cases {
            assert!(parse_request(&Method::POST, ct, None, body).is_err(), "{:?}", String::from_utf8_lossy(body));
        }
    }
}
