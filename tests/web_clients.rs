//! Browser tests of the live clients that need no server: URL policy and
//! option checks at construction, the token and password never reaching the
//! host's callback, command checks, and a client that retries against a
//! closed loopback port and goes completely quiet once freed.
#![cfg(target_arch = "wasm32")]

use cti_bridge::web::axp::WasmAxpClient;
use cti_bridge::web::xuc::WasmXucClient;
use js_sys::{Function, Promise, JSON};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const TOKEN: &str = "tok-SECRET-web-1234";
const PASSWORD: &str = "pw-SECRET-web-5678";

fn options(json: &str) -> JsValue {
    JSON::parse(json).expect("options are JSON")
}

fn message(e: JsError) -> String {
    let v: JsValue = e.into();
    v.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_default()
}

/// Collects what the client posts to the host, as JSON text.
struct Sink {
    seen: Rc<RefCell<Vec<String>>>,
    callback: Closure<dyn FnMut(JsValue)>,
}

impl Sink {
    fn new() -> Sink {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let store = seen.clone();
        let callback = Closure::<dyn FnMut(JsValue)>::new(move |out: JsValue| {
            let text = JSON::stringify(&out).map(String::from).unwrap_or_default();
            store.borrow_mut().push(text);
        });
        Sink { seen, callback }
    }

    fn function(&self) -> Function {
        self.callback.as_ref().unchecked_ref::<Function>().clone()
    }

    fn all(&self) -> Vec<String> {
        self.seen.borrow().clone()
    }

    fn count(&self, needle: &str) -> usize {
        self.seen
            .borrow()
            .iter()
            .filter(|s| s.contains(needle))
            .count()
    }
}

async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

fn token_provider() -> Function {
    Function::new_no_args(&format!(
        "globalThis.__tokenCalls = (globalThis.__tokenCalls || 0) + 1; return Promise.resolve('{TOKEN}');"
    ))
}

fn token_calls() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &"__tokenCalls".into())
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0)
}

#[wasm_bindgen_test]
fn insecure_or_tricky_urls_are_refused_at_construction() {
    let sink = Sink::new();
    let cases = [
        (
            r#"{"restBase": "http://example.com/api", "accountId": "DYNNUG", "appKey": "k"}"#,
            "restBase: `http:` is only allowed on loopback (127.0.0.0/8, localhost, [::1]); host `example.com` is not",
        ),
        (
            r#"{"restBase": "http://127.0.0.1.evil.test/api", "accountId": "DYNNUG", "appKey": "k"}"#,
            "restBase: `http:` is only allowed on loopback (127.0.0.0/8, localhost, [::1]); host `127.0.0.1.evil.test` is not",
        ),
        (
            r#"{"restBase": "https://a.test", "accountId": "DYNNUG", "appKey": "k", "endpoint": "ws://a.test/ws"}"#,
            "endpoint: `ws:` is only allowed on loopback (127.0.0.0/8, localhost, [::1]); host `a.test` is not",
        ),
        (
            r#"{"restBase": "https://a.test", "accountId": "DYNNUG", "appKey": "k", "colour": "red"}"#,
            "options: unknown field `colour`",
        ),
        (
            r#"{"restBase": "https://a.test", "accountId": "DYNNUG", "appKey": "k", "mode": "chaos"}"#,
            "options.mode: unknown mode `chaos`",
        ),
    ];
    for (json, want) in cases {
        let err = WasmAxpClient::new(options(json), sink.function(), token_provider())
            .err()
            .map(message)
            .unwrap_or_default();
        assert!(err.starts_with(want), "{json}: got `{err}`");
    }
    let err = WasmXucClient::new(
        options(r#"{"baseUrl": "http://xuc.example.com"}"#),
        sink.function(),
        token_provider(),
    )
    .err()
    .map(message)
    .unwrap_or_default();
    assert_eq!(
        err,
        "baseUrl: `http:` is only allowed on loopback (127.0.0.0/8, localhost, [::1]); host `xuc.example.com` is not"
    );
    assert!(sink.all().is_empty(), "nothing posted by refused clients");
}

#[wasm_bindgen_test]
async fn axp_retries_a_closed_port_never_shows_the_token_and_goes_quiet_when_freed() {
    let sink = Sink::new();
    let client = WasmAxpClient::new(
        options(
            r#"{"restBase": "http://127.0.0.1:9/api/notification/v1", "accountId": "DYNNUG",
                "appKey": "appkey-SECRET-web", "seed": 5}"#,
        ),
        sink.function(),
        token_provider(),
    )
    .expect("a loopback client");
    let calls_before = token_calls();
    client.start();
    sleep(1_600).await;
    let seen = sink.all();
    assert!(token_calls() > calls_before, "the provider was asked");
    assert!(
        sink.count("creating the subscription") >= 2,
        "retried after the back-off: {seen:?}"
    );
    assert!(
        sink.count("the subscription request failed (network error)") >= 2,
        "{seen:?}"
    );
    assert!(sink.count("\"state\":\"connecting\"") >= 3, "{seen:?}");
    let health = JSON::stringify(&client.health().expect("health"))
        .map(String::from)
        .unwrap_or_default();
    assert!(health.contains("connecting"), "{health}");
    for text in &seen {
        assert!(!text.contains(TOKEN), "the token reached the host: {text}");
        assert!(
            !text.contains("appkey-SECRET-web"),
            "the app key reached the host: {text}"
        );
    }
    // Freed: no timer, no request, no provider call, no output any more.
    drop(client);
    let posted = sink.all().len();
    let calls = token_calls();
    sleep(2_500).await;
    assert_eq!(sink.all().len(), posted, "nothing after drop");
    assert_eq!(token_calls(), calls);
}

#[wasm_bindgen_test]
async fn xuc_commands_are_checked_and_refused_while_not_connected_and_the_password_stays_inside() {
    let sink = Sink::new();
    let provider = Function::new_no_args(&format!(
        "return Promise.resolve({{login: 'jbond', password: '{PASSWORD}'}});"
    ));
    let client = WasmXucClient::new(
        options(r#"{"baseUrl": "http://127.0.0.1:9", "agentId": "19", "seed": 3}"#),
        sink.function(),
        provider,
    )
    .expect("a loopback client");
    let err = client
        .set_agent_queue(19.into(), 3.into(), (-1).into())
        .err()
        .map(message);
    assert_eq!(
        err.as_deref(),
        Some("setAgentQueue: `penalty` must be a non-negative integer (0 is the highest priority), got -1")
    );
    let err = client
        .update_callback_ticket(
            "a967da84-bc41-4bf4-a4fc-2bcc54e11606".into(),
            "Callback".into(),
            JsValue::UNDEFINED,
            "2016-13-01".into(),
            JsValue::UNDEFINED,
        )
        .err()
        .map(message);
    assert_eq!(
        err.as_deref(),
        Some("updateCallbackTicket: `dueDate` must be a date YYYY-MM-DD, got `2016-13-01`")
    );
    let err = client
        .set_agent_queue(19.into(), 3.into(), 2.into())
        .err()
        .map(message);
    assert_eq!(
        err.as_deref(),
        Some("setAgentQueue: not sent, the xuc link is not connected")
    );
    let args = js_sys::Array::of1(&"agent".into());
    let err = client.command("getList", args).err().map(message);
    assert_eq!(
        err.as_deref(),
        Some("getList: not sent, the xuc link is not connected")
    );
    let err = client
        .command("teleport", js_sys::Array::new())
        .err()
        .map(message);
    assert_eq!(err.as_deref(), Some("unknown xuc command `teleport`"));

    client.start();
    sleep(300).await;
    let seen = sink.all();
    assert!(
        sink.count("the login failed (network error)") >= 1,
        "{seen:?}"
    );
    for text in &seen {
        assert!(
            !text.contains(PASSWORD),
            "the password reached the host: {text}"
        );
    }
    client.stop();
    let posted = sink.all().len();
    sleep(1_500).await;
    assert_eq!(sink.all().len(), posted, "stopped: quiet");
}
