//! The fields a plugin's frontend saves and its Rust backend reads: the one place their names are
//! written. Templates render the TypeScript types, the Rust structs and `provisioning/` from this
//! table (`{{fields.jsonData.name}}`), so the two halves of a generated plugin cannot disagree on a
//! name. Every other use of a field goes through those declarations, and tsc and rustc hold it
//! to them.

use serde::Serialize;

use super::PluginKind;

/// One field of the JSON that Grafana stores and sends to the backend.
#[derive(Debug, Serialize)]
pub struct Field {
    /// camelCase, like Grafana's own fields; the Rust side reads it with
    /// `#[serde(rename_all = "camelCase")]` from the field named `{{snake name}}`.
    pub name: &'static str,
    /// The doc comment of the field on both sides.
    pub doc: &'static str,
    /// What the configuration page or query editor shows beside the input, so that a backend
    /// message can name the field the way the user sees it.
    pub label: &'static str,
    /// A value for `provisioning/` and the generated tests.
    pub example: &'static str,
}

/// What the configuration page and, for data sources, the query editor write.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fields {
    /// A setting in `jsonData`: plain text, readable by the browser.
    pub json_data: Field,
    /// A setting in `secureJsonData`: encrypted, only ever sent to the backend.
    pub secure_json_data: Field,
    pub query: Option<QueryFields>,
}

/// What a data source's query editor adds to each query.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryFields {
    pub text: Field,
    pub constant: Field,
    /// The constant of a query that sets none, as a literal both TypeScript and Rust read as a
    /// floating-point number.
    pub default_constant: &'static str,
}

const API_KEY: Field = Field {
    name: "apiKey",
    doc: "The key used to authenticate against the upstream API.",
    label: "API Key",
    example: "secret-key",
};

const DATASOURCE: Fields = Fields {
    json_data: Field {
        name: "path",
        doc: "An example setting; a real data source might keep a URL path or a region here.",
        label: "Path",
        example: "/v1/weather",
    },
    secure_json_data: API_KEY,
    query: Some(QueryFields {
        text: Field {
            name: "queryText",
            doc: "Free text; dashboard variables in it are replaced before the query runs.",
            label: "Query text",
            example: "rain",
        },
        constant: Field {
            name: "constant",
            doc: "The value every point of the answer has.",
            label: "Constant",
            example: "2.5",
        },
        default_constant: "6.5",
    }),
};

const APP: Fields = Fields {
    json_data: Field {
        name: "apiUrl",
        doc: "The base URL of the API the app talks to.",
        label: "API Url",
        example: "https://api.example.com",
    },
    secure_json_data: API_KEY,
    query: None,
};

impl PluginKind {
    /// The fields of the kind's settings; panels have none.
    pub fn fields(self) -> Option<&'static Fields> {
        match self {
            Self::App | Self::ScenesApp => Some(&APP),
            Self::Datasource => Some(&DATASOURCE),
            Self::Panel => None,
        }
    }
}

/// The Rust name of a field: `apiKey` → `api_key`. serde's `camelCase` turns it back into the
/// field's name, which [`tests::names_survive_the_trip_through_rust`] checks for every field.
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_field() -> Vec<&'static Field> {
        let mut fields = Vec::new();
        for kind in PluginKind::ALL {
            if let Some(kind_fields) = kind.fields() {
                fields.extend([&kind_fields.json_data, &kind_fields.secure_json_data]);
                if let Some(query) = &kind_fields.query {
                    fields.extend([&query.text, &query.constant]);
                }
            }
        }
        fields
    }

    /// serde's `rename_all = "camelCase"`: the first letter of each `_`-separated word after
    /// the first is upper-cased.
    fn serde_camel_case(snake: &str) -> String {
        let mut words = snake.split('_');
        let mut out = words.next().unwrap_or_default().to_owned();
        for word in words {
            let mut chars = word.chars();
            out.extend(chars.next().map(|c| c.to_ascii_uppercase()));
            out.extend(chars);
        }
        out
    }

    #[test]
    fn names_survive_the_trip_through_rust() {
        for field in every_field() {
            let rust = snake_case(field.name);
            assert!(
                rust.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    && !rust.starts_with(|c: char| c == '_' || c.is_ascii_digit()),
                "{} is not a Rust field name",
                rust
            );
            assert_eq!(serde_camel_case(&rust), field.name);
        }
    }

    #[test]
    fn snake_case_splits_before_capitals() {
        assert_eq!(snake_case("apiKey"), "api_key");
        assert_eq!(snake_case("queryText"), "query_text");
        assert_eq!(snake_case("path"), "path");
    }

    #[test]
    fn default_constant_is_a_float_literal_in_both_languages() {
        let query = DATASOURCE
            .query
            .as_ref()
            .expect("data sources have queries");
        // Rust rejects `6` where it expects an f64; TypeScript takes either.
        assert!(query.default_constant.contains('.'));
        assert!(query.default_constant.parse::<f64>().is_ok());
    }

    #[test]
    fn docs_fit_on_one_line_of_a_comment() {
        for field in every_field() {
            assert!(
                !field.doc.contains('\n') && !field.doc.contains("*/"),
                "{}",
                field.doc
            );
        }
    }
}
