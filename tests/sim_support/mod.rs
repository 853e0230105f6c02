//! Helpers for the simulator tests: a minimal HTTP client, WebSocket
//! helpers with bounded waits, and decoding with the project's codecs.
#![allow(dead_code)]

use cti_bridge_core::codec;
use cti_bridge_core::config::DecodeConfig;
use cti_bridge_core::model::{Decoded, Source};
use cti_bridge_core::DecodeError;
use cti_bridge_sim::{self as sim, Options, Running};
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// A client socket.
pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The longest any single wait may take.
pub const WAIT: Duration = Duration::from_secs(5);

/// Runs `f`, failing the test if it takes longer than [`WAIT`].
pub async fn within<T>(what: &str, f: impl Future<Output = T>) -> T {
    match tokio::time::timeout(WAIT, f).await {
        Ok(v) => v,
        Err(_) => panic!("timed out: {what}"),
    }
}

/// Quiet default options.
pub fn options() -> Options {
    Options {
        verbose: std::env::var_os("SIM_VERBOSE").is_some(),
        ..Options::default()
    }
}

/// Starts a simulator in-process.
pub async fn start(options: Options) -> Running {
    within("start", sim::start(options))
        .await
        .expect("simulator starts")
}

/// An HTTP answer: status and JSON body (`Null` when empty).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

/// One HTTP/1.1 request over a fresh connection.
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Answer {
    within(&format!("{method} {path}"), async {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        let body = body.unwrap_or("");
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        if !body.is_empty() {
            req.push_str("Content-Type: application/json\r\n");
        }
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(body);
        stream.write_all(req.as_bytes()).await.expect("write");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.expect("read");
        let text = String::from_utf8_lossy(&raw).to_string();
        let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status: u16 = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status line in {head:?}"));
        let body = if rest.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(rest).unwrap_or_else(|e| panic!("{e}: {rest}"))
        };
        Answer { status, body }
    })
    .await
}

/// Opens a WebSocket.
pub async fn connect(url: &str) -> Ws {
    within(
        &format!("connect {url}"),
        tokio_tungstenite::connect_async(url),
    )
    .await
    .unwrap_or_else(|e| panic!("connect {url}: {e}"))
    .0
}

/// Sends a JSON text frame.
pub async fn send(ws: &mut Ws, value: &Value) {
    within("send", ws.send(Message::Text(value.to_string().into())))
        .await
        .expect("send");
}

/// What the server did next.
#[derive(Debug)]
pub enum Next {
    /// A text frame.
    Text(String),
    /// A close frame with its code and reason.
    Closed(Option<u16>, String),
    /// The connection ended without a close frame (abrupt drop).
    Dropped,
}

/// The next frame (pings/pongs skipped), or how the socket ended.
pub async fn next(ws: &mut Ws) -> Next {
    within("next frame", async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(t))) => return Next::Text(t.to_string()),
                Some(Ok(Message::Close(frame))) => {
                    return Next::Closed(
                        frame.as_ref().map(|f| u16::from(f.code)),
                        frame.map(|f| f.reason.to_string()).unwrap_or_default(),
                    )
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Next::Dropped,
            }
        }
    })
    .await
}

/// The next text frame; fails on anything else.
pub async fn text(ws: &mut Ws) -> String {
    match next(ws).await {
        Next::Text(t) => t,
        other => panic!("expected a text frame, got {other:?}"),
    }
}

/// Asserts that nothing arrives for `quiet`.
pub async fn silent(ws: &mut Ws, quiet: Duration) {
    if let Ok(m) = tokio::time::timeout(quiet, ws.next()).await {
        panic!("expected silence, got {m:?}");
    }
}

/// Waits for the socket to close with a close frame; returns code and reason.
pub async fn closed(ws: &mut Ws) -> (Option<u16>, String) {
    match next(ws).await {
        Next::Closed(code, reason) => (code, reason),
        other => panic!("expected a close frame, got {other:?}"),
    }
}

/// Decodes a frame with the project's codec; the decode must succeed.
pub fn decode(source: Source, text: &str) -> Decoded {
    codec::decode_text(source, text, &DecodeConfig::default())
        .unwrap_or_else(|e| panic!("{source:?} frame does not decode: {e}: {text}"))
}

/// Decodes a frame, returning the codec's error.
pub fn try_decode(source: Source, text: &str) -> Result<Decoded, DecodeError> {
    codec::decode_text(source, text, &DecodeConfig::default())
}

/// The single event body of a frame, as JSON.
pub fn body(source: Source, text: &str) -> Value {
    let d = decode(source, text);
    assert_eq!(d.bodies.len(), 1, "{text}");
    serde_json::to_value(&d.bodies[0]).expect("serializable")
}

/// The frame as raw JSON.
pub fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// Polls `GET /sim/stats` until `ready` holds (bounded).
pub async fn stats_until(addr: SocketAddr, ready: impl Fn(&Value) -> bool) -> Value {
    within("stats condition", async {
        loop {
            let s = http(addr, "GET", "/sim/stats", &[], None).await.body;
            if ready(&s) {
                return s;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
}
