use super::*;

fn allowed() -> AllowList {
    AllowList::new(["http://127.0.0.1:8080"]).unwrap()
}

fn live() -> Health {
    Health {
        state: HealthState::Live,
        reason: "subscribed".into(),
        retry_in_ms: None,
    }
}

/// A healthy widget: framed by an allowed host, an AXP link live.
fn healthy() -> Observations {
    Observations {
        now: 1_700_000_000_000,
        widget_origin: "http://localhost:9090".into(),
        host_origin: Some("http://127.0.0.1:8080".into()),
        parent_origin: Some("http://127.0.0.1:8080".into()),
        framed: true,
        widget_origin_allowed: Some(true),
        drop_in: Some("1.2.3".into()),
        violations: Vec::new(),
        storage: StorageObservations {
            session_usable: Some(true),
            third_party: Some(true),
            has_access: Some(false),
        },
        cc: Some(CcObservations {
            source: Some(Source::Axp),
            rest_url: Some(
                "http://127.0.0.1:7000/api/notification/v1/accounts/A/subscriptions".into(),
            ),
            rest: Probe::Answered {
                status: 405,
                ms: 12,
            },
            socket_url: Some(
                "ws://127.0.0.1:7000/ws/notification/v1/agent-engagement?token=canary-secret-123"
                    .into(),
            ),
            socket: Probe::Opened { ms: 8 },
            health: Some(live()),
            server_date: Some("Tue, 14 Nov 2023 22:13:20 GMT".into()),
            probe_mid_ms: Some(1_700_000_000_000),
            ..CcObservations::default()
        }),
    }
}

fn statuses(report: &Report) -> Vec<(&'static str, CheckStatus)> {
    report
        .checks
        .iter()
        .map(|c| (c.id.as_str(), c.status))
        .collect()
}

/// Every check but `id` is ok, and `id` fails with a fix.
fn only_fails(obs: &Observations, id: CheckId) {
    let report = report(obs, &allowed());
    for check in &report.checks {
        if check.id == id {
            assert_eq!(check.status, CheckStatus::Fail, "{check:?}");
            assert_eq!(check.fix.as_deref(), Some(id.fix()));
        } else {
            assert_eq!(
                check.status,
                CheckStatus::Ok,
                "{check:?} (expected only {id:?} to fail)"
            );
        }
    }
}

#[test]
fn a_healthy_widget_has_every_check_ok_in_a_fixed_order() {
    let report = report(&healthy(), &allowed());
    let ids: Vec<_> = report.checks.iter().map(|c| c.id).collect();
    assert_eq!(ids, CheckId::ALL);
    assert!(
        report
            .checks
            .iter()
            .all(|c| c.status == CheckStatus::Ok && c.fix.is_none()),
        "{:?}",
        statuses(&report)
    );
    assert_eq!(report.versions.drop_in.as_deref(), Some("1.2.3"));
    assert_eq!(report.versions.protocol, PROTOCOL_VERSION);
    assert_eq!(report.at, 1_700_000_000_000);
    let multi = report.check(CheckId::MultiTab).unwrap();
    assert!(multi.detail.starts_with("not applicable"));
}

#[test]
fn a_host_origin_missing_from_the_allow_list_fails_origin_host() {
    let mut obs = healthy();
    obs.host_origin = None;
    obs.parent_origin = Some("http://127.0.0.1:9999".into());
    obs.widget_origin_allowed = None;
    let report = report(&obs, &allowed());
    let host = report.check(CheckId::HostOrigin).unwrap();
    assert_eq!(host.status, CheckStatus::Fail);
    assert!(host.detail.contains("http://127.0.0.1:9999"));
    // Only that check fails: the rest is a consequence.
    let failed: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.status != CheckStatus::Ok)
        .map(|c| c.id)
        .collect();
    assert_eq!(failed, [CheckId::HostOrigin]);
}

#[test]
fn a_csp_without_the_contact_centre_fails_csp_connect_and_the_probes() {
    let mut obs = healthy();
    obs.violations = vec![Violation {
        directive: "connect-src".into(),
        blocked: "http://127.0.0.1:7000/api/notification/v1/accounts/A/subscriptions".into(),
    }];
    let cc = obs.cc.as_mut().unwrap();
    cc.rest = Probe::Failed { ms: 3 };
    let report = report(&obs, &allowed());
    assert_eq!(
        report.check(CheckId::CspConnect).unwrap().status,
        CheckStatus::Fail
    );
    assert_eq!(
        report.check(CheckId::CcRest).unwrap().status,
        CheckStatus::Fail
    );
    assert!(report
        .check(CheckId::CspConnect)
        .unwrap()
        .detail
        .contains("http://127.0.0.1:7000"));
}

#[test]
fn an_unreachable_contact_centre_fails_not_warns() {
    let mut obs = healthy();
    let cc = obs.cc.as_mut().unwrap();
    cc.rest = Probe::Failed { ms: 4 };
    cc.socket = Probe::Failed { ms: 4 };
    cc.server_date = None;
    cc.health = Some(Health {
        state: HealthState::Reconnecting,
        reason: "the subscription request failed: network error".into(),
        retry_in_ms: Some(1000),
    });
    let report = report(&obs, &allowed());
    let failed: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.status != CheckStatus::Ok)
        .map(|c| c.id)
        .collect();
    assert_eq!(failed, [CheckId::CcRest, CheckId::CcSocket]);
    let mut obs = healthy();
    obs.cc.as_mut().unwrap().rest = Probe::TimedOut;
    only_fails(&obs, CheckId::CcRest);
}

#[test]
fn a_rejected_token_fails_cc_auth_only() {
    let mut obs = healthy();
    obs.cc.as_mut().unwrap().health = Some(Health {
        state: HealthState::Failed,
        reason: "the token was refused (HTTP 401) again after a fresh token; giving up".into(),
        retry_in_ms: None,
    });
    only_fails(&obs, CheckId::CcAuth);
}

#[test]
fn blocked_storage_fails_session_and_access() {
    let mut obs = healthy();
    obs.storage = StorageObservations {
        session_usable: None,
        third_party: Some(true),
        has_access: Some(false),
    };
    let report = report(&obs, &allowed());
    assert_eq!(
        report.check(CheckId::StorageSession).unwrap().status,
        CheckStatus::Fail
    );
    assert_eq!(
        report.check(CheckId::StorageAccess).unwrap().status,
        CheckStatus::Fail
    );
    assert_eq!(
        report.check(CheckId::StoragePartition).unwrap().status,
        CheckStatus::Ok
    );
}

#[test]
fn a_skewed_server_clock_fails_clock_only() {
    let mut obs = healthy();
    // The server says an hour later than the browser.
    obs.cc.as_mut().unwrap().server_date = Some("Tue, 14 Nov 2023 23:13:20 GMT".into());
    only_fails(&obs, CheckId::Clock);
    let report = report(&obs, &allowed());
    assert!(report
        .check(CheckId::Clock)
        .unwrap()
        .detail
        .contains("3600 s behind"));
    // 20 s is a warning; 2 s (the header's resolution) is fine.
    obs.cc.as_mut().unwrap().server_date = Some("Tue, 14 Nov 2023 22:13:40 GMT".into());
    let report = super::report(&obs, &allowed());
    assert_eq!(
        report.check(CheckId::Clock).unwrap().status,
        CheckStatus::Warn
    );
    obs.cc.as_mut().unwrap().server_date = Some("Tue, 14 Nov 2023 22:13:22 GMT".into());
    let report = super::report(&obs, &allowed());
    assert_eq!(
        report.check(CheckId::Clock).unwrap().status,
        CheckStatus::Ok
    );
}

#[test]
fn http_dates_parse() {
    assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
    assert_eq!(
        parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
        Some(784_111_777_000)
    );
    assert_eq!(
        parse_http_date("Tue, 29 Feb 2000 12:00:00 GMT"),
        Some(951_825_600_000)
    );
    for bad in [
        "",
        "yesterday",
        "Sun, 06 Nov 1994 08:49:37 CET",
        "Sun, 32 Nov 1994 08:49:37 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT",
    ] {
        assert_eq!(parse_http_date(bad), None, "{bad}");
    }
}

#[test]
fn no_secret_reaches_a_report() {
    let mut obs = healthy();
    obs.cc.as_mut().unwrap().health = Some(Health {
        state: HealthState::Reconnecting,
        reason: "refused Bearer canary-0f9e8d7c6b5a4 for +44 20 7946 0958".into(),
        retry_in_ms: Some(10),
    });
    obs.cc.as_mut().unwrap().socket = Probe::Opened { ms: 2000 };
    let text = serde_json::to_string(&report(&obs, &allowed())).unwrap();
    assert!(!text.contains("canary"), "{text}");
    assert!(!text.contains("token="), "{text}");
    assert!(!text.contains("7946"), "{text}");
    assert!(text.contains("ws://127.0.0.1:7000/ws/notification/v1/agent-engagement"));
}

#[test]
fn without_a_contact_centre_its_checks_are_not_applicable() {
    let mut obs = healthy();
    obs.cc = None;
    let report = report(&obs, &allowed());
    assert!(report.checks.iter().all(|c| c.status == CheckStatus::Ok));
    assert!(report
        .check(CheckId::CcRest)
        .unwrap()
        .detail
        .starts_with("not applicable"));
}

#[test]
fn health_codes_name_the_fix() {
    let refused = Health {
        state: HealthState::Failed,
        reason: "the login was refused again (HTTP 401) with fresh credentials; giving up".into(),
        retry_in_ms: None,
    };
    assert_eq!(health_code(&refused), Some(CheckId::CcAuth));
    let none = Health {
        state: HealthState::Reconnecting,
        reason: "no credentials from the host: no single sign-on session".into(),
        retry_in_ms: Some(1000),
    };
    assert_eq!(health_code(&none), Some(CheckId::CcAuth));
    let down = Health {
        state: HealthState::Reconnecting,
        reason: "network error".into(),
        retry_in_ms: Some(100),
    };
    assert_eq!(health_code(&down), Some(CheckId::CcRest));
    let retrying = Health {
        state: HealthState::Connecting,
        reason: "the subscription request failed (network error)".into(),
        retry_in_ms: Some(500),
    };
    assert_eq!(health_code(&retrying), Some(CheckId::CcRest));
    let starting = Health {
        state: HealthState::Connecting,
        reason: "creating the subscription".into(),
        retry_in_ms: None,
    };
    assert_eq!(health_code(&starting), None);
    assert_eq!(health_code(&live()), None);
}

#[test]
fn the_export_is_the_report_then_one_entry_per_line() {
    let report = report(&healthy(), &allowed());
    let mut ring = LogRing::with_capacity(8);
    ring.push(1, LogLevel::Info, "channel", "host attached");
    ring.push(2, LogLevel::Warn, "axp", "dial 0612345678");
    let text = export_jsonl(&report, ring.query(LogQuery::default()));
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0]["checks"].is_array());
    assert_eq!(lines[1]["source"], "channel");
    assert_eq!(lines[2]["message"], "dial ********78");
    assert_eq!(lines[2]["level"], "warn");
}

#[test]
fn check_ids_serialize_as_documented() {
    for id in CheckId::ALL {
        assert_eq!(serde_json::to_value(id).unwrap(), id.as_str());
        assert!(!id.fix().is_empty());
    }
    let docs = include_str!("../../../../docs/troubleshooting.md");
    for id in CheckId::ALL {
        assert!(
            docs.contains(&format!("`{}`", id.as_str())),
            "docs/troubleshooting.md has no row for {}",
            id.as_str()
        );
    }
}

#[test]
fn probe_targets_follow_the_client_options() {
    let axp = serde_json::json!({"restBase": "http://127.0.0.1:7000/api/notification/v1/", "accountId": "A", "appKey": "k"});
    assert_eq!(
        probe_targets(Source::Axp, &axp),
        (
            Some("http://127.0.0.1:7000/api/notification/v1/accounts/A/subscriptions".into()),
            Some("ws://127.0.0.1:7000/ws/notification/v1/agent-engagement".into())
        )
    );
    let xuc = serde_json::json!({"baseUrl": "https://xuc.example.com"});
    assert_eq!(
        probe_targets(Source::Xuc, &xuc),
        (
            Some("https://xuc.example.com/xuc/api/2.0/auth/login".into()),
            Some("wss://xuc.example.com/xuc/api/2.0/cti".into())
        )
    );
    assert_eq!(
        probe_targets(Source::Xuc, &serde_json::json!({})),
        (None, None)
    );
}
