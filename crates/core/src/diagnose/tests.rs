use super::*;

/// [`super::report`], its JSON checked against serde_json's (`json_write`).
fn report(obs: &Observations, allowed: &AllowList) -> Report {
    let report = super::report(obs, allowed);
    crate::json_write::to_string(&report);
    report
}

fn allowed() -> AllowList {
    AllowList::new(["http://127.0.0.1:8080"]).unwrap()
}

fn live() -> Health {
    Health {
        state: HealthState::Live,
        reason: "subscribed".into(),
        retry_in_ms: None,
        fault: None,
    }
}

fn health(state: HealthState, reason: &str, retry: Option<u64>, fault: Option<Fault>) -> Health {
    Health {
        state,
        reason: reason.into(),
        retry_in_ms: retry,
        fault,
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
            top_origin: Some("http://127.0.0.1:8080".into()),
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
            figures: Figures {
                token_expires_at: Some(1_700_000_000_000 + 3_600_000),
                subscription_expires_at: Some(1_700_000_000_000 + 900_000),
                heartbeat_rtt_ms: Some(4),
                heartbeat_at: Some(1_700_000_000_000 - 2_000),
                heartbeat_pending_since: None,
            },
        }),
        tabs: TabsObservations::Shared(TabsInfo {
            role: Role::Leader,
            count: 1,
            leader_since: Some(1_700_000_000_000 - 60_000),
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
    assert_eq!(
        multi.detail,
        "leader of 1 tab(s) for 60 s: this tab holds the contact-centre connection"
    );
    let detail = |id| report.check(id).unwrap().detail.clone();
    assert_eq!(
        detail(CheckId::CcToken),
        "the access token expires in 3600 s"
    );
    assert_eq!(
        detail(CheckId::CcSubscription),
        "the subscription expires in 900 s"
    );
    assert_eq!(
        detail(CheckId::CcHeartbeat),
        "heartbeat round trip 4 ms (measured 2 s ago)"
    );
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
    cc.health = Some(health(
        HealthState::Reconnecting,
        "the subscription request failed: network error",
        Some(1000),
        Some(Fault::Unreachable),
    ));
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
    obs.cc.as_mut().unwrap().health = Some(health(
        HealthState::Failed,
        "the token was refused (HTTP 401) again after a fresh token; giving up",
        None,
        Some(Fault::TokenRefused),
    ));
    only_fails(&obs, CheckId::CcAuth);
    // The typed fault decides, not the text.
    obs.cc.as_mut().unwrap().health = Some(health(
        HealthState::Failed,
        "the token was refused (HTTP 401)",
        None,
        Some(Fault::Misconfigured),
    ));
    let report = report(&obs, &allowed());
    assert_eq!(
        report.check(CheckId::CcAuth).unwrap().status,
        CheckStatus::Warn
    );
}

#[test]
fn blocked_storage_fails_session_and_access() {
    let mut obs = healthy();
    obs.storage = StorageObservations {
        session_usable: None,
        top_origin: Some("http://127.0.0.1:8080".into()),
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
    obs.cc.as_mut().unwrap().health = Some(health(
        HealthState::Reconnecting,
        "refused Bearer canary-0f9e8d7c6b5a4 for +44 20 7946 0958",
        Some(10),
        None,
    ));
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
    obs.tabs = TabsObservations::NotApplicable;
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
    use HealthState::*;
    let code = |state, retry, fault| health_code(&health(state, "any text", retry, fault));
    for fault in [
        Fault::NoCredentials,
        Fault::EndpointRefused,
        Fault::EndpointFailed,
        Fault::BadCredentials,
        Fault::RefusedAgain,
        Fault::TokenRefused,
    ] {
        assert_eq!(code(Failed, None, Some(fault)), Some(CheckId::CcAuth));
        assert_eq!(code(Connecting, None, Some(fault)), Some(CheckId::CcAuth));
    }
    for fault in [
        Fault::Misconfigured,
        Fault::ServerUnavailable,
        Fault::Unreachable,
    ] {
        assert_eq!(
            code(Reconnecting, Some(9), Some(fault)),
            Some(CheckId::CcRest)
        );
    }
    assert_eq!(code(Reconnecting, Some(100), None), Some(CheckId::CcRest));
    assert_eq!(code(Connecting, Some(500), None), Some(CheckId::CcRest));
    assert_eq!(code(Connecting, None, None), None);
    // Text alone names nothing.
    let refused = health(Failed, "the login was refused (HTTP 401)", None, None);
    assert!(!auth_refused(&refused));
    assert_eq!(health_code(&live()), None);
}

#[test]
fn token_and_subscription_expiry_warn_within_a_minute_and_fail_once_past() {
    let now = healthy().now;
    for (at, status, detail) in [
        (now + 61_000, CheckStatus::Ok, "expires in 61 s"),
        (now + 30_000, CheckStatus::Warn, "expires in 30 s"),
        (now, CheckStatus::Fail, "expired 0 s ago"),
        (now - 90_000, CheckStatus::Fail, "expired 90 s ago"),
    ] {
        let mut obs = healthy();
        let f = &mut obs.cc.as_mut().unwrap().figures;
        f.token_expires_at = Some(at);
        f.subscription_expires_at = Some(at);
        let report = report(&obs, &allowed());
        for id in [CheckId::CcToken, CheckId::CcSubscription] {
            let check = report.check(id).unwrap();
            assert_eq!(check.status, status, "{check:?}");
            assert!(check.detail.ends_with(detail), "{check:?}");
        }
    }
    // Unknown is not a fault; xuc has no subscription.
    let mut obs = healthy();
    let cc = obs.cc.as_mut().unwrap();
    cc.source = Some(Source::Xuc);
    cc.figures = Figures::default();
    let report = report(&obs, &allowed());
    assert_eq!(
        report.check(CheckId::CcToken).unwrap().detail,
        "not known: the login answer gives no TTL and the token is not a JWT"
    );
    assert!(report
        .check(CheckId::CcSubscription)
        .unwrap()
        .detail
        .starts_with("not applicable"));
}

#[test]
fn heartbeat_round_trips_are_ok_slow_or_failing() {
    let now = healthy().now;
    let status = |rtt: Option<u64>, pending: Option<u64>, state: HealthState| {
        let mut obs = healthy();
        let cc = obs.cc.as_mut().unwrap();
        cc.figures.heartbeat_rtt_ms = rtt;
        cc.figures.heartbeat_pending_since = pending;
        cc.health = Some(health(state, "why", None, None));
        let report = report(&obs, &allowed());
        let check = report.check(CheckId::CcHeartbeat).unwrap().clone();
        (check.status, check.detail)
    };
    use HealthState::*;
    assert_eq!(status(Some(1_499), None, Live).0, CheckStatus::Ok);
    assert_eq!(status(Some(SLOW_MS), None, Live).0, CheckStatus::Warn);
    assert_eq!(
        status(Some(HEARTBEAT_FAIL_MS), None, Live).0,
        CheckStatus::Fail
    );
    // A server that answered before and now does not.
    let (s, detail) = status(Some(5), Some(now - 6_000), Live);
    assert_eq!(s, CheckStatus::Fail);
    assert_eq!(
        detail,
        "the heartbeat sent 6 s ago has no answer (the last round trip was 5 ms)"
    );
    // Just sent: still the last round trip.
    assert_eq!(status(Some(5), Some(now - 100), Live).0, CheckStatus::Ok);
    // Never answered (a server that does not answer heartbeats): not a fault.
    assert_eq!(status(None, Some(now - 60_000), Live).0, CheckStatus::Ok);
    assert_eq!(status(None, None, Degraded).0, CheckStatus::Warn);
}

#[test]
fn storage_partition_compares_sites_not_hosts() {
    for (widget, top, third) in [
        (
            "https://widget.example.com",
            "https://crm.example.com",
            false,
        ),
        (
            "https://widget.example.com",
            "https://crm.example.net",
            true,
        ),
        (
            "https://widget.example.com:8443",
            "https://example.com",
            false,
        ),
        ("http://widget.example.com", "https://crm.example.com", true),
        ("http://localhost:8081", "http://127.0.0.1:8080", true),
        ("http://localhost:8081", "http://localhost:8080", false),
        ("http://127.0.0.1:8081", "http://127.0.0.1:8080", false),
        ("http://10.0.0.1", "http://10.0.0.2", true),
        ("http://[::1]:8081", "http://[::1]:8080", false),
        ("http://intranet", "http://crm.intranet", true),
    ] {
        assert_eq!(same_site(widget, top), Some(!third), "{widget} / {top}");
        let mut obs = healthy();
        obs.widget_origin = widget.into();
        obs.storage.top_origin = Some(top.into());
        let report = report(&obs, &allowed());
        let check = report.check(CheckId::StoragePartition).unwrap();
        assert_eq!(check.status, CheckStatus::Ok);
        let want = if third {
            "third-party context"
        } else {
            "first-party context"
        };
        assert!(
            check.detail.starts_with(want),
            "{widget} / {top}: {check:?}"
        );
    }
    assert_eq!(
        site_of("https://a.b.crm.example.com:443/path?q"),
        Some("https://example.com".into())
    );
    assert_eq!(site_of("not an origin"), None);
    let mut obs = healthy();
    obs.storage.top_origin = None;
    let report = report(&obs, &allowed());
    assert!(report
        .check(CheckId::StoragePartition)
        .unwrap()
        .detail
        .starts_with("unknown"));
}

#[test]
fn the_multi_tab_role_is_reported_and_running_alone_warns() {
    let check = |tabs: TabsObservations| {
        let mut obs = healthy();
        obs.tabs = tabs;
        report(&obs, &allowed())
            .check(CheckId::MultiTab)
            .unwrap()
            .clone()
    };
    let now = healthy().now;
    let follower = check(TabsObservations::Shared(TabsInfo {
        role: Role::Follower,
        count: 3,
        leader_since: Some(now - 5_000),
    }));
    assert_eq!(follower.status, CheckStatus::Ok);
    assert!(follower
        .detail
        .starts_with("follower, one of 3 tab(s): another tab has led for 5 s"));
    // A follower's own client is idle: the link's checks point to the leader, even when
    // its idle client says nothing good.
    let mut obs = healthy();
    obs.tabs = TabsObservations::Shared(TabsInfo {
        role: Role::Follower,
        count: 2,
        leader_since: None,
    });
    let cc = obs.cc.as_mut().unwrap();
    cc.health = None;
    cc.figures = Figures {
        token_expires_at: Some(now - 1),
        ..Figures::default()
    };
    let report = report(&obs, &allowed());
    for id in [
        CheckId::CcAuth,
        CheckId::CcToken,
        CheckId::CcSubscription,
        CheckId::CcHeartbeat,
    ] {
        let check = report.check(id).unwrap();
        assert_eq!(check.status, CheckStatus::Ok);
        assert!(
            check
                .detail
                .contains("the leader's tab holds the connection"),
            "{check:?}"
        );
    }
    let independent = check(TabsObservations::Independent);
    assert_eq!(independent.status, CheckStatus::Ok);
    let alone = check(TabsObservations::Alone {
        storage: true,
        web_locks: false,
        broadcast: true,
    });
    assert_eq!(alone.status, CheckStatus::Warn);
    assert_eq!(
        alone.detail,
        "runs alone: no Web Locks; every tab opens its own contact-centre connection"
    );
    assert_eq!(alone.fix.as_deref(), Some(CheckId::MultiTab.fix()));
    let blocked = check(TabsObservations::Alone {
        storage: false,
        web_locks: true,
        broadcast: true,
    });
    assert!(blocked.detail.contains("no storage for this frame"));
    assert!(check(TabsObservations::NotApplicable)
        .detail
        .starts_with("not applicable"));
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
    ); // Only an http(s) base gives a socket URL.
    for base in [
        "ftp://xuc.example.com",
        "httpx://xuc.example.com",
        "http:/x",
        "wss://x",
    ] {
        let (_, socket) = probe_targets(Source::Xuc, &serde_json::json!({ "baseUrl": base }));
        assert_eq!(socket, None, "{base}");
    }
}

/// Observations that together take every branch of [`super::report`]: each
/// one a small change to [`healthy`].
fn variants() -> Vec<(&'static str, Observations)> {
    type Change = fn(&mut Observations);
    fn cc(obs: &mut Observations) -> &mut CcObservations {
        obs.cc.as_mut().unwrap()
    }
    fn refused(state: HealthState, fault: Fault) -> Option<Health> {
        Some(health(
            state,
            "refused Bearer canary-0f9e8d7c6b5a4 for +44 20 7946 0958",
            None,
            Some(fault),
        ))
    }
    let changes: Vec<(&'static str, Change)> = vec![
        ("healthy", |_| {}),
        ("host pending, parent allowed", |o| o.host_origin = None),
        ("parent not allowed", |o| {
            o.host_origin = None;
            o.parent_origin = Some("http://127.0.0.1:9999".into());
            o.widget_origin_allowed = None;
        }),
        ("framed, nothing known", |o| {
            o.host_origin = None;
            o.parent_origin = None;
            o.widget_origin_allowed = None;
            o.drop_in = None;
        }),
        ("not framed", |o| {
            o.host_origin = None;
            o.parent_origin = None;
            o.framed = false;
            o.widget_origin_allowed = Some(false);
        }),
        ("host elsewhere", |o| {
            o.host_origin = Some("https://crm.example.com".into());
            o.widget_origin_allowed = None;
        }),
        ("host, no parent", |o| o.parent_origin = None),
        ("csp blocks wasm, rest and socket", |o| {
            o.violations = vec![
                Violation {
                    directive: "script-src-elem".into(),
                    blocked: "wasm-eval".into(),
                },
                Violation {
                    directive: "connect-src".into(),
                    blocked: "http://127.0.0.1:7000/api/x?token=canary-1".into(),
                },
                Violation {
                    directive: "default-src".into(),
                    blocked: "ws://127.0.0.1:7000/ws".into(),
                },
            ];
        }),
        ("csp blocks another origin", |o| {
            o.violations = vec![Violation {
                directive: "connect-src".into(),
                blocked: "https://other.example.org/x?token=canary-2".into(),
            }];
        }),
        ("csp blocks a keyword", |o| {
            o.cc = None;
            o.violations = vec![Violation {
                directive: "connect-src".into(),
                blocked: "inline".into(),
            }];
        }),
        ("third-party storage", |o| {
            o.storage = StorageObservations {
                session_usable: Some(false),
                top_origin: Some("https://crm.example.co.uk:8443".into()),
                has_access: Some(false),
            };
        }),
        ("unknown top, storage blocked", |o| {
            o.storage = StorageObservations {
                session_usable: None,
                top_origin: None,
                has_access: None,
            };
        }),
        ("storage access granted", |o| {
            o.storage.has_access = Some(true);
            o.storage.top_origin = Some("http://[::1]:8080".into());
        }),
        ("slow probes", |o| {
            cc(o).rest = Probe::Answered {
                status: 200,
                ms: 1_600,
            };
            cc(o).socket = Probe::Opened { ms: 1_700 };
        }),
        ("failed probes, reconnecting", |o| {
            cc(o).rest = Probe::Failed { ms: 4 };
            cc(o).socket = Probe::Failed { ms: 5 };
            cc(o).health = Some(health(
                HealthState::Reconnecting,
                "network error at 10.0.0.1",
                Some(1000),
                Some(Fault::Unreachable),
            ));
        }),
        ("timed out probes, connecting", |o| {
            cc(o).rest = Probe::TimedOut;
            cc(o).socket = Probe::TimedOut;
            cc(o).health = Some(health(HealthState::Connecting, "opening", None, None));
        }),
        ("odd probes, live", |o| {
            cc(o).rest = Probe::Opened { ms: 9 };
            cc(o).socket = Probe::Failed { ms: 3 };
        }),
        ("nothing probed", |o| {
            cc(o).source = Some(Source::Xuc);
            cc(o).rest = Probe::NotRun;
            cc(o).rest_url = None;
            cc(o).socket = Probe::NotRun;
            cc(o).socket_url = None;
            cc(o).health = None;
            cc(o).figures = Figures::default();
            cc(o).server_date = None;
        }),
        ("socket answered, degraded", |o| {
            cc(o).source = None;
            cc(o).socket = Probe::Answered { status: 101, ms: 1 };
            cc(o).health = Some(health(
                HealthState::Degraded,
                "slow Token abcdefgh12345678 reply",
                None,
                None,
            ));
            cc(o).figures = Figures::default();
        }),
        ("token refused", |o| {
            cc(o).health = refused(HealthState::Failed, Fault::TokenRefused);
        }),
        ("misconfigured, authenticating", |o| {
            cc(o).health = refused(HealthState::Authenticating, Fault::Misconfigured);
        }),
        ("failed, unreachable", |o| {
            cc(o).rest = Probe::TimedOut;
            cc(o).health = refused(HealthState::Failed, Fault::Unreachable);
        }),
        ("reconnecting, reachable", |o| {
            cc(o).health = Some(health(HealthState::Reconnecting, "closed", Some(500), None));
        }),
        ("stopped", |o| {
            cc(o).health = Some(health(HealthState::Stopped, "stopped", None, None));
        }),
        ("expiring", |o| {
            let now = o.now;
            let f = &mut cc(o).figures;
            f.token_expires_at = Some(now + 30_000);
            f.subscription_expires_at = Some(now - 5_000);
            f.heartbeat_rtt_ms = Some(40);
            f.heartbeat_pending_since = Some(now - 7_000);
        }),
        ("expired token, xuc", |o| {
            let now = o.now;
            cc(o).source = Some(Source::Xuc);
            let f = &mut cc(o).figures;
            f.token_expires_at = Some(now);
            f.subscription_expires_at = None;
            f.heartbeat_rtt_ms = Some(6_000);
            f.heartbeat_at = None;
        }),
        ("unknown expiry, slow heartbeat", |o| {
            let f = &mut cc(o).figures;
            f.token_expires_at = None;
            f.subscription_expires_at = None;
            f.heartbeat_rtt_ms = Some(2_000);
        }),
        ("xuc without token expiry", |o| {
            cc(o).source = Some(Source::Xuc);
            cc(o).figures.token_expires_at = None;
            cc(o).figures.heartbeat_rtt_ms = None;
        }),
        ("clock ahead", |o| {
            cc(o).server_date = Some("Tue, 14 Nov 2023 21:13:20 GMT".into());
        }),
        ("clock behind a little", |o| {
            cc(o).server_date = Some("Tue, 14 Nov 2023 22:13:40 GMT".into());
        }),
        ("clock unparsable", |o| {
            cc(o).server_date = Some("yesterday".into());
        }),
        ("no contact centre", |o| {
            o.cc = None;
            o.tabs = TabsObservations::NotApplicable;
        }),
        ("independent tabs", |o| {
            o.tabs = TabsObservations::Independent
        }),
        ("follower", |o| {
            o.tabs = TabsObservations::Shared(TabsInfo {
                role: Role::Follower,
                count: 3,
                leader_since: None,
            });
        }),
        ("leader since unknown", |o| {
            o.tabs = TabsObservations::Shared(TabsInfo {
                role: Role::Leader,
                count: 2,
                leader_since: None,
            });
        }),
        ("alone, nothing missing", |o| {
            o.tabs = TabsObservations::Alone {
                storage: true,
                web_locks: true,
                broadcast: true,
            };
        }),
        ("alone, all missing", |o| {
            o.tabs = TabsObservations::Alone {
                storage: false,
                web_locks: false,
                broadcast: false,
            };
        }),
        ("alone, no locks", |o| {
            o.tabs = TabsObservations::Alone {
                storage: true,
                web_locks: false,
                broadcast: true,
            };
        }),
    ];
    changes
        .into_iter()
        .map(|(name, change)| {
            let mut obs = healthy();
            change(&mut obs);
            (name, obs)
        })
        .collect()
}

/// Every report of [`variants`] byte for byte, and one support bundle: the
/// texts are pinned in `golden.jsonl` (`UPDATE_GOLDEN=1` rewrites it).
#[test]
fn reports_are_pinned_byte_for_byte() {
    let mut text = String::new();
    for (name, obs) in variants() {
        text.push_str(&format!("# {name}\n"));
        text.push_str(&crate::json_write::to_string(&report(&obs, &allowed())));
        text.push('\n');
    }
    let mut ring = LogRing::default();
    ring.push(
        1,
        LogLevel::Info,
        "axp",
        "subscribed with Bearer canary-0f9e8d7c6b5a4",
    );
    ring.push(2, LogLevel::Warn, "diagnose", "call +44 20 7946 0958 now");
    text.push_str("# export\n");
    text.push_str(&export_jsonl(
        &report(&healthy(), &allowed()),
        ring.query(LogQuery::default()),
    ));
    let text = text.replace(WIDGET_VERSION, "VERSION");
    assert!(!text.contains("canary"));
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/diagnose/golden.jsonl");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, &text).unwrap();
    }
    let golden = std::fs::read_to_string(path).unwrap();
    for (i, (got, want)) in text.lines().zip(golden.lines()).enumerate() {
        assert_eq!(got, want, "line {}", i + 1);
    }
    assert_eq!(text.lines().count(), golden.lines().count());
}

/// [`site_of`] as it was before the size pass (bench/README.md, "Diagnostics
/// report"): the same answer for every origin below.
fn old_site_of(origin: &str) -> Option<String> {
    let (scheme, rest) = origin.trim().split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    if let Some(v6) = authority.strip_prefix('[') {
        let host = v6.split(']').next()?.to_ascii_lowercase();
        return Some(format!("{scheme}://[{host}]"));
    }
    let host = authority
        .split(':')
        .next()?
        .trim_end_matches('.')
        .to_ascii_lowercase();
    if host.is_empty() {
        return None;
    }
    let is_ip = host.split('.').count() == 4
        && host
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let labels: Vec<&str> = host.split('.').collect();
    let site = match labels.as_slice() {
        _ if is_ip => host.clone(),
        [.., "localhost"] => "localhost".to_owned(),
        [.., a, b] => format!("{a}.{b}"),
        _ => host.clone(),
    };
    Some(format!("{scheme}://{site}"))
}

#[test]
fn sites_are_as_before_the_size_pass() {
    for origin in [
        "https://a.b.crm.example.com:443/path?q",
        "HTTP://Crm.Example.COM.",
        "http://a..b",
        "http://.",
        "http://a.",
        "http://...",
        "http://.example.com",
        "http://1.2.3.4",
        "http://1.2.3",
        "http://1.2.3.4.5",
        "http://1.2.3.a",
        "http://user:pw@host.example.com:80/x",
        "http://[::1]",
        "http://[::1",
        "http://[FE80::1]:8080/",
        "x://",
        "://a.b",
        "not an origin",
        "http://localhost",
        "http://a.LocalHost:3000",
        "http://localhost.example",
        "http://intranet",
        "http://a.b.c.d.e",
        "http://é.Example.com",
        "  https://crm.example.co.uk#x  ",
    ] {
        assert_eq!(site_of(origin), old_site_of(origin), "{origin}");
    }
}

/// The HTTP date reader as it was written first (each number through its own
/// `str::parse`): the oracle the leaner reader is compared with.
fn parse_http_date_oracle(text: &str) -> Option<u64> {
    let mut parts = text.split_whitespace();
    let _weekday = parts.next()?;
    let day: u32 = parts.next()?.parse().ok()?;
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let name = parts.next()?;
    let month = months.iter().position(|m| *m == name)? as u32 + 1;
    let year: i64 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':').map(|p| p.parse::<u64>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    if parts.next()? != "GMT" || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    // Days since 1970-01-01 (proleptic Gregorian), written out again.
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = i64::from(if month > 2 { month - 3 } else { month + 9 });
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    let secs = u64::try_from(days).ok()? * 86_400 + h * 3600 + m * 60 + s;
    secs.checked_mul(1000)
}

#[test]
fn http_dates_parse_as_the_first_reader_did() {
    let days = [
        "06",
        "6",
        "+6",
        "-6",
        "0",
        "00",
        "31",
        "32",
        "006",
        "4294967297",
        "",
        "x6",
    ];
    let months = ["Nov", "Feb", "Jan", "Dec", "nov", "NOV", "Foo", "No"];
    let years = [
        "1994", "+1994", "-1994", "-0", "0", "1969", "1970", "00001994", "2000", "1900", "2100",
        "99999999", "19a4", "",
    ];
    let times = [
        "08:49:37",
        "23:59:60",
        "23:59:61",
        "24:00:00",
        "00:60:00",
        "+8:+9:+7",
        "-1:00:00",
        "08:49",
        "08:49:37:00",
        "08::37",
        "8:9:7",
    ];
    let tails = [
        " GMT",
        " CET",
        "",
        " GMT extra",
        " gmt",
        "\tGMT",
        "\u{a0}GMT",
    ];
    let mut seen = [0usize; 2];
    for day in days {
        for month in months {
            for year in years {
                for time in times {
                    for tail in tails {
                        let text = format!("Sun, {day} {month}  {year} {time}{tail}");
                        let got = parse_http_date(&text);
                        assert_eq!(got, parse_http_date_oracle(&text), "{text:?}");
                        seen[usize::from(got.is_some())] += 1;
                    }
                }
            }
        }
    }
    assert!(seen[0] > 0 && seen[1] > 0, "{seen:?}");
    for text in [
        "",
        "Sun,",
        "Sun, 06",
        "Sun, 06 Nov",
        "Sun, 06 Nov 1994",
        " Sun, 06 Nov 1994 08:49:37 GMT ",
    ] {
        assert_eq!(
            parse_http_date(text),
            parse_http_date_oracle(text),
            "{text:?}"
        );
    }
}
