//! URL policy and secret redaction shared by the live clients.

use cti_bridge::client::axp::{AxpClient, AxpConfig};
use cti_bridge::client::policy::{check, UrlKind};
use cti_bridge::client::{Backoff, Frame, Secret, Target};
use serde_json::json;

#[test]
fn secure_schemes_anywhere_clear_text_only_on_loopback() {
    let ok = [
        (
            "https://uk.api.avayacloud.com/api/notification/v1",
            UrlKind::Http,
        ),
        ("http://127.0.0.1:8080/api", UrlKind::Http),
        ("http://127.255.0.9/api", UrlKind::Http),
        ("http://localhost:8080", UrlKind::Http),
        ("http://LOCALHOST:8080", UrlKind::Http),
        ("http://[::1]:8080", UrlKind::Http),
        (
            "wss://uk.cc.avayacloud.com/ws/notification/v1/agent-engagement",
            UrlKind::Socket,
        ),
        ("ws://127.0.0.1:9000/ws", UrlKind::Socket),
        ("ws://localhost/ws", UrlKind::Socket),
        ("ws://[::1]:9/ws", UrlKind::Socket),
    ];
    for (url, kind) in ok {
        assert!(check(url, kind, "url").is_ok(), "{url} must be accepted");
    }
    let refused = [
        ("http://example.com", UrlKind::Http, "url: `http:` is only allowed on loopback (127.0.0.0/8, localhost, [::1]); host `example.com` is not"),
        ("http://127.0.0.1.evil.test/", UrlKind::Http, "url: `http:` is only allowed on loopback (127.0.0.0/8, localhost, [::1]); host `127.0.0.1.evil.test` is not"),
        ("http://localhost.evil.test/", UrlKind::Http, "url: `http:` is only allowed on loopback (127.0.0.0/8, localhost, [::1]); host `localhost.evil.test` is not"),
        ("http://127.0.0.1@evil.test/", UrlKind::Http, "url: credentials inside the URL are not allowed"),
        ("https://user:pass\u{40}x.test/", UrlKind::Http, "url: credentials inside the URL are not allowed"),
        ("http://[::ffff:127.0.0.1]/", UrlKind::Http, "url: `http:` is only allowed on loopback (127.0.0.0/8, localhost, [::1]); host `[::ffff:7f00:1]` is not"),
        ("http://128.0.0.1/", UrlKind::Http, "url: `http:` is only allowed on loopback (127.0.0.0/8, localhost, [::1]); host `128.0.0.1` is not"),
        ("ws://evil.test/ws", UrlKind::Socket, "url: `ws:` is only allowed on loopback (127.0.0.0/8, localhost, [::1]); host `evil.test` is not"),
        ("wss://x.test/ws#frag", UrlKind::Socket, "url: a URL fragment is not allowed"),
        ("https://x.test/ws", UrlKind::Socket, "url: scheme `https` is not allowed (use wss: (ws: on loopback))"),
        ("wss://x.test/", UrlKind::Http, "url: scheme `wss` is not allowed (use https: (http: on loopback))"),
        ("javascript:alert(1)", UrlKind::Http, "url: scheme `javascript` is not allowed (use https: (http: on loopback))"),
        ("file:///etc/passwd", UrlKind::Http, "url: scheme `file` is not allowed (use https: (http: on loopback))"),
        ("not a url", UrlKind::Http, "url: not a valid URL (relative URL without a base)"),
    ];
    for (url, kind, reason) in refused {
        assert_eq!(
            check(url, kind, "url")
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Err(reason.to_owned()),
            "{url}"
        );
    }
    // Host names are ASCII: an IDN is given in punycode (no Unicode tables in the widget).
    assert!(check("https://xn--bcher-kva.example/api", UrlKind::Http, "url").is_ok());
    assert!(check("https://b\u{fc}cher.example/api", UrlKind::Http, "url").is_err());
    // The numeric forms the WHATWG parser normalizes are judged by the real address.
    assert!(check("http://0x7f.1/", UrlKind::Http, "url").is_ok());
    assert!(check("http://2130706433/", UrlKind::Http, "url").is_ok());
}

#[test]
fn axp_configuration_is_checked() {
    let cfg = |rest: &str, account: &str, endpoint: Option<&str>| AxpConfig {
        rest_base: rest.into(),
        account_id: account.into(),
        app_key: "k".into(),
        endpoint: endpoint.map(str::to_owned),
        ..AxpConfig::default()
    };
    let err = |c: AxpConfig| AxpClient::new(c).map(|_| ()).map_err(|e| e.to_string());
    assert_eq!(
        err(cfg("https://a.test/api/notification/v1", "DYNNUG", None)),
        Ok(())
    );
    assert_eq!(
        err(cfg(
            "http://127.0.0.1:7000/api/notification/v1",
            "DYNNUG",
            Some("ws://127.0.0.1:7000/ws")
        )),
        Ok(())
    );
    assert_eq!(
        err(cfg("https://a.test", "DYN/../x", None)),
        Err("accountId: must be letters, digits, `-` or `_`".into())
    );
    assert_eq!(
        err(cfg("https://a.test?x=1", "DYNNUG", None)),
        Err("restBase: must not have a query".into())
    );
    assert_eq!(
        err(cfg("https://a.test", "DYNNUG", Some("ws://a.test/ws"))),
        Err("endpoint: `ws:` is only allowed on loopback (127.0.0.0/8, localhost, [::1]); host `a.test` is not".into())
    );
    let mut c = cfg("https://a.test", "DYNNUG", None);
    c.app_key = " ".into();
    assert_eq!(err(c), Err("appKey: is empty".into()));
}

#[test]
fn secrets_never_show_in_debug_or_display() {
    let s = Secret::new("tok-123");
    assert_eq!(format!("{s:?}"), "Secret([redacted])");
    assert_eq!(format!("{s}"), "[redacted]");
    assert_eq!(s.expose(), "tok-123");
    let f = Frame::sensitive(json!({"token": "tok-123"}));
    assert_eq!(format!("{f:?}"), "Frame([redacted])");
    let p = Frame::plain(json!({"event": "ping"}));
    assert_eq!(format!("{p:?}"), "Frame({\"event\":\"ping\"})");
    let t = Target::with_secret_query("wss://x.test/cti?token=tok-123".into());
    assert_eq!(format!("{t:?}"), "Target(wss://x.test/cti?[redacted])");
    assert_eq!(t.to_string(), "wss://x.test/cti?[redacted]");
    assert_eq!(t.expose(), "wss://x.test/cti?token=tok-123");
    let client = AxpClient::new(AxpConfig {
        rest_base: "https://a.test".into(),
        account_id: "DYNNUG".into(),
        app_key: "appkey-123".into(),
        ..AxpConfig::default()
    })
    .expect("config");
    assert!(!format!("{client:?}").contains("appkey-123"));
}

#[test]
fn backoff_is_bounded_and_reproducible() {
    let mut a = Backoff::new(1_000, 60_000, 42);
    let mut b = Backoff::new(1_000, 60_000, 42);
    for n in 0..20u32 {
        let ceiling = a.ceiling();
        assert_eq!(ceiling, (1_000u64 << n.min(6)).min(60_000));
        let d = a.next_delay();
        assert_eq!(d, b.next_delay());
        assert!((ceiling / 2..=ceiling).contains(&d));
    }
    assert_eq!(a.attempts(), 20);
    a.reset();
    assert!(a.next_delay() <= 1_000);
}

#[test]
fn the_policy_judges_parsed_parts_as_the_browser_gives_them() {
    use cti_bridge::client::policy::{is_loopback, judge, Url};
    // The browser's `URL` serializes the host as the `url` crate does.
    for (host, loopback) in [
        ("127.0.0.1", true),
        ("127.9.8.7", true),
        ("[::1]", true),
        ("LocalHost", true),
        ("[::ffff:7f00:1]", false),
        ("127.0.0.1.evil.test", false),
        ("128.0.0.1", false),
        ("", false),
    ] {
        assert_eq!(is_loopback(host), loopback, "{host}");
    }
    let parts = |href: &str, scheme: &str, host: &str| Url {
        href: href.into(),
        scheme: scheme.into(),
        username: String::new(),
        password: String::new(),
        hostname: host.into(),
        port: None,
        query: None,
        fragment: None,
    };
    assert!(judge(&parts("ws://[::1]/ws", "ws", "[::1]"), UrlKind::Socket, "u").is_ok());
    assert!(judge(
        &parts("ws://x.test/ws", "ws", "x.test"),
        UrlKind::Socket,
        "u"
    )
    .is_err());
    let mut with_user = parts("wss://u@x.test/", "wss", "x.test");
    with_user.username = "u".into();
    assert!(judge(&with_user, UrlKind::Socket, "u").is_err());
    let mut bare_hash = parts("wss://x.test/#", "wss", "x.test");
    bare_hash.fragment = Some(String::new());
    assert!(judge(&bare_hash, UrlKind::Socket, "u").is_err());
    // A non-ASCII host is refused before any parser sees it.
    assert_eq!(
        check("wss://b\u{fc}cher.example/ws", UrlKind::Socket, "u").map_err(|e| e.to_string()),
        Err("u: not a valid URL (invalid international domain name)".to_owned())
    );
    assert!(check("wss://x.test/p\u{e4}th", UrlKind::Socket, "u").is_ok());
}

#[test]
fn a_query_pair_is_appended_as_the_url_crate_appends_it() {
    for (base, value) in [
        ("wss://x.test/ws", "a b&c=d/é+%"),
        ("wss://x.test/ws?v=1", "tok~en*-._"),
        ("wss://x.test/ws?", "t"),
    ] {
        let ours = check(base, UrlKind::Socket, "u").unwrap();
        let mut theirs = url::Url::parse(base).unwrap();
        theirs.query_pairs_mut().append_pair("token", value);
        assert_eq!(
            ours.with_query_pair("token", value),
            theirs.as_str(),
            "{base}"
        );
    }
}
