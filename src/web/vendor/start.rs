//! `startVendor`: finds the SDK objects, checks they have what the
//! configuration needs, binds their events and starts the live client.

use super::*;

/// Starts the vendor integration: detects (or is told) which SDK objects
/// are on the page, binds their events and calls `onOutput(item)` with
/// every event, command, `vendorCall` and `vendorNotice`. With a
/// `contactCentre` in the config, a live AXP / xuc client is the contact
/// centre (OpenFrame + xuc, say): `credentials(what)` answers its ask for a
/// `"token"` (AXP) or a `"login"` (`{login, password}`, xuc).
#[wasm_bindgen(js_name = startVendor)]
pub fn start_vendor(
    config: JsValue,
    on_output: js_sys::Function,
    credentials: Option<js_sys::Function>,
) -> Result<Vendor, JsError> {
    let config: VendorConfig = if config.is_undefined() || config.is_null() {
        VendorConfig::default()
    } else {
        crate::web::from_js_as(&config).map_err(|e| JsError::new(&format!("config: {e}")))?
    };
    let live_options = match &config.contact_centre {
        Some(value) => Some(Options::parse(value).map_err(|e| JsError::new(&e))?),
        None => None,
    };
    let openframe = global("openFrameAPI");
    // A configured contact centre is the contact-centre side: AgentDesktop
    // on the page is then left alone (forcing both is refused below).
    let agentdesktop = global("AGENTDESKTOP").filter(|_| {
        live_options.is_none()
            || config
                .vendors
                .as_ref()
                .is_some_and(|v| v.contains(&Source::Agentdesktop))
    });
    if live_options.is_some()
        && config
            .vendors
            .as_ref()
            .is_some_and(|v| v.contains(&Source::Agentdesktop))
    {
        return Err(JsError::new(
            "contactCentre and AgentDesktop are both contact centres: use one",
        ));
    }
    let vendors = match &config.vendors {
        Some(forced) => {
            for v in forced {
                let present = match v {
                    Source::Openframe => openframe.is_some(),
                    Source::Agentdesktop => agentdesktop.is_some(),
                    other => return Err(JsError::new(&format!("`{other}` is not an in-page SDK"))),
                };
                if !present {
                    return Err(JsError::new(&format!(
                        "vendor `{v}` forced but its SDK object is not on the page"
                    )));
                }
            }
            forced.clone()
        }
        None => [
            (Source::Openframe, openframe.is_some()),
            (Source::Agentdesktop, agentdesktop.is_some()),
        ]
        .into_iter()
        .filter_map(|(s, present)| present.then_some(s))
        .collect(),
    };
    if vendors.is_empty() {
        return Err(JsError::new(
            "no vendor SDK on the page (openFrameAPI, AGENTDESKTOP)",
        ));
    }
    // Every SDK function the configuration will call must be there now: a
    // missing one (an unconfirmed name, say) fails here, naming it, instead
    // of failing silently at the first call (docs/protocols.md#unconfirmed).
    check_functions(&required_functions(&config, &vendors), |f| {
        let root = match f.vendor {
            Source::Openframe => openframe.as_ref(),
            _ => agentdesktop.as_ref(),
        };
        root.is_some_and(|root| method(root, f.path).is_some())
    })
    .map_err(|e| JsError::new(&e.to_string()))?;
    let hub = VendorHub::new(&config, vendors.clone()).map_err(|e| JsError::new(&e))?;
    let shared = Rc::new(Shared {
        state: RefCell::new(State {
            hub,
            live: None,
            on_output,
            openframe: openframe.filter(|_| vendors.contains(&Source::Openframe)),
            agentdesktop: agentdesktop.filter(|_| vendors.contains(&Source::Agentdesktop)),
            init_settled: false,
        }),
        relays: RefCell::new(Vec::new()),
        init_timeout: RefCell::new(None),
    });
    let weak = Rc::downgrade(&shared);

    if let Some(options) = live_options {
        let source = options.source;
        let (mode, mut bridge_config) =
            VendorHub::bridge_config(&config, &vendors).map_err(|e| JsError::new(&e))?;
        bridge_config.cc.source.get_or_insert(source);
        let what = if source == Source::Axp {
            "token"
        } else {
            "login"
        };
        let provider: crate::web::live::Provider = Box::new(move || match &credentials {
            Some(f) => f.call1(&JsValue::NULL, &JsValue::from_str(what)),
            None => Err(JsValue::from_str(
                "startVendor was given no credentials function",
            )),
        });
        let client = options.client().map_err(|e| JsError::new(&e))?;
        let core = Core::live(
            client,
            crate::web::new_bridge(mode, bridge_config),
            live_sink(weak.clone(), source),
            provider,
        );
        shared.state.borrow_mut().live = Some(Rc::new(core));
    }

    let ad = shared.state.borrow().agentdesktop.clone();
    if let Some(ad) = ad {
        let (widget, bind) = method(&ad, &["WIDGET", "bindContactCallback"])
            .ok_or_else(|| JsError::new("AGENTDESKTOP.WIDGET.bindContactCallback missing"))?;
        let w = weak.clone();
        let relay =
            Relay::with_args(move |args| feed(&w, Source::Agentdesktop, contact_event(args)));
        bind.call1(&widget, &relay.func)
            .map_err(|e| JsError::new(&format!("bindContactCallback threw: {e:?}")))?;
        shared.relays.borrow_mut().push(relay);
        deliver(
            &shared,
            notice(
                Source::Agentdesktop,
                "ready",
                "contact callback bound".into(),
            ),
        );
    }

    let of = shared.state.borrow().openframe.clone();
    if let Some(of) = of {
        start_openframe(&shared, &of, &config);
    }

    let w = weak.clone();
    let ticker = Handle::every(TICK_MS, move || {
        if let Some(shared) = w.upgrade() {
            let live = shared.state.borrow().live.clone();
            match live {
                Some(core) => {
                    let done = core.tick();
                    run_live(&shared, &core, done);
                }
                None => {
                    let step = shared.state.borrow_mut().hub.tick(now());
                    deliver(&shared, step);
                }
            }
        }
    });
    let live = shared.state.borrow().live.clone();
    if let Some(core) = live {
        core.start();
    }
    Ok(Vendor {
        shared,
        _ticker: ticker,
    })
}

/// `openFrameAPI.init(config, ok, fail)` with a time-out; on success the five
/// AWA events and `COMMUNICATION_EVENT` are subscribed.
fn start_openframe(shared: &Rc<Shared>, of: &JsValue, config: &VendorConfig) {
    let weak = Rc::downgrade(shared);
    let Some((api, init)) = method(of, &["init"]) else {
        deliver(
            shared,
            notice(
                Source::Openframe,
                "failed",
                "openFrameAPI.init missing".into(),
            ),
        );
        return;
    };
    let Ok(init_config) = to_js(config.openframe_init.as_ref().unwrap_or(&json!({}))) else {
        deliver(
            shared,
            notice(
                Source::Openframe,
                "failed",
                "openframeInit: not serializable".into(),
            ),
        );
        return;
    };

    let w = weak.clone();
    let ok = Relay::new(move |_| {
        let Some(shared) = settle(&w, false) else {
            return;
        };
        subscribe_all(&shared, &w);
    });
    let w = weak.clone();
    let fail = Relay::new(move |error| {
        let text = error
            .as_string()
            .or_else(|| {
                js_sys::JSON::stringify(&error)
                    .ok()
                    .and_then(|s| s.as_string())
            })
            .unwrap_or_else(|| "init failed".into());
        init_failed(&w, "failed", format!("init: {text}"));
    });
    let (ok_fn, fail_fn) = (ok.func.clone(), fail.func.clone());
    shared.relays.borrow_mut().extend([ok, fail]);

    let w = weak.clone();
    let timeout_ms = config.init_timeout_ms.unwrap_or(INIT_TIMEOUT_MS);
    *shared.init_timeout.borrow_mut() = Some(Handle::after(timeout_ms, move || {
        init_failed(
            &w,
            "timeout",
            format!("openFrameAPI.init did not answer in {timeout_ms} ms"),
        );
    }));
    if let Err(e) = init.call3(&api, &init_config, &ok_fn, &fail_fn) {
        init_failed(&weak, "failed", format!("init threw: {e:?}"));
    }
}

/// The first answer of `openFrameAPI.init` (later ones are ignored): marks
/// it settled and, unless it is the time-out itself, stops the time-out.
fn settle(weak: &Weak<Shared>, timed_out: bool) -> Option<Rc<Shared>> {
    let shared = weak.upgrade()?;
    let already = std::mem::replace(&mut shared.state.borrow_mut().init_settled, true);
    if !timed_out {
        shared.init_timeout.borrow_mut().take();
    }
    (!already).then_some(shared)
}

/// `openFrameAPI.init` failed, threw or timed out (`level`): a notice, if it
/// is the first answer.
fn init_failed(weak: &Weak<Shared>, level: &'static str, text: String) {
    if let Some(shared) = settle(weak, level == "timeout") {
        deliver(&shared, notice(Source::Openframe, level, text));
    }
}

/// Subscribes the five AWA events by name and `EVENTS.COMMUNICATION_EVENT`.
fn subscribe_all(shared: &Rc<Shared>, weak: &Weak<Shared>) {
    let Some(of) = shared.state.borrow().openframe.clone() else {
        return;
    };
    let Some((api, subscribe)) = method(&of, &["subscribe"]) else {
        deliver(
            shared,
            notice(
                Source::Openframe,
                "failed",
                "openFrameAPI.subscribe missing".into(),
            ),
        );
        return;
    };
    let mut problems = Vec::new();
    for name in crate::codec::openframe::EVENTS {
        let w = weak.clone();
        let relay = Relay::new(move |data| {
            let raw = from_js(data)
                .map(|data| json!({"event": name, "data": data}))
                .map_err(|e| e.to_string());
            feed(&w, Source::Openframe, raw);
        });
        if let Err(e) = subscribe.call2(&api, &name.into(), &relay.func) {
            problems.push(format!("subscribe {name} threw: {e:?}"));
        }
        shared.relays.borrow_mut().push(relay);
    }
    let comm = js_sys::Reflect::get(&of, &"EVENTS".into())
        .ok()
        .and_then(|events| js_sys::Reflect::get(&events, &"COMMUNICATION_EVENT".into()).ok())
        .filter(|v| !v.is_undefined());
    match comm {
        Some(comm) => {
            let w = weak.clone();
            let relay = Relay::new(move |event| {
                let Some(shared) = w.upgrade() else { return };
                let step = match from_js(event) {
                    Ok(event) => shared.state.borrow_mut().hub.communication_event(&event),
                    Err(e) => notice(Source::Openframe, "error", e.to_string()),
                };
                deliver(&shared, step);
            });
            if let Err(e) = subscribe.call2(&api, &comm, &relay.func) {
                problems.push(format!("subscribe COMMUNICATION_EVENT threw: {e:?}"));
            }
            shared.relays.borrow_mut().push(relay);
        }
        None => problems.push("openFrameAPI.EVENTS.COMMUNICATION_EVENT missing".into()),
    }
    let mut step = notice(
        Source::Openframe,
        "ready",
        "init succeeded; events subscribed".into(),
    );
    step.notices.extend(problems.into_iter().map(|text| Notice {
        source: Source::Openframe,
        level: "error",
        text,
    }));
    deliver(shared, step);
}
