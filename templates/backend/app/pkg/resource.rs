//! Resource routes: plain HTTP requests that the frontend sends to
//! `/api/plugins/<plugin id>/resources/<path>` and Grafana forwards to the plugin.

use std::convert::Infallible;

use grafana_plugin_sdk::backend;
use http::{header, HeaderValue, Method, Request, Response, StatusCode};
use serde_json::json;

use crate::{logging, plugin::App};

#[backend::async_trait]
impl backend::ResourceService for App {
    /// Every outcome, 404 included, is an HTTP response, so nothing is left to fail.
    type Error = Infallible;
    type InitialResponse = Response<Vec<u8>>;
    /// Further body chunks after the initial response; these routes send none.
    type Stream = backend::BoxResourceStream<Self::Error>;

    async fn call_resource(
        &self,
        request: backend::CallResourceRequest<Self>,
    ) -> Result<(Self::InitialResponse, Self::Stream), Self::Error> {
        logging::request("callResource", &request.plugin_context, None);
        self.metrics.resource_requests.inc();
        let response = route(&request.request);
        Ok((response, Box::pin(futures_util::stream::empty())))
    }
}

/// Dispatches on the path below `resources/`. The SDK hands requests over with the URI
/// `/<path>?<query>`, e.g. `/ping?x=1`.
pub fn route<B: AsRef<[u8]>>(request: &Request<B>) -> Response<Vec<u8>> {
    let path = request.uri().path();
    match (path.trim_matches('/'), request.method()) {
        ("ping", &Method::GET) => json_response(StatusCode::OK, &json!({ "message": "ok" })),
        ("ping", _) => method_not_allowed("GET"),
        ("echo", &Method::POST) => echo(request),
        ("echo", _) => method_not_allowed("POST"),
        _ => json_response(
            StatusCode::NOT_FOUND,
            &json!({ "error": format!("no resource at {path}") }),
        ),
    }
}

/// Sends the request body back unchanged, with the request's content type.
fn echo<B: AsRef<[u8]>>(request: &Request<B>) -> Response<Vec<u8>> {
    let mut response = Response::new(request.body().as_ref().to_vec());
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static("application/octet-stream"));
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, content_type);
    response
}

fn json_response(status: StatusCode, body: &serde_json::Value) -> Response<Vec<u8>> {
    let mut response = Response::new(body.to_string().into_bytes());
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn method_not_allowed(allow: &'static str) -> Response<Vec<u8>> {
    let mut response = json_response(
        StatusCode::METHOD_NOT_ALLOWED,
        &json!({ "error": format!("method not allowed, use {allow}") }),
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use backend::ResourceService;
    use grafana_plugin_sdk::pluginv2;
    use serde_json::Value;

    use super::*;

    fn call(method: &str, uri: &str, body: &str) -> Response<Vec<u8>> {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.as_bytes())
            .unwrap();
        route(&request)
    }

    fn body_json(response: &Response<Vec<u8>>) -> Value {
        serde_json::from_slice(response.body()).expect("a JSON body")
    }

    #[test]
    fn ping_answers_ok() {
        let response = call("GET", "/ping?x=1", "");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        assert_eq!(body_json(&response), json!({ "message": "ok" }));
    }

    #[test]
    fn echo_returns_the_body() {
        let body = r#"{"message":"hello","nested":{"n":1}}"#;
        let response = call("POST", "/echo", body);
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        assert_eq!(response.body(), body.as_bytes());
    }

    #[test]
    fn routes_check_the_method() {
        for (method, uri, allow) in [("POST", "/ping", "GET"), ("GET", "/echo", "POST")] {
            let response = call(method, uri, "");
            assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
            assert_eq!(response.headers()[header::ALLOW], allow);
        }
    }

    #[test]
    fn unknown_path_is_not_found() {
        let response = call("GET", "/nope", "");
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(body_json(&response)["error"], "no resource at /nope");
    }

    #[tokio::test]
    async fn grafana_request_reaches_echo() {
        // What Grafana sends for POST .../resources/echo
        let headers = HashMap::from([(
            "Content-Type".to_owned(),
            pluginv2::StringList {
                values: vec!["application/json".to_owned()],
            },
        )]);
        let request = pluginv2::CallResourceRequest {
            plugin_context: Some(Default::default()),
            path: "echo".to_owned(),
            method: "POST".to_owned(),
            url: "echo".to_owned(),
            headers,
            body: br#"{"message":"hi"}"#.to_vec().into(),
        }
        .try_into()
        .expect("the SDK accepts the request");
        let plugin = App::default();
        let (response, _) = plugin.call_resource(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.body(), br#"{"message":"hi"}"#);
        assert_eq!(plugin.metrics.resource_requests.get(), 1);
    }
}
