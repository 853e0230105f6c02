//! Shared by the live-client tests: pick the actions of one kind out of what
//! a client asked for.
#![allow(dead_code)]

use cti_bridge::client::{Action, HealthState, HttpRequest};
use serde_json::Value;

pub fn http(actions: &[Action]) -> Vec<HttpRequest> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Http(r) => Some(r.clone()),
            _ => None,
        })
        .collect()
}

pub fn sent(actions: &[Action]) -> Vec<Value> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Send { frame, .. } => Some(frame.expose().clone()),
            _ => None,
        })
        .collect()
}

pub fn closed(actions: &[Action]) -> Vec<u32> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Close { id, .. } => Some(*id),
            _ => None,
        })
        .collect()
}

pub fn healths(actions: &[Action]) -> Vec<(HealthState, String, Option<u64>)> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Health(h) => Some((h.state, h.reason.clone(), h.retry_in_ms)),
            _ => None,
        })
        .collect()
}

pub fn states(actions: &[Action]) -> Vec<HealthState> {
    healths(actions).into_iter().map(|h| h.0).collect()
}

pub fn timer(actions: &[Action]) -> Option<u64> {
    actions.iter().rev().find_map(|a| match a {
        Action::Timer { after_ms } => Some(*after_ms),
        _ => None,
    })
}
