//! Data queries: the query model written by the query editor, and the frames sent back.

use grafana_plugin_sdk::{backend, data, prelude::*};
use serde::Deserialize;
use serde_json::Value;

use crate::plugin::Datasource;

/// The value of `constant` when a query does not set it.
pub const DEFAULT_CONSTANT: f64 = 6.5;

/// The fields the query editor adds to a query. Grafana's own fields (`refId`, `datasource`,
/// `hide`, ...) come along in the same object and are ignored.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct QueryModel {
    pub query_text: Option<String>,
    pub constant: Option<f64>,
}

impl QueryModel {
    pub fn constant(&self) -> f64 {
        self.constant.unwrap_or(DEFAULT_CONSTANT)
    }
}

/// Why one query failed. The other queries of the same request still get their answers.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("invalid query: {source}")]
    InvalidQuery {
        ref_id: String,
        source: serde_json::Error,
    },
    #[error("could not build the response: {source}")]
    Frame {
        ref_id: String,
        source: Box<data::Error>,
    },
}

impl backend::DataQueryError for QueryError {
    fn ref_id(self) -> String {
        match self {
            Self::InvalidQuery { ref_id, .. } | Self::Frame { ref_id, .. } => ref_id,
        }
    }

    fn status(&self) -> backend::DataQueryStatus {
        match self {
            Self::InvalidQuery { .. } => backend::DataQueryStatus::BadRequest,
            Self::Frame { .. } => backend::DataQueryStatus::Internal,
        }
    }
}

#[backend::async_trait]
impl backend::DataService for Datasource {
    /// Kept as raw JSON so that each query is parsed on its own: if the SDK parsed it into
    /// `QueryModel`, one malformed query would fail the whole request.
    type Query = Value;
    type QueryError = QueryError;
    type Stream = backend::BoxDataResponseStream<Self::QueryError>;

    async fn query_data(
        &self,
        request: backend::QueryDataRequest<Self::Query, Self>,
    ) -> Self::Stream {
        let responses: Vec<_> = request
            .queries
            .into_iter()
            .map(|query| {
                let response = run_query(query);
                match &response {
                    Ok(_) => self.metrics.queries_ok.inc(),
                    Err(err) => {
                        self.metrics.queries_failed.inc();
                        tracing::warn!(error = %err, "query failed");
                    }
                }
                response
            })
            .collect();
        Box::pin(futures_util::stream::iter(responses))
    }
}

/// Answers one query with one frame.
fn run_query(query: backend::DataQuery<Value>) -> Result<backend::DataResponse, QueryError> {
    let ref_id = query.ref_id;
    let model = match QueryModel::deserialize(&query.query) {
        Ok(model) => model,
        Err(source) => return Err(QueryError::InvalidQuery { ref_id, source }),
    };
    let frame = build_frame(&model, &query.time_range);
    match frame.check() {
        Ok(checked) => Ok(backend::DataResponse::new(ref_id, vec![checked])),
        Err(source) => Err(QueryError::Frame {
            ref_id,
            source: Box::new(source),
        }),
    }
}

/// A frame with the two ends of the query's time range and the query's constant at each.
/// A real data source would fetch its data here.
pub fn build_frame(model: &QueryModel, range: &backend::TimeRange) -> data::Frame {
    let frame = [
        [range.from, range.to].into_field("time"),
        [model.constant(); 2].into_field("value"),
    ]
    .into_frame("response");
    match model.query_text.as_deref().filter(|text| !text.is_empty()) {
        Some(text) => {
            // Shown by Grafana's query inspector.
            let mut meta = data::Metadata::default();
            meta.executed_query_string = Some(text.to_owned());
            frame.with_metadata(meta)
        }
        None => frame,
    }
}

#[cfg(test)]
mod tests {
    use backend::{DataQueryError, DataService};
    use futures_util::StreamExt;
    use grafana_plugin_sdk::{arrow2::array::PrimitiveArray, pluginv2};
    use serde_json::json;

    use super::*;

    const FROM_MS: i64 = 1_700_000_000_000;
    const TO_MS: i64 = 1_700_000_060_000;

    fn time_range() -> pluginv2::TimeRange {
        pluginv2::TimeRange {
            from_epoch_ms: FROM_MS,
            to_epoch_ms: TO_MS,
        }
    }

    fn values<T: grafana_plugin_sdk::arrow2::types::NativeType>(field: &data::Field) -> Vec<T> {
        let array = field.values().as_any().downcast_ref::<PrimitiveArray<T>>();
        array.expect("a primitive array").values().to_vec()
    }

    #[test]
    fn query_model_defaults_and_ignores_grafana_fields() {
        let model: QueryModel = serde_json::from_value(json!({
            "refId": "A",
            "datasource": { "type": "x", "uid": "y" },
            "queryText": "rain",
        }))
        .unwrap();
        assert_eq!(model.query_text.as_deref(), Some("rain"));
        assert_eq!(model.constant(), DEFAULT_CONSTANT);
    }

    #[test]
    fn malformed_query_model_is_an_error() {
        let result = serde_json::from_value::<QueryModel>(json!({ "constant": "high" }));
        assert!(result.is_err());
    }

    #[test]
    fn frame_has_time_range_and_constant() {
        let model = QueryModel {
            query_text: Some("rain".to_owned()),
            constant: Some(2.5),
        };
        let frame = build_frame(&model, &time_range().into());
        let fields = frame.fields();
        assert_eq!(fields.len(), 2);
        assert_eq!(fields[0].name, "time");
        assert_eq!(
            values::<i64>(&fields[0]),
            [FROM_MS * 1_000_000, TO_MS * 1_000_000]
        );
        assert_eq!(fields[1].name, "value");
        assert_eq!(values::<f64>(&fields[1]), [2.5, 2.5]);
        let meta = frame.meta.as_ref().expect("metadata");
        assert_eq!(meta.executed_query_string.as_deref(), Some("rain"));
        assert!(frame.check().is_ok());
    }

    #[tokio::test]
    async fn a_malformed_query_fails_alone() {
        let query = |ref_id: &str, json: &str| pluginv2::DataQuery {
            ref_id: ref_id.to_owned(),
            json: json.as_bytes().to_vec(),
            time_range: Some(time_range()),
            ..Default::default()
        };
        let request = pluginv2::QueryDataRequest {
            plugin_context: Some(Default::default()),
            queries: vec![
                query("A", r#"{"refId":"A","queryText":"rain","constant":1}"#),
                query("B", r#"{"refId":"B","constant":"high"}"#),
                query("C", ""),
            ],
            ..Default::default()
        }
        .try_into()
        .expect("the SDK accepts the request");

        let plugin = Datasource::default();
        let results: Vec<_> = plugin.query_data(request).await.collect().await;

        assert_eq!(results.len(), 3);
        assert!(results[0].is_ok());
        assert!(results[2].is_ok());
        let Err(err) = results.into_iter().nth(1).unwrap() else {
            panic!("query B should fail");
        };
        assert!(err.to_string().starts_with("invalid query: "), "{err}");
        assert!(matches!(err.status(), backend::DataQueryStatus::BadRequest));
        assert_eq!(err.ref_id(), "B");
        assert_eq!(plugin.metrics.queries_ok.get(), 2);
        assert_eq!(plugin.metrics.queries_failed.get(), 1);
    }
}
