//! The TypeScript declarations of the JS-facing types are generated from the
//! Rust types (ts-rs) and shipped as `www/cti-bridge-types.d.ts`. This test
//! fails when that file is out of date; `UPDATE_TYPES=1 cargo test --test
//! typescript` rewrites it.

use cti_bridge::bridge::{CrmRequest, Output, Stats};
use cti_bridge::channel::{Dropped, LinkStatus, WidgetEvent};
use cti_bridge::client::{Fault, Health, HealthState};
use cti_bridge::command::{Cause, Command, CommandStatus, Desired};
use cti_bridge::diagnose::{
    Check, CheckId, CheckStatus, LogEntry, LogLevel, LogQuery, Report, Versions,
};
use cti_bridge::model::*;
use cti_bridge::sync::{
    AgentSnapshot, InteractionSnapshot, Mode, PresenceSnapshot, Snapshot, WorkItemSnapshot,
};
use ts_rs::{Config, TS};

fn declarations() -> String {
    // JavaScript receives every integer as a number.
    let cfg = Config::default().with_large_int("number");
    let decls = [
        Source::decl(&cfg),
        Side::decl(&cfg),
        Event::decl(&cfg),
        EventBody::decl(&cfg),
        AgentStateKind::decl(&cfg),
        PresenceChannel::decl(&cfg),
        WorkItemPhase::decl(&cfg),
        DocumentRef::decl(&cfg),
        InteractionPhase::decl(&cfg),
        Direction::decl(&cfg),
        ConnectionStatus::decl(&cfg),
        DirectoryEntry::decl(&cfg),
        DirectoryKind::decl(&cfg),
        QueueMembership::decl(&cfg),
        PopField::decl(&cfg),
        CallbackAction::decl(&cfg),
        ParticipantRole::decl(&cfg),
        Desired::decl(&cfg),
        CommandStatus::decl(&cfg),
        Cause::decl(&cfg),
        Command::decl(&cfg),
        CrmRequest::decl(&cfg),
        Output::decl(&cfg),
        Stats::decl(&cfg),
        Mode::decl(&cfg),
        AgentSnapshot::decl(&cfg),
        PresenceSnapshot::decl(&cfg),
        WorkItemSnapshot::decl(&cfg),
        InteractionSnapshot::decl(&cfg),
        Snapshot::decl(&cfg),
        HealthState::decl(&cfg),
        Fault::decl(&cfg),
        Health::decl(&cfg),
        LinkStatus::decl(&cfg),
        Dropped::decl(&cfg),
        WidgetEvent::decl(&cfg),
        CheckId::decl(&cfg),
        CheckStatus::decl(&cfg),
        Check::decl(&cfg),
        Versions::decl(&cfg),
        Report::decl(&cfg),
        LogLevel::decl(&cfg),
        LogEntry::decl(&cfg),
        LogQuery::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust types by tests/typescript.rs (ts-rs). Do not edit.\n\
         // JsonValue is any JSON value.\n\
         export type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };\n\n",
    );
    // ts-rs names a type after its serde tag value (`command`); the
    // TypeScript type keeps the Rust name.
    for d in decls {
        let d = d
            .replace("type command = ", "type Command = ")
            .replace("type crmRequest = ", "type CrmRequest = ")
            .replace("type snapshot = ", "type Snapshot = ")
            .replace(
                "Event | command | crmRequest",
                "Event | Command | CrmRequest",
            )
            .replace("Array<command>", "Array<Command>");
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out
}

#[test]
fn typescript_declarations_are_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/www/cti-bridge-types.d.ts");
    let fresh = declarations();
    if std::env::var_os("UPDATE_TYPES").is_some() {
        std::fs::write(path, &fresh).expect("write declarations");
        return;
    }
    let shipped = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        shipped == fresh,
        "www/cti-bridge-types.d.ts is out of date: run UPDATE_TYPES=1 cargo test --test typescript"
    );
}
