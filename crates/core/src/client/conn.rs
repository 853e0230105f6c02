//! One connection skeleton for both live clients.
//!
//! [`Conn`] owns the [`Link`] (ids, output, health, phase, timer table) and
//! does everything that does not depend on the protocol: the input
//! dispatch, start / stop, back-off retries, restarts, giving up, sleep and
//! online / visible handling, and arming the one driver timer from the
//! [`super::timer::TimerTable`]. What a protocol says and understands sits
//! behind [`Protocol`], in the manner of quinn-proto: `handle_*` methods
//! take one input (with the [`Link`] to write actions to) and return the
//! [`Next`] transition for the skeleton to make; `poll_attempt` says what
//! the next attempt is.

use super::link::{Link, Phase, Step};
use super::timer::Timer;
use super::{Action, HealthState, HttpRequest, Input, Secret, Target, Timing};
use serde_json::Value;

/// The transition a protocol handler asks the skeleton for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Next {
    /// Nothing more.
    Stay,
    /// Go on with `step` at once (an answer came; the next step follows).
    Begin(Step),
    /// Drop the current attempt and start `step` at once (the reason is shown).
    Restart(Step, String),
    /// Drop the current attempt and start `step` after a back-off delay.
    Retry(Step, String),
    /// Give up: `failed`.
    Fail(String),
    /// The provider's answer is unusable: as if it had not answered (the reason says why).
    #[cfg_attr(not(feature = "axp"), allow(dead_code))]
    Unanswered(String),
}

/// What the next attempt is, as a protocol sees it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Attempt {
    /// Ask the host's provider first.
    Ask {
        /// The health reason (`asking the host for a token`).
        reason: &'static str,
    },
    /// Make this REST request (its id from [`Link::id`]).
    Request {
        /// The request.
        request: HttpRequest,
        /// The health reason (`logging in`).
        reason: &'static str,
    },
    /// Open a socket to `url`.
    Open {
        /// The socket URL.
        url: Target,
        /// The health reason (`opening the socket`).
        reason: &'static str,
    },
}

/// The protocol side of a live client: its inputs, what it sends, and what
/// keeps it degraded. Every handler may write actions to the [`Link`] and
/// set or stop its own timers there.
pub(crate) trait Protocol {
    /// What the host's provider gives, in health reasons (`token`, `credentials`).
    const ASKS: &'static str;
    /// The REST request before the socket, in health reasons (`subscription`, `login`).
    const REQUEST: &'static str;

    /// The host starts the client (again): forget the one-shot retries.
    fn handle_start(&mut self);

    /// The host stops the client; the socket is already closed.
    fn handle_stop(&mut self, _link: &mut Link) {}

    /// The step actually to take when `step` is asked for (AXP: a new
    /// subscription when the old one expired; xuc: log in without a token).
    fn poll_step(&self, _link: &Link, _now: u64, step: Step) -> Step {
        step
    }

    /// What to do for `step` now (a request, a socket, or asking the host).
    fn poll_attempt(&mut self, link: &mut Link, now: u64, step: Step) -> Attempt;

    /// The token provider answered.
    fn handle_token(&mut self, _link: &mut Link, _now: u64, _token: Secret) -> Next {
        Next::Stay
    }

    /// The credentials provider answered.
    fn handle_credentials(
        &mut self,
        _link: &mut Link,
        _now: u64,
        _login: String,
        _password: Secret,
    ) -> Next {
        Next::Stay
    }

    /// The provider could not answer, while not waiting for it to start.
    fn handle_no_token(&mut self, _link: &mut Link, _now: u64, _reason: &str) -> Next {
        Next::Stay
    }

    /// A REST call `id` finished (`status` none: no HTTP answer).
    fn handle_http(
        &mut self,
        link: &mut Link,
        now: u64,
        id: u32,
        status: Option<u16>,
        body: Option<Value>,
    ) -> Next;

    /// The socket `sock` opened: authenticate ([`Link::authenticating`]).
    fn handle_open(&mut self, link: &mut Link, now: u64, sock: u32) -> Next;

    /// The socket closed (opening or open).
    fn handle_close(&mut self, link: &mut Link, now: u64, code: u16) -> Next;

    /// A frame on the open socket.
    fn handle_frame(&mut self, link: &mut Link, now: u64, value: Value) -> Next;

    /// A frame on the socket refused before decoding.
    fn handle_refused(&mut self, _link: &mut Link, _now: u64) -> Next {
        Next::Stay
    }

    /// The opening or authentication deadline passed.
    fn handle_timeout(&mut self, link: &mut Link, now: u64) -> Next;

    /// The timer fired while the socket is open (no phase deadline due).
    fn handle_tick(&mut self, link: &mut Link, now: u64) -> Next;

    /// Back online or visible while live: check that the link survived.
    fn poll_probe(&mut self, link: &mut Link, now: u64);

    /// What keeps a live link `degraded`, if anything.
    fn trouble(&self) -> Option<&'static str> {
        None
    }

    /// Whether a timer that is set also counts now (default: all do).
    fn counts(&self, _link: &Link, _timer: Timer) -> bool {
        true
    }
}

/// A live client: the skeleton and its protocol.
#[derive(Debug, Clone)]
pub(crate) struct Conn<P> {
    /// The shared state.
    pub link: Link,
    /// The protocol's state.
    pub proto: P,
}

impl<P: Protocol> Conn<P> {
    /// A client speaking `proto`.
    pub fn new(timing: Timing, seed: u64, proto: P) -> Self {
        Conn {
            link: Link::new(timing, seed),
            proto,
        }
    }

    /// Feeds one input at time `now` (ms); returns what to do.
    pub fn handle(&mut self, now: u64, input: Input) -> Vec<Action> {
        let link = &mut self.link;
        if link.phase().active() && link.jumped(now) && !matches!(input, Input::Start | Input::Stop)
        {
            self.wake(now, "the machine woke from sleep");
        }
        let link = &mut self.link;
        let proto = &mut self.proto;
        let next = match input {
            Input::Start => {
                self.start(now);
                Next::Stay
            }
            Input::Stop => {
                link.close_socket("stopped by the host");
                proto.handle_stop(link);
                link.stopped();
                Next::Stay
            }
            Input::Token(token) => proto.handle_token(link, now, token),
            Input::Credentials { login, password } => {
                proto.handle_credentials(link, now, login, password)
            }
            Input::NoToken(reason) => self.no_answer(now, &reason),
            Input::HttpDone { id, status, body } => {
                proto.handle_http(link, now, id, Some(status), body)
            }
            Input::HttpFailed { id, .. } => proto.handle_http(link, now, id, None, None),
            Input::SocketOpened { id } => match link.phase() {
                Phase::Opening { sock } if sock == id => proto.handle_open(link, now, sock),
                _ => Next::Stay,
            },
            Input::SocketClosed { id, code, .. } if link.phase().socket() == Some(id) => {
                proto.handle_close(link, now, code)
            }
            Input::Frame { id, value } if link.phase().open_socket() == Some(id) => {
                proto.handle_frame(link, now, value)
            }
            Input::FrameRefused { id } if link.phase().socket() == Some(id) => {
                proto.handle_refused(link, now)
            }
            Input::SocketClosed { .. } | Input::Frame { .. } | Input::FrameRefused { .. } => {
                Next::Stay
            }
            Input::Tick => {
                link.fired();
                self.tick(now)
            }
            Input::Online => self.back(now, "the browser is back online"),
            Input::Visible => self.back(now, "the page is visible again"),
            Input::Offline => {
                link.offline = true;
                if link.phase().live() {
                    link.health(HealthState::Degraded, "the browser is offline", None);
                }
                Next::Stay
            }
        };
        self.apply(now, next);
        let deadline = self.next_deadline();
        self.link.arm(now, deadline);
        self.link.take()
    }

    /// The earliest deadline of the timers that run now.
    pub fn next_deadline(&self) -> Option<u64> {
        self.link
            .next_deadline(|t| self.proto.counts(&self.link, t))
    }

    /// Makes the transition a handler asked for.
    fn apply(&mut self, now: u64, next: Next) {
        match next {
            Next::Stay => {}
            Next::Begin(step) => self.begin(now, step, None),
            Next::Restart(step, reason) => self.restart(now, step, &reason),
            Next::Retry(step, reason) => self.link.retry(now, step, &reason),
            Next::Fail(reason) => self.link.fail(&reason),
            Next::Unanswered(reason) => {
                let next = self.no_answer(now, &reason);
                self.apply(now, next);
            }
        }
    }

    fn start(&mut self, now: u64) {
        if self.link.phase().active() {
            return;
        }
        self.proto.handle_start();
        self.link.backoff.reset();
        self.begin(now, Step::Request, None);
    }

    /// Takes `step`; `why` replaces its default health reason.
    fn begin(&mut self, now: u64, step: Step, why: Option<&str>) {
        let link = &mut self.link;
        link.timers.stop_connection();
        let step = self.proto.poll_step(link, now, step);
        let timing = &link.timing;
        let (request_by, open_by) = (
            now + timing.request_timeout_ms,
            now + timing.connect_timeout_ms,
        );
        let (phase, deadline, reason) = match self.proto.poll_attempt(link, now, step) {
            Attempt::Ask { reason } => {
                link.push(Action::NeedToken);
                (Phase::Provider { then: step }, request_by, reason)
            }
            Attempt::Request { request, reason } => {
                let req = request.id;
                link.push(Action::Http(request));
                (Phase::Requesting { req }, request_by, reason)
            }
            Attempt::Open { url, reason } => {
                let sock = link.id();
                link.push(Action::Open { id: sock, url });
                (Phase::Opening { sock }, open_by, reason)
            }
        };
        link.enter(phase, Some(deadline));
        link.progress(why.unwrap_or(reason));
    }

    /// Drops the current attempt and starts `then` at once.
    fn restart(&mut self, now: u64, then: Step, reason: &str) {
        self.link.drop_attempt(reason);
        self.begin(now, then, Some(reason));
    }

    /// The provider did not answer (or could not).
    fn no_answer(&mut self, now: u64, reason: &str) -> Next {
        match self.link.phase() {
            Phase::Provider { then } => {
                self.link.blame(super::Fault::of_provider(reason));
                Next::Retry(then, format!("no {} from the host: {reason}", P::ASKS))
            }
            _ => self.proto.handle_no_token(&mut self.link, now, reason),
        }
    }

    fn tick(&mut self, now: u64) -> Next {
        let link = &mut self.link;
        let due = link.timers.due(Timer::Phase, now);
        match link.phase() {
            Phase::Provider { .. } if due => {
                self.no_answer(now, "the provider did not answer in time")
            }
            Phase::Requesting { .. } if due => {
                link.blame(super::Fault::Unreachable);
                Next::Retry(
                    Step::Request,
                    format!("the {} request timed out", P::REQUEST),
                )
            }
            Phase::Opening { .. } | Phase::Authenticating { .. } if due => {
                self.proto.handle_timeout(link, now)
            }
            Phase::Waiting { then } if due => Next::Begin(then),
            Phase::Authenticating { .. } | Phase::Live { .. } => self.proto.handle_tick(link, now),
            _ => Next::Stay,
        }
    }

    /// A sign of the machine waking: whatever was in progress is stale.
    fn wake(&mut self, now: u64, reason: &str) {
        match self.link.phase() {
            Phase::Waiting { then } | Phase::Provider { then } => self.restart(now, then, reason),
            Phase::Requesting { .. } => self.restart(now, Step::Request, reason),
            Phase::Opening { .. } | Phase::Authenticating { .. } | Phase::Live { .. } => {
                self.restart(now, Step::Connect, reason)
            }
            Phase::Idle | Phase::Failed | Phase::Stopped => {}
        }
    }

    /// Online again / visible again: retry now if waiting, probe if live.
    fn back(&mut self, now: u64, reason: &str) -> Next {
        let was_offline = std::mem::replace(&mut self.link.offline, false);
        match self.link.phase() {
            Phase::Waiting { then } => Next::Restart(then, reason.to_owned()),
            Phase::Live { .. } => {
                self.proto.poll_probe(&mut self.link, now);
                if was_offline {
                    let trouble = self.proto.trouble();
                    self.link.report_live(reason, trouble);
                }
                Next::Stay
            }
            _ => Next::Stay,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A protocol that asks once, opens at once and goes live on any frame.
    #[derive(Debug, Default)]
    struct Mock {
        token: bool,
    }

    impl Protocol for Mock {
        const ASKS: &'static str = "token";
        const REQUEST: &'static str = "mock";

        fn handle_start(&mut self) {}

        fn poll_attempt(&mut self, _link: &mut Link, _now: u64, _step: Step) -> Attempt {
            match self.token {
                false => Attempt::Ask { reason: "asking" },
                true => Attempt::Open {
                    url: Target::plain("wss://mock.test/".into()),
                    reason: "opening",
                },
            }
        }

        fn handle_token(&mut self, link: &mut Link, _now: u64, _token: Secret) -> Next {
            self.token = true;
            match link.phase() {
                Phase::Provider { then } => Next::Begin(then),
                _ => Next::Stay,
            }
        }

        fn handle_http(
            &mut self,
            _: &mut Link,
            _: u64,
            _: u32,
            _: Option<u16>,
            _: Option<Value>,
        ) -> Next {
            Next::Stay
        }

        fn handle_open(&mut self, link: &mut Link, now: u64, sock: u32) -> Next {
            link.authenticating(sock, Some(now + 50), "authenticating");
            Next::Stay
        }

        fn handle_close(&mut self, _link: &mut Link, _now: u64, code: u16) -> Next {
            Next::Retry(Step::Connect, format!("closed {code}"))
        }

        fn handle_frame(&mut self, link: &mut Link, now: u64, _value: Value) -> Next {
            if link.go_live(now) {
                link.timers.set(Timer::Heartbeat, now + 30);
                link.report_live("live", None);
            }
            Next::Stay
        }

        fn handle_timeout(&mut self, _link: &mut Link, _now: u64) -> Next {
            Next::Fail("too slow".into())
        }

        fn handle_tick(&mut self, link: &mut Link, now: u64) -> Next {
            if link.timers.due(Timer::Heartbeat, now) {
                link.timers.set(Timer::Heartbeat, now + 30);
            }
            Next::Stay
        }

        fn poll_probe(&mut self, _link: &mut Link, _now: u64) {}
    }

    fn conn() -> Conn<Mock> {
        let timing = Timing {
            request_timeout_ms: 100,
            connect_timeout_ms: 200,
            backoff_base_ms: 10,
            backoff_max_ms: 10,
            ..Timing::default()
        };
        Conn::new(timing, 1, Mock::default())
    }

    fn states(actions: &[Action]) -> Vec<HealthState> {
        actions
            .iter()
            .filter_map(|a| match a {
                Action::Health(h) => Some(h.state),
                _ => None,
            })
            .collect()
    }

    fn timer(actions: &[Action]) -> Option<u64> {
        actions.iter().rev().find_map(|a| match a {
            Action::Timer { after_ms } => Some(*after_ms),
            _ => None,
        })
    }

    #[test]
    fn start_asks_the_provider_and_arms_its_deadline() {
        let mut c = conn();
        let out = c.handle(0, Input::Start);
        assert!(out.contains(&Action::NeedToken));
        assert_eq!(
            c.link.phase(),
            Phase::Provider {
                then: Step::Request
            }
        );
        assert_eq!(timer(&out), Some(100));
        assert_eq!(states(&out), [HealthState::Connecting]);
        // Started twice: nothing new.
        assert!(c.handle(1, Input::Start).is_empty());
    }

    #[test]
    fn a_silent_provider_means_back_off_then_a_new_attempt() {
        let mut c = conn();
        c.handle(0, Input::Start);
        let out = c.handle(100, Input::Tick);
        assert_eq!(
            c.link.phase(),
            Phase::Waiting {
                then: Step::Request
            }
        );
        let retry = out.iter().find_map(|a| match a {
            Action::Health(h) => Some((h.reason.clone(), h.retry_in_ms)),
            _ => None,
        });
        let (reason, delay) = retry.expect("a health report");
        assert_eq!(
            reason,
            "no token from the host: the provider did not answer in time"
        );
        let delay = delay.expect("a delay");
        assert_eq!(timer(&out), Some(delay));
        let out = c.handle(100 + delay, Input::Tick);
        assert!(out.contains(&Action::NeedToken));
    }

    #[test]
    fn open_authenticate_live_lost_and_stopped() {
        let mut c = conn();
        c.handle(0, Input::Start);
        let out = c.handle(1, Input::Token(Secret::new("t")));
        let sock = out
            .iter()
            .find_map(|a| match a {
                Action::Open { id, .. } => Some(*id),
                _ => None,
            })
            .expect("a socket");
        assert_eq!(c.link.phase(), Phase::Opening { sock });
        assert_eq!(c.next_deadline(), Some(201));
        c.handle(2, Input::SocketOpened { id: sock + 1 });
        assert_eq!(
            c.link.phase(),
            Phase::Opening { sock },
            "another socket's event"
        );
        c.handle(2, Input::SocketOpened { id: sock });
        assert_eq!(c.link.phase(), Phase::Authenticating { sock });
        assert_eq!(c.next_deadline(), Some(52));
        let out = c.handle(
            3,
            Input::Frame {
                id: sock,
                value: Value::Null,
            },
        );
        assert_eq!(c.link.phase(), Phase::Live { sock });
        assert_eq!(states(&out), [HealthState::Live]);
        assert_eq!(c.next_deadline(), Some(33), "only the heartbeat runs");
        let out = c.handle(
            4,
            Input::SocketClosed {
                id: sock,
                code: 1006,
                reason: String::new(),
            },
        );
        assert_eq!(
            c.link.phase(),
            Phase::Waiting {
                then: Step::Connect
            }
        );
        assert_eq!(states(&out), [HealthState::Reconnecting]);
        assert_eq!(
            c.link.timers.get(Timer::Heartbeat),
            None,
            "connection timers stop"
        );
        let out = c.handle(5, Input::Stop);
        assert_eq!(c.link.phase(), Phase::Stopped);
        assert!(out.contains(&Action::ClearTimer));
        assert_eq!(c.next_deadline(), None);
    }

    #[test]
    fn a_late_timer_means_the_machine_slept_and_the_attempt_restarts() {
        let mut c = conn();
        c.handle(0, Input::Start);
        c.handle(1, Input::Token(Secret::new("t")));
        let late = 201 + c.link.timing.wake_threshold_ms + 1;
        let out = c.handle(late, Input::Tick);
        let opened = out
            .iter()
            .filter(|a| matches!(a, Action::Open { .. }))
            .count();
        assert_eq!(opened, 1, "a new socket at once, no back-off");
        assert!(matches!(c.link.phase(), Phase::Opening { .. }));
    }

    #[test]
    fn an_opening_deadline_goes_to_the_protocol_and_failed_stays_until_start() {
        let mut c = conn();
        c.handle(0, Input::Start);
        c.handle(1, Input::Token(Secret::new("t")));
        let out = c.handle(201, Input::Tick);
        assert_eq!(c.link.phase(), Phase::Failed);
        assert_eq!(states(&out), [HealthState::Failed]);
        assert!(c.handle(300, Input::Tick).is_empty());
        c.handle(301, Input::Start);
        assert!(matches!(c.link.phase(), Phase::Opening { .. }));
    }

    #[test]
    fn offline_while_live_is_degraded_until_back_online() {
        let mut c = conn();
        c.handle(0, Input::Start);
        c.handle(1, Input::Token(Secret::new("t")));
        c.handle(2, Input::SocketOpened { id: 1 });
        c.handle(
            3,
            Input::Frame {
                id: 1,
                value: Value::Null,
            },
        );
        assert_eq!(
            states(&c.handle(4, Input::Offline)),
            [HealthState::Degraded]
        );
        assert_eq!(states(&c.handle(5, Input::Online)), [HealthState::Live]);
    }
}
