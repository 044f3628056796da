//! The one line a go-plugin prints on stdout when it is ready:
//! `CORE-PROTOCOL-VERSION|APP-PROTOCOL-VERSION|NETWORK-TYPE|NETWORK-ADDR|PROTOCOL`,
//! e.g. `1|2|tcp|127.0.0.1:40155|grpc`. Grafana accepts core protocol 1 and plugin protocol 2 over
//! gRPC; anything else it refuses, and so do we, each with its own message.

use std::fmt;

/// The go-plugin core protocol version every plugin must speak.
pub const CORE_PROTOCOL: u32 = 1;
/// The Grafana plugin protocol version (`PLUGIN_PROTOCOL_VERSIONS`) Grafana offers.
pub const APP_PROTOCOL: u32 = 2;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Network {
    Tcp,
    Unix,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handshake {
    pub network: Network,
    /// `host:port` for TCP, a socket path for Unix.
    pub address: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HandshakeError {
    FieldCount(usize),
    NotANumber { field: &'static str, value: String },
    CoreProtocol(u32),
    AppProtocol(u32),
    Network(String),
    Address(String),
    Protocol(String),
}

impl fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(n) => write!(
                f,
                "expected 5 fields separated by '|' (core|app|network|address|protocol), found {n}"
            ),
            Self::NotANumber { field, value } => {
                write!(f, "the {field} protocol version {value:?} is not a number")
            }
            Self::CoreProtocol(v) => write!(
                f,
                "core protocol version {v} is not supported: Grafana speaks go-plugin core protocol {CORE_PROTOCOL}"
            ),
            Self::AppProtocol(v) => write!(
                f,
                "plugin protocol version {v} is not supported: Grafana offers version {APP_PROTOCOL} \
                 (PLUGIN_PROTOCOL_VERSIONS={APP_PROTOCOL}); is this a Grafana plugin built with an old SDK?"
            ),
            Self::Network(n) => write!(f, "network type {n:?} is neither \"tcp\" nor \"unix\""),
            Self::Address(a) => write!(f, "address {a:?} is not host:port"),
            Self::Protocol(p) => write!(
                f,
                "protocol {p:?} is not supported: Grafana talks to backends over \"grpc\" only"
            ),
        }
    }
}

impl std::error::Error for HandshakeError {}

pub fn parse(line: &str) -> Result<Handshake, HandshakeError> {
    let fields: Vec<&str> = line.trim_end_matches(['\r', '\n']).split('|').collect();
    let [core, app, network, address, protocol] = fields[..] else {
        return Err(HandshakeError::FieldCount(fields.len()));
    };
    let version = |field: &'static str, value: &str| {
        value
            .parse::<u32>()
            .map_err(|_| HandshakeError::NotANumber {
                field,
                value: value.to_owned(),
            })
    };
    let core = version("core", core)?;
    if core != CORE_PROTOCOL {
        return Err(HandshakeError::CoreProtocol(core));
    }
    let app = version("plugin", app)?;
    if app != APP_PROTOCOL {
        return Err(HandshakeError::AppProtocol(app));
    }
    let network = match network {
        "tcp" => Network::Tcp,
        "unix" => Network::Unix,
        other => return Err(HandshakeError::Network(other.to_owned())),
    };
    if network == Network::Tcp && !valid_host_port(address) {
        return Err(HandshakeError::Address(address.to_owned()));
    }
    if network == Network::Unix && address.is_empty() {
        return Err(HandshakeError::Address(address.to_owned()));
    }
    if protocol != "grpc" {
        return Err(HandshakeError::Protocol(protocol.to_owned()));
    }
    Ok(Handshake {
        network,
        address: address.to_owned(),
    })
}

fn valid_host_port(address: &str) -> bool {
    address
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok_and(|p| p != 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_the_rust_sdk_prints() {
        let handshake = parse("1|2|tcp|127.0.0.1:40155|grpc\n").unwrap();
        assert_eq!(handshake.network, Network::Tcp);
        assert_eq!(handshake.address, "127.0.0.1:40155");
    }

    #[test]
    fn accepts_unix_sockets_as_go_plugins_use_them() {
        let handshake = parse("1|2|unix|/tmp/plugin123|grpc").unwrap();
        assert_eq!(handshake.network, Network::Unix);
        assert_eq!(handshake.address, "/tmp/plugin123");
    }

    #[test]
    fn any_port_is_fine() {
        assert!(parse("1|2|tcp|127.0.0.1:65535|grpc").is_ok());
        assert!(parse("1|2|tcp|[::1]:1|grpc").is_ok());
    }

    #[test]
    fn each_malformed_form_has_its_own_error() {
        let cases = [
            ("", HandshakeError::FieldCount(1)),
            ("hello world", HandshakeError::FieldCount(1)),
            ("1|2|tcp|127.0.0.1:1", HandshakeError::FieldCount(4)),
            ("1|2|tcp|127.0.0.1:1|grpc|x", HandshakeError::FieldCount(6)),
            (
                "x|2|tcp|127.0.0.1:1|grpc",
                HandshakeError::NotANumber {
                    field: "core",
                    value: "x".into(),
                },
            ),
            ("2|2|tcp|127.0.0.1:1|grpc", HandshakeError::CoreProtocol(2)),
            ("1|1|tcp|127.0.0.1:1|grpc", HandshakeError::AppProtocol(1)),
            (
                "1||tcp|127.0.0.1:1|grpc",
                HandshakeError::NotANumber {
                    field: "plugin",
                    value: "".into(),
                },
            ),
            (
                "1|2|udp|127.0.0.1:1|grpc",
                HandshakeError::Network("udp".into()),
            ),
            (
                "1|2|tcp|127.0.0.1|grpc",
                HandshakeError::Address("127.0.0.1".into()),
            ),
            (
                "1|2|tcp|127.0.0.1:0|grpc",
                HandshakeError::Address("127.0.0.1:0".into()),
            ),
            ("1|2|tcp|:80|grpc", HandshakeError::Address(":80".into())),
            ("1|2|unix||grpc", HandshakeError::Address("".into())),
            (
                "1|2|tcp|127.0.0.1:1|netrpc",
                HandshakeError::Protocol("netrpc".into()),
            ),
        ];
        for (line, expected) in cases {
            assert_eq!(parse(line), Err(expected.clone()), "{line:?}");
            assert!(!expected.to_string().is_empty());
        }
    }
}
