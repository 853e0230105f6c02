//! Right profiles (docs/protocols.md#xuc-profiles): which events a user receives.

use super::config::UserConfig;
use std::collections::BTreeSet;

/// The kind of profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileKind {
    /// Receives every event (also the behaviour when no profile is set).
    Admin,
    /// Receives agent events of its groups and queue events of its queues.
    Supervisor,
    /// A plain agent: events about its own agent only.
    NoRight,
}

/// A user's profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Kind.
    pub kind: ProfileKind,
    /// Extra rights, as sent in `RightProfile`.
    pub rights: Vec<String>,
    /// Supervisor: queues.
    pub queues: BTreeSet<i64>,
    /// Supervisor: agent groups.
    pub groups: BTreeSet<i64>,
}

impl Profile {
    /// The profile of a configured user.
    pub fn of(user: &UserConfig) -> Profile {
        let kind = match user.profile.as_deref() {
            Some("Supervisor") => ProfileKind::Supervisor,
            Some("NoRight") => ProfileKind::NoRight,
            _ => ProfileKind::Admin,
        };
        Profile {
            kind,
            rights: user.rights.clone(),
            queues: user.queues.iter().copied().collect(),
            groups: user.groups.iter().copied().collect(),
        }
    }

    /// The name sent in `RightProfile`.
    pub fn name(&self) -> &'static str {
        match self.kind {
            ProfileKind::Admin => "Admin",
            ProfileKind::Supervisor => "Supervisor",
            ProfileKind::NoRight => "NoRight",
        }
    }
}
