//! The clients' settings readers ([`crate::config::settings`]) against the
//! readers they replaced (one `Fields::get` per field, kept here as the
//! reference): same value or same error, path and reason, over valid,
//! malformed, missing and unknown settings ([`crate::config::reader_tests::check`]).

use super::*;
use crate::config::reader_tests::check;
use serde_json::json;

/// The reference readers, as they were before `settings`.
mod before {
    use super::*;

    pub struct OldTiming(pub Timing);

    impl Wire for OldTiming {
        const EXPECTED: &'static str = "struct Timing";
        fn read(o: Fields) -> Result<Self, Error> {
            o.only(TIMING_FIELDS)?;
            let mut t = Timing::default();
            for (name, slot) in [
                ("connectTimeoutMs", &mut t.connect_timeout_ms),
                ("authTimeoutMs", &mut t.auth_timeout_ms),
                ("requestTimeoutMs", &mut t.request_timeout_ms),
                ("backoffBaseMs", &mut t.backoff_base_ms),
                ("backoffMaxMs", &mut t.backoff_max_ms),
                ("wakeThresholdMs", &mut t.wake_threshold_ms),
                ("stableMs", &mut t.stable_ms),
                ("pongTimeoutMs", &mut t.pong_timeout_ms),
            ] {
                if let Some(v) = o.get(&[name], fields::unsigned)? {
                    *slot = v;
                }
            }
            t.heartbeat_ms = o
                .get(&["heartbeatMs"], |v| fields::opt(v, fields::unsigned))?
                .flatten();
            Ok(OldTiming(t))
        }
    }

    #[cfg(feature = "xuc")]
    pub struct OldXuc(pub xuc::XucConfig);

    #[cfg(feature = "xuc")]
    impl Wire for OldXuc {
        const EXPECTED: &'static str = "struct XucConfig";
        fn read(o: Fields) -> Result<Self, Error> {
            o.only(&["baseUrl", "socketUrl", "agentId", "seed", "timing"])?;
            let text = |name| Ok(o.get(&[name], |v| fields::opt(v, fields::text))?.flatten());
            Ok(OldXuc(xuc::XucConfig {
                base_url: o.text(&["baseUrl"])?,
                socket_url: text("socketUrl")?,
                agent_id: text("agentId")?,
                seed: o.get(&["seed"], fields::unsigned)?.unwrap_or_default(),
                timing: o
                    .get(&["timing"], fields::wire::<OldTiming>)?
                    .map(|t| t.0)
                    .unwrap_or_default(),
            }))
        }
    }
}

#[test]
fn the_timing_reads_and_refuses_as_before() {
    check(
        TIMING_FIELDS,
        |t: Timing| t,
        |t: before::OldTiming| t.0,
        json!({"stableMs": 5}),
    );
    // Of two wrong settings, the one read first is reported (`heartbeatMs` last).
    let both = json!({"heartbeatMs": "x", "pongTimeoutMs": "y", "stableMs": -1});
    let err = fields::wire::<Timing>(&both).err().map(|e| e.path());
    assert_eq!(err.as_deref(), Some("stableMs"));
    let both = json!({"heartbeatMs": "x", "pongTimeoutMs": "y"});
    let err = fields::wire::<Timing>(&both).err().map(|e| e.path());
    assert_eq!(err.as_deref(), Some("pongTimeoutMs"));
}

#[cfg(feature = "xuc")]
#[test]
fn the_xuc_settings_read_and_refuse_as_before() {
    type Read = (String, Option<String>, Option<String>, u64, Timing);
    let of =
        |c: xuc::XucConfig| -> Read { (c.base_url, c.socket_url, c.agent_id, c.seed, c.timing) };
    check(
        &["baseUrl", "socketUrl", "agentId", "seed", "timing"],
        of,
        |c: before::OldXuc| of(c.0),
        json!({"baseUrl": "https://xuc.example"}),
    );
    // Nested: a wrong timing says where.
    let timing = json!({"baseUrl": "b", "timing": {"heartbeatMs": -1}});
    let err = fields::wire::<xuc::XucConfig>(&timing).err();
    assert_eq!(
        err.map(|e| (e.path(), e.message().to_owned())),
        Some((
            "timing.heartbeatMs".to_owned(),
            "invalid value: integer `-1`, expected u64".to_owned()
        ))
    );
}
