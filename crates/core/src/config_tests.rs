//! The settings readers ([`settings`]) against the readers they replaced
//! (one `Fields::get` per field, kept here as the reference): same value
//! or same error, path and reason, over valid and malformed settings.

use super::*;
use crate::panel::{PartyDisplay, PauseReason};
use crate::tabs::MultiTab;
use serde_json::json;

/// The reference readers, as they were before [`settings`].
mod before {
    use super::*;

    pub struct Decode(pub DecodeConfig);
    pub struct Crm(pub CrmConfig);
    pub struct Cc(pub CcConfig);
    pub struct Bridge(pub Config);
    pub struct Widget(pub WidgetConfig);

    impl Wire for Decode {
        const EXPECTED: &'static str = "struct DecodeConfig";
        fn read(o: Fields) -> Result<Self, Error> {
            o.only(&["availableStatuses"])?;
            let mut config = DecodeConfig::default();
            if let Some(list) = o.get(&["availableStatuses"], |v| fields::list(v, fields::text))? {
                config.available_statuses = list;
            }
            Ok(Decode(config))
        }
    }

    impl Wire for Crm {
        const EXPECTED: &'static str = "struct CrmConfig";
        fn read(o: Fields) -> Result<Self, Error> {
            o.only(&["readyStatus", "notReadyStatus", "source", "screenPopOn"])?;
            let mut config = CrmConfig::default();
            if let Some(v) = o.get(&["readyStatus"], fields::text)? {
                config.ready_status = v;
            }
            if let Some(v) = o.get(&["notReadyStatus"], fields::text)? {
                config.not_ready_status = v;
            }
            config.source = o.get(&["source"], source)?.flatten();
            if let Some(v) = o.get(&["screenPopOn"], fields::named)? {
                config.screen_pop_on = v;
            }
            Ok(Crm(config))
        }
    }

    impl Wire for Cc {
        const EXPECTED: &'static str = "struct CcConfig";
        fn read(o: Fields) -> Result<Self, Error> {
            o.only(&["notReadyReason", "agentId", "source"])?;
            let text = |name| Ok(o.get(&[name], |v| fields::opt(v, fields::text))?.flatten());
            Ok(Cc(CcConfig {
                not_ready_reason: text("notReadyReason")?,
                agent_id: text("agentId")?,
                source: o.get(&["source"], source)?.flatten(),
            }))
        }
    }

    impl Wire for Bridge {
        const EXPECTED: &'static str = "struct Config";
        fn read(o: Fields) -> Result<Self, Error> {
            o.only(&[
                "decode",
                "crm",
                "cc",
                "restoreAfterWork",
                "commandTimeoutMs",
            ])?;
            let mut config = Config::default();
            if let Some(v) = o.get(&["decode"], fields::wire::<Decode>)? {
                config.decode = v.0;
            }
            if let Some(v) = o.get(&["crm"], fields::wire::<Crm>)? {
                config.crm = v.0;
            }
            if let Some(v) = o.get(&["cc"], fields::wire::<Cc>)? {
                config.cc = v.0;
            }
            if let Some(v) = o.get(&["restoreAfterWork"], fields::flag)? {
                config.restore_after_work = v;
            }
            if let Some(v) = o.get(&["commandTimeoutMs"], fields::unsigned)? {
                config.command_timeout_ms = v;
            }
            Ok(Bridge(config))
        }
    }

    impl Wire for Widget {
        const EXPECTED: &'static str = "struct WidgetConfig";
        fn read(o: Fields) -> Result<Self, Error> {
            o.only(&[
                "allowedHostOrigins",
                "mode",
                "bridge",
                "allowInject",
                "storageKey",
                "outboxCapacity",
                "contactCentre",
                "trace",
                "crmConnectorFrame",
                "credentialsUrl",
                "pauseReasons",
                "partyDisplay",
                "multiTab",
                "screenPopTab",
            ])?;
            let text = |name| Ok(o.get(&[name], |v| fields::opt(v, fields::text))?.flatten());
            let flag = |name| Ok(o.get(&[name], fields::flag)?.unwrap_or_default());
            Ok(Widget(WidgetConfig {
                allowed_host_origins: o
                    .req(&["allowedHostOrigins"], |v| fields::list(v, fields::text))?,
                mode: text("mode")?,
                bridge: o
                    .get(&["bridge"], |v| fields::opt(v, fields::wire::<Bridge>))?
                    .flatten()
                    .map(|b| b.0),
                allow_inject: flag("allowInject")?,
                storage_key: text("storageKey")?,
                outbox_capacity: o
                    .get(&["outboxCapacity"], |v| fields::opt(v, fields::small))?
                    .flatten(),
                contact_centre: o
                    .get(&["contactCentre"], |v| fields::opt(v, fields::any))?
                    .flatten(),
                trace: flag("trace")?,
                crm_connector_frame: flag("crmConnectorFrame")?,
                credentials_url: text("credentialsUrl")?,
                pause_reasons: o
                    .get(&["pauseReasons"], |v| fields::list(v, fields::wire))?
                    .unwrap_or_default(),
                party_display: o.get(&["partyDisplay"], fields::named)?.unwrap_or_default(),
                multi_tab: o
                    .get(&["multiTab"], |v| fields::opt(v, fields::named))?
                    .flatten(),
                screen_pop_tab: text("screenPopTab")?,
            }))
        }
    }
}

/// A reader's result as compared: the value, or the error's path and reason.
fn outcome<T, U: PartialEq + std::fmt::Debug>(
    value: &Value,
    read: impl Fn(&Value) -> Result<T, Error>,
    of: impl Fn(T) -> U,
) -> Result<U, (String, String)> {
    read(value)
        .map(of)
        .map_err(|e| (e.path(), e.message().to_owned()))
}

/// Values of every JSON kind, valid for some settings and malformed for the rest.
fn samples() -> Vec<Value> {
    vec![
        json!(null),
        json!(true),
        json!(false),
        json!(0),
        json!(7),
        json!(-1),
        json!(1.5),
        json!(4294967296u64),
        json!(""),
        json!("x"),
        json!("synchronized"),
        json!("crm-connector"),
        json!("xuc"),
        json!("answered"),
        json!("masked"),
        json!("independent"),
        json!([]),
        json!(["a", "b"]),
        json!(["a", 1]),
        json!([{"id": "p", "label": "Pause"}]),
        json!([{"id": "p", "label": {"en": "Pause", "fr": 2}}]),
        json!([{"id": "p"}]),
        json!({}),
        json!({"kind": "xuc"}),
        json!({"readyStatus": "Go"}),
        json!({"availableStatuses": ["Free"]}),
        json!({"decode": {"availableStatuses": [1]}}),
        json!({"crm": {"source": "fax"}}),
        json!({"cc": {"agentId": 5}}),
        json!({"colour": 1}),
        json!([[1, "x"], [2, {"a": 1}]]),
        json!([[1]]),
        json!([[1, "x", 2]]),
        json!([["1", "x"]]),
    ]
}

/// Reads `base` and every variation of it (each of `keys` and an unknown
/// key set to each sample, a second key broken, the key alone, not an
/// object) with `New` and with `Old`: same value, or same error path and
/// reason; some of them read and some fail.
pub(crate) fn check<New: Wire, Old: Wire, U: PartialEq + std::fmt::Debug>(
    keys: &[&str],
    new: impl Fn(New) -> U,
    old: impl Fn(Old) -> U,
    base: Value,
) {
    let mut inputs = vec![base.clone(), json!(null), json!([]), json!("x"), json!(1)];
    let samples = samples();
    for key in keys.iter().chain(&["unknownKey"]) {
        for sample in &samples {
            let mut with = base.clone();
            with[*key] = sample.clone();
            inputs.push(with.clone());
            // Two settings at once (the first failing one is reported),
            // and one without the base's required fields.
            for other in keys {
                let mut both = with.clone();
                both[*other] = json!({"bad": []});
                inputs.push(both);
            }
            let mut alone = json!({});
            alone[*key] = sample.clone();
            inputs.push(alone);
        }
    }
    let mut failed = 0;
    for input in &inputs {
        let ours = outcome(input, fields::wire::<New>, &new);
        let theirs = outcome(input, fields::wire::<Old>, &old);
        assert_eq!(ours, theirs, "{input}");
        failed += usize::from(ours.is_err());
    }
    // Both kinds were seen.
    assert!(
        failed > 0 && failed < inputs.len(),
        "{failed} of {}",
        inputs.len()
    );
}

#[test]
fn each_settings_reader_reads_and_refuses_as_before() {
    check(
        &["availableStatuses"],
        |c: DecodeConfig| c,
        |c: before::Decode| c.0,
        json!({}),
    );
    check(
        &["readyStatus", "notReadyStatus", "source", "screenPopOn"],
        |c: CrmConfig| c,
        |c: before::Crm| c.0,
        json!({"readyStatus": "Go"}),
    );
    check(
        &["notReadyReason", "agentId", "source"],
        |c: CcConfig| c,
        |c: before::Cc| c.0,
        json!({"agentId": "7"}),
    );
    check(
        &[
            "decode",
            "crm",
            "cc",
            "restoreAfterWork",
            "commandTimeoutMs",
        ],
        |c: Config| c,
        |c: before::Bridge| c.0,
        json!({"restoreAfterWork": false}),
    );
    check(
        &[
            "allowedHostOrigins",
            "mode",
            "bridge",
            "allowInject",
            "storageKey",
            "outboxCapacity",
            "contactCentre",
            "trace",
            "crmConnectorFrame",
            "credentialsUrl",
            "pauseReasons",
            "partyDisplay",
            "multiTab",
            "screenPopTab",
        ],
        |c: WidgetConfig| c,
        |c: before::Widget| c.0,
        json!({"allowedHostOrigins": ["https://crm.example"]}),
    );
}

#[test]
fn the_widget_config_reads_every_setting() {
    let value = json!({
        "allowedHostOrigins": ["https://crm.example"],
        "mode": "synchronized",
        "bridge": {"crm": {"readyStatus": "Go"}, "commandTimeoutMs": 5},
        "allowInject": true,
        "storageKey": "k",
        "outboxCapacity": 16,
        "contactCentre": {"kind": "xuc", "baseUrl": "https://xuc.example"},
        "trace": true,
        "crmConnectorFrame": true,
        "credentialsUrl": "/token",
        "pauseReasons": [{"id": "lunch", "label": {"en": "Lunch", "fr": "Déjeuner"}}],
        "partyDisplay": "masked",
        "multiTab": "independent",
        "screenPopTab": "leader"
    });
    let c: WidgetConfig = fields::wire(&value).unwrap();
    assert_eq!(c.allowed_host_origins, ["https://crm.example"]);
    assert_eq!(c.mode.as_deref(), Some("synchronized"));
    let bridge = c.bridge.unwrap();
    assert_eq!(bridge.crm.ready_status, "Go");
    assert_eq!(bridge.command_timeout_ms, 5);
    assert!(c.allow_inject && c.trace && c.crm_connector_frame);
    assert_eq!(c.storage_key.as_deref(), Some("k"));
    assert_eq!(c.outbox_capacity, Some(16));
    assert_eq!(c.contact_centre.unwrap()["kind"], "xuc");
    assert_eq!(c.credentials_url.as_deref(), Some("/token"));
    assert_eq!(c.pause_reasons.len(), 1);
    assert_eq!(
        c.pause_reasons,
        vec![fields::wire::<PauseReason>(&value["pauseReasons"][0]).unwrap()]
    );
    assert_eq!(c.party_display, PartyDisplay::Masked);
    assert_eq!(c.multi_tab, Some(MultiTab::Independent));
    assert_eq!(c.screen_pop_tab.as_deref(), Some("leader"));

    let c: WidgetConfig = fields::wire(&json!({"allowedHostOrigins": []})).unwrap();
    assert_eq!(
        c,
        WidgetConfig::default(),
        "absent settings take the defaults"
    );
}

#[test]
fn a_wrong_widget_config_says_which_setting_and_why() {
    let error = |value: Value| {
        let e = fields::wire::<WidgetConfig>(&value).unwrap_err();
        (e.path(), e.message().to_owned())
    };
    let pair = |path: &str, message: &str| (path.to_owned(), message.to_owned());
    assert_eq!(
        error(json!({})),
        pair(".", "missing field `allowedHostOrigins`")
    );
    assert_eq!(
        error(json!({"allowedHostOrigins": "https://crm.example"})),
        pair(
            "allowedHostOrigins",
            "invalid type: string \"https://crm.example\", expected a sequence"
        )
    );
    assert_eq!(
        error(json!({"allowedHostOrigins": ["a", 2]})),
        pair(
            "allowedHostOrigins[1]",
            "invalid type: integer `2`, expected a string"
        )
    );
    // An unknown setting is refused before any other is read.
    assert_eq!(
        error(json!({"allowedHostOrigins": 1, "colour": 1})).1,
        "unknown field `colour`, expected one of `allowedHostOrigins`, `mode`, `bridge`, \
         `allowInject`, `storageKey`, `outboxCapacity`, `contactCentre`, `trace`, \
         `crmConnectorFrame`, `credentialsUrl`, `pauseReasons`, `partyDisplay`, `multiTab`, \
         `screenPopTab`"
    );
    assert_eq!(
        error(json!({"allowedHostOrigins": [], "bridge": {"crm": {"source": "fax"}}})),
        pair(
            "bridge.crm.source",
            "unknown variant `fax`, expected one of `openframe`, `crm-connector`, \
             `agentdesktop`, `axp`, `xuc`"
        )
    );
    assert_eq!(
        error(json!({"allowedHostOrigins": [], "outboxCapacity": -1})),
        pair(
            "outboxCapacity",
            "invalid value: integer `-1`, expected usize"
        )
    );
    assert_eq!(
        error(json!({"allowedHostOrigins": [], "pauseReasons": [{"id": "p"}]})),
        pair("pauseReasons[0]", "missing field `label`")
    );
    assert_eq!(
        error(json!({"allowedHostOrigins": [], "multiTab": "all"})),
        pair(
            "multiTab",
            "unknown variant `all`, expected `shared` or `independent`"
        )
    );
    // Settings are read in the order above: the first wrong one is reported.
    assert_eq!(
        error(json!({"allowedHostOrigins": [], "trace": 1, "allowInject": 1})).0,
        "allowInject"
    );
    assert_eq!(
        error(json!({"trace": 1})),
        pair(".", "missing field `allowedHostOrigins`")
    );
}
