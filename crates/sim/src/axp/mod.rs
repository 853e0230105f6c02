//! The Avaya Experience Platform simulator: the Notification REST API and
//! the Agent & Engagement WebSocket (docs/protocols.md#axp).

pub mod rest;
pub mod socket;
pub mod subscription;

use super::state::Shared;
use std::sync::Arc;
use std::time::Duration;

/// How often subscription expiry is checked.
const REAP_EVERY: Duration = Duration::from_millis(50);

/// Turns subscriptions INACTIVE when `expiresIn` runs out (runs for the whole run).
pub async fn reaper(shared: Arc<Shared>) {
    let mut tick = tokio::time::interval(REAP_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let expired = {
            let mut guard = shared.lock();
            let st = &mut *guard;
            let n = st.axp.reap(&st.sessions);
            st.stats.axp.subscriptions_expired += n;
            n
        };
        if expired > 0 {
            shared.log(format!("axp: {expired} subscription(s) expired"));
        }
    }
}
