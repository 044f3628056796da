//! Data source instance settings, as saved by the config editor.
//!
//! `jsonData` reaches the plugin as raw JSON and is parsed here rather than by the SDK: if the
//! SDK parsed it, a bad value would fail every request before the plugin could explain why.
//! Here a bad value only makes the health check report it clearly.

use std::fmt;

use grafana_plugin_sdk::backend;
use serde::Deserialize;
use serde_json::Value;

/// The settings Grafana sends with each request for a data source instance.
pub type Instance = backend::DataSourceInstanceSettings<Value, SecureJsonData>;

/// `jsonData`: settings that are stored in plain text and visible to the frontend.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct JsonData {
    /// An example setting; a real data source might keep a URL path or a region here.
    pub path: String,
}

/// `secureJsonData`: settings stored encrypted by Grafana and only ever sent to the backend.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SecureJsonData {
    /// The key used to authenticate against the upstream API.
    pub api_key: Option<Secret>,
}

/// A secret string. Its `Debug` output is redacted and it has no `Display`, so it cannot end
/// up in a log line by accident.
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for the one place that needs it (e.g. an `Authorization` header).
    #[allow(dead_code)] // The template makes no upstream requests yet.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Everything wrong that a health check can report about the settings.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("the request carries no data source settings")]
    Missing,
    #[error("invalid jsonData: {0}")]
    InvalidJsonData(#[from] serde_json::Error),
    #[error("API key is missing: set it in the data source settings")]
    MissingApiKey,
}

/// Validated settings of one data source instance.
#[derive(Clone, Debug)]
pub struct Settings {
    pub json: JsonData,
    #[allow(dead_code)] // The template makes no upstream requests yet.
    pub api_key: Secret,
}

impl Settings {
    /// Reads and validates the settings carried by a request.
    pub fn from_instance(instance: Option<&Instance>) -> Result<Self, SettingsError> {
        let instance = instance.ok_or(SettingsError::Missing)?;
        Self::parse(&instance.json_data, &instance.decrypted_secure_json_data)
    }

    /// Parses `jsonData` (missing fields take their defaults, unknown ones are ignored) and
    /// checks that the API key is set.
    pub fn parse(json_data: &Value, secure: &SecureJsonData) -> Result<Self, SettingsError> {
        let json = match json_data {
            Value::Null => JsonData::default(),
            value => JsonData::deserialize(value)?,
        };
        let api_key = secure
            .api_key
            .clone()
            .filter(|key| !key.0.trim().is_empty())
            .ok_or(SettingsError::MissingApiKey)?;
        Ok(Self { json, api_key })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn secure(api_key: Option<&str>) -> SecureJsonData {
        SecureJsonData {
            api_key: api_key.map(|key| Secret(key.to_owned())),
        }
    }

    #[test]
    fn parses_path_and_ignores_unknown_fields() {
        let json_data = json!({ "path": "/v1/weather", "somethingElse": true });
        let settings = Settings::parse(&json_data, &secure(Some("key"))).unwrap();
        assert_eq!(settings.json.path, "/v1/weather");
        assert_eq!(settings.api_key.expose(), "key");
    }

    #[test]
    fn missing_or_null_json_data_takes_defaults() {
        for json_data in [json!({}), Value::Null] {
            let settings = Settings::parse(&json_data, &secure(Some("key"))).unwrap();
            assert_eq!(settings.json, JsonData::default());
        }
    }

    #[test]
    fn malformed_json_data_is_an_error() {
        for json_data in [json!({ "path": 42 }), json!("not an object")] {
            let err = Settings::parse(&json_data, &secure(Some("key"))).unwrap_err();
            assert!(matches!(err, SettingsError::InvalidJsonData(_)), "{err}");
            assert!(err.to_string().starts_with("invalid jsonData: "), "{err}");
        }
    }

    #[test]
    fn missing_or_blank_api_key_is_an_error() {
        for key in [None, Some(""), Some("  ")] {
            let err = Settings::parse(&json!({}), &secure(key)).unwrap_err();
            assert!(matches!(err, SettingsError::MissingApiKey), "{err}");
        }
    }

    #[test]
    fn missing_settings_is_an_error() {
        let err = Settings::from_instance(None).unwrap_err();
        assert!(matches!(err, SettingsError::Missing), "{err}");
    }

    #[test]
    fn debug_output_never_shows_the_api_key() {
        let secure = secure(Some("super-secret"));
        let settings = Settings::parse(&json!({}), &secure).unwrap();
        for shown in [format!("{secure:?}"), format!("{settings:?}")] {
            assert!(!shown.contains("super-secret"), "{shown}");
        }
    }
}
