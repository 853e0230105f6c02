//! Fault injection shared by both simulators: the faults, their text form
//! (`[axp:|xuc:]NAME[=COUNT]`) and the register of armed faults.
//!
//! A fault is *armed* (from `--fault`, the control endpoint, a scenario line
//! or the stdin feed) and *fires* at its trigger point: a live session takes
//! the session faults, the next authentication takes the authentication
//! faults, and `restart` fires at once. Each arming fires `count` times.

use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// The protocol a session speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Proto {
    /// Avaya Experience Platform notifications.
    Axp,
    /// XiVO xuc CTI.
    Xuc,
}

impl Proto {
    /// `axp` or `xuc`.
    pub fn as_str(self) -> &'static str {
        match self {
            Proto::Axp => "axp",
            Proto::Xuc => "xuc",
        }
    }

    /// Parses `axp` or `xuc` (any case).
    pub fn parse(text: &str) -> Option<Proto> {
        match text.trim().to_ascii_lowercase().as_str() {
            "axp" => Some(Proto::Axp),
            "xuc" => Some(Proto::Xuc),
            _ => None,
        }
    }
}

/// One injectable fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fault {
    /// Close a live socket abruptly (no close frame).
    Drop,
    /// AXP: answer the next authentication `CONNECTION_FAILED_INTERNAL_SERVER_ERROR`;
    /// xuc: answer the next REST login 503.
    RefuseAuth,
    /// Refuse the next valid token once (AXP `CONNECTION_FAILED_INVALID_TOKEN`,
    /// xuc `Error` frame and close).
    RejectToken,
    /// AXP: turn the live session's subscription INACTIVE now and close its socket.
    ExpireSubscription,
    /// AXP: the live session stops answering pings and sending anything.
    StallPongs,
    /// xuc: the live session stops receiving heartbeats (and sending anything),
    /// so the three-miss rule closes it.
    StallHeartbeats,
    /// Send one frame that is not valid JSON.
    Malformed,
    /// Send one frame larger than the 256 KiB message limit.
    Oversized,
    /// Send the last event again (AXP: the same notification, same body `id`).
    Replay,
    /// Drop every socket, subscription, token and agent state; refuse
    /// requests for the restart downtime.
    Restart,
}

impl Fault {
    /// Every fault, in documentation order.
    pub const ALL: [Fault; 10] = [
        Fault::Drop,
        Fault::RefuseAuth,
        Fault::RejectToken,
        Fault::ExpireSubscription,
        Fault::StallPongs,
        Fault::StallHeartbeats,
        Fault::Malformed,
        Fault::Oversized,
        Fault::Replay,
        Fault::Restart,
    ];

    /// The fault's name (`drop`, `refuse-auth` ...).
    pub fn name(self) -> &'static str {
        match self {
            Fault::Drop => "drop",
            Fault::RefuseAuth => "refuse-auth",
            Fault::RejectToken => "reject-token",
            Fault::ExpireSubscription => "expire-subscription",
            Fault::StallPongs => "stall-pongs",
            Fault::StallHeartbeats => "stall-heartbeats",
            Fault::Malformed => "malformed",
            Fault::Oversized => "oversized",
            Fault::Replay => "replay",
            Fault::Restart => "restart",
        }
    }

    /// Parses a name; case, `-` and `_` do not count (`stall_pongs`, `StallPongs`).
    pub fn parse(text: &str) -> Option<Fault> {
        let key: String = text
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .flat_map(char::to_lowercase)
            .collect();
        Fault::ALL
            .into_iter()
            .find(|f| f.name().replace('-', "") == key)
    }

    /// Whether the fault means something for `proto`.
    pub fn applies_to(self, proto: Proto) -> bool {
        match self {
            Fault::ExpireSubscription | Fault::StallPongs => proto == Proto::Axp,
            Fault::StallHeartbeats => proto == Proto::Xuc,
            _ => true,
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A fault to arm: which, for which protocol (both when absent), how many times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultSpec {
    /// The fault.
    pub fault: Fault,
    /// Only sessions of this protocol take it; any protocol when `None`.
    pub proto: Option<Proto>,
    /// How many times it fires (at least 1).
    pub count: u32,
}

impl FaultSpec {
    /// One firing of `fault` for any protocol.
    pub fn once(fault: Fault) -> FaultSpec {
        FaultSpec {
            fault,
            proto: None,
            count: 1,
        }
    }

    /// The same fault restricted to `proto`.
    pub fn for_proto(mut self, proto: Proto) -> FaultSpec {
        self.proto = Some(proto);
        self
    }

    /// The same fault firing `count` times.
    pub fn times(mut self, count: u32) -> FaultSpec {
        self.count = count.max(1);
        self
    }
}

impl FromStr for FaultSpec {
    type Err = String;

    /// `[axp:|xuc:]NAME[=COUNT]`, e.g. `drop`, `axp:replay`, `xuc:drop=2`.
    fn from_str(text: &str) -> Result<FaultSpec, String> {
        let t = text.trim();
        let (proto, rest) = match t.split_once(':') {
            Some((p, rest)) => (
                Some(Proto::parse(p).ok_or_else(|| {
                    format!("fault `{text}`: unknown protocol `{p}` (expected axp or xuc)")
                })?),
                rest,
            ),
            None => (None, t),
        };
        let (name, count) = match rest.split_once('=') {
            Some((n, c)) => {
                let count: u32 = c.trim().parse().ok().filter(|c| *c > 0).ok_or_else(|| {
                    format!("fault `{text}`: count `{c}` is not a positive integer")
                })?;
                (n, count)
            }
            None => (rest, 1),
        };
        let fault = Fault::parse(name).ok_or_else(|| {
            let known: Vec<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
            format!(
                "unknown fault `{}` (known: {})",
                name.trim(),
                known.join(", ")
            )
        })?;
        if let Some(p) = proto {
            if !fault.applies_to(p) {
                return Err(format!("fault `{fault}` does not apply to {}", p.as_str()));
            }
        }
        Ok(FaultSpec {
            fault,
            proto,
            count,
        })
    }
}

impl fmt::Display for FaultSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = self.proto {
            write!(f, "{}:", p.as_str())?;
        }
        write!(f, "{}", self.fault)?;
        if self.count != 1 {
            write!(f, "={}", self.count)?;
        }
        Ok(())
    }
}

/// The armed faults and how often each has fired.
#[derive(Debug, Default)]
pub struct Faults {
    armed: Vec<FaultSpec>,
    fired: BTreeMap<&'static str, u64>,
}

impl Faults {
    /// Arms a fault (`restart` is carried out by the caller, not armed).
    pub fn arm(&mut self, spec: FaultSpec) {
        if let Some(same) = self
            .armed
            .iter_mut()
            .find(|s| s.fault == spec.fault && s.proto == spec.proto)
        {
            same.count = same.count.saturating_add(spec.count);
        } else {
            self.armed.push(spec);
        }
    }

    /// Fires `fault` for a `proto` session if one is armed; returns whether it did.
    pub fn take(&mut self, fault: Fault, proto: Proto) -> bool {
        let Some(i) = self
            .armed
            .iter()
            .position(|s| s.fault == fault && s.proto.is_none_or(|p| p == proto))
        else {
            return false;
        };
        if let Some(spec) = self.armed.get_mut(i) {
            spec.count = spec.count.saturating_sub(1);
            if spec.count == 0 {
                self.armed.remove(i);
            }
        }
        self.record(fault);
        true
    }

    /// Whether `fault` is armed for a `proto` session.
    pub fn is_armed(&self, fault: Fault, proto: Proto) -> bool {
        self.armed
            .iter()
            .any(|s| s.fault == fault && s.proto.is_none_or(|p| p == proto))
    }

    /// Counts one firing of `fault` (faults that fire without being armed).
    pub fn record(&mut self, fault: Fault) {
        *self.fired.entry(fault.name()).or_insert(0) += 1;
    }

    /// The armed faults, as text.
    pub fn armed(&self) -> Vec<String> {
        self.armed.iter().map(ToString::to_string).collect()
    }

    /// Firings per fault name.
    pub fn fired(&self) -> &BTreeMap<&'static str, u64> {
        &self.fired
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_print() {
        let s: FaultSpec = "axp:drop=3".parse().unwrap();
        assert_eq!(
            s,
            FaultSpec::once(Fault::Drop).for_proto(Proto::Axp).times(3)
        );
        assert_eq!(s.to_string(), "axp:drop=3");
        let s: FaultSpec = "Stall_Pongs".parse().unwrap();
        assert_eq!(s.fault, Fault::StallPongs);
        assert!("xuc:stall-pongs".parse::<FaultSpec>().is_err());
        assert!("drop=0".parse::<FaultSpec>().is_err());
        assert!("sip:drop".parse::<FaultSpec>().is_err());
        assert!("explode".parse::<FaultSpec>().is_err());
        for f in Fault::ALL {
            assert_eq!(Fault::parse(f.name()), Some(f));
        }
    }

    #[test]
    fn armed_faults_fire_count_times_for_their_protocol() {
        let mut faults = Faults::default();
        faults.arm(FaultSpec::once(Fault::Drop).for_proto(Proto::Xuc).times(2));
        assert!(!faults.take(Fault::Drop, Proto::Axp));
        assert!(faults.take(Fault::Drop, Proto::Xuc));
        assert!(faults.is_armed(Fault::Drop, Proto::Xuc));
        assert!(faults.take(Fault::Drop, Proto::Xuc));
        assert!(!faults.take(Fault::Drop, Proto::Xuc));
        assert_eq!(faults.fired().get("drop"), Some(&2));
        faults.arm(FaultSpec::once(Fault::Replay));
        assert!(faults.take(Fault::Replay, Proto::Axp));
        assert!(faults.armed().is_empty());
    }
}
