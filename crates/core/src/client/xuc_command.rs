//! Every agent-facing, phone and callback method of xuc's `cti.js` /
//! `callback.js` (docs/protocols.md#xuc-commands) as a typed command.
//!
//! Arguments are checked when the command is built ([`XucCommand::from_call`]
//! takes them as the JavaScript API would, positionally); a command that
//! exists is valid, and [`XucCommand::wire`] gives its frame
//! `{"claz": "web", "command": <name>, ...}` with the field names of xuc's
//! own `cti.js` / `callback.js`.

use serde_json::{Map, Value};
use thiserror::Error;

/// The xuc method table, written once: for each method its JavaScript
/// name, the Rust name of its wrapper, the wrapper's arguments, the
/// wrapper's doc, the [`XucCommand`] variant and how its arguments are
/// checked (`|a| ...` over the positional `Args`). Calls `$then!` with the
/// table; [`METHODS`], [`XucCommand::from_call`], [`XucCommand::name`] and
/// the browser's `XucClient` methods are derived from it.
#[macro_export]
macro_rules! xuc_commands {
    ($then:ident) => {
        $then! {
            loginAgent login_agent(phone_number, agent_id)
                "`loginAgent(phoneNumber, agentId?)`." LoginAgent
                |a| XucCommand::LoginAgent {
                    phone_number: a.dialable(0, "phoneNumber")?,
                    agent_id: a.opt_id(1, "agentId")?,
                };
            logoutAgent logout_agent(agent_id)
                "`logoutAgent(agentId?)`." LogoutAgent
                |a| XucCommand::LogoutAgent { agent_id: a.opt_id(0, "agentId")? };
            pauseAgent pause_agent(agent_id, reason)
                "`pauseAgent(agentId?, reason?)`." PauseAgent
                |a| XucCommand::PauseAgent {
                    agent_id: a.opt_id(0, "agentId")?,
                    reason: a.opt_text(1, "reason", 128)?,
                };
            unpauseAgent unpause_agent(agent_id)
                "`unpauseAgent(agentId?)`." UnpauseAgent
                |a| XucCommand::UnpauseAgent { agent_id: a.opt_id(0, "agentId")? };
            listenAgent listen_agent(agent_id)
                "`listenAgent(agentId)`." ListenAgent
                |a| XucCommand::ListenAgent { agent_id: a.id(0, "agentId")? };
            setAgentQueue set_agent_queue(agent_id, queue_id, penalty)
                "`setAgentQueue(agentId, queueId, penalty)`." SetAgentQueue
                |a| XucCommand::SetAgentQueue {
                    agent_id: a.id(0, "agentId")?,
                    queue_id: a.id(1, "queueId")?,
                    penalty: a.penalty(2)?,
                };
            removeAgentFromQueue remove_agent_from_queue(agent_id, queue_id)
                "`removeAgentFromQueue(agentId, queueId)`." RemoveAgentFromQueue
                |a| XucCommand::RemoveAgentFromQueue {
                    agent_id: a.id(0, "agentId")?,
                    queue_id: a.id(1, "queueId")?,
                };
            dialFromQueue dial_from_queue(destination, queue_id, caller_id, variables)
                "`dialFromQueue(destination, queueId, callerId, variables)`; `callerId` \
                 is a string or `{name, number}`; variables become `USR_` call data."
                DialFromQueue
                |a| dial_from_queue(a)?;
            dial dial(destination, variables)
                "`dial(destination, variables?)`: call from the user's phone; variables \
                 become `USR_` call data." Dial
                |a| XucCommand::Dial {
                    destination: a.dialable(0, "destination")?,
                    variables: a.opt_variables(1)?,
                };
            dialFromMobile dial_from_mobile(destination, variables)
                "`dialFromMobile(destination, variables?)`: call from the user's mobile." DialFromMobile
                |a| XucCommand::DialFromMobile {
                    destination: a.dialable(0, "destination")?,
                    variables: a.opt_variables(1)?,
                };
            originate originate(destination)
                "`originate(destination)`." Originate
                |a| XucCommand::Originate { destination: a.dialable(0, "destination")? };
            answer answer(unique_id)
                "`answer(uniqueId?)`: answer the ringing call (that call when given)." Answer
                |a| XucCommand::Answer { unique_id: a.opt_unique_id(0)? };
            hangup hangup(unique_id)
                "`hangup(uniqueId?)`: hang up the current call (that call when given)." Hangup
                |a| XucCommand::Hangup { unique_id: a.opt_unique_id(0)? };
            hold hold(unique_id)
                "`hold(uniqueId?)`: put the current call on hold, or take it back." Hold
                |a| XucCommand::Hold { unique_id: a.opt_unique_id(0)? };
            directTransfer direct_transfer(destination)
                "`directTransfer(destination)`: blind transfer of the current call." DirectTransfer
                |a| XucCommand::DirectTransfer { destination: a.dialable(0, "destination")? };
            attendedTransfer attended_transfer(destination, device)
                "`attendedTransfer(destination, device?)`: call the destination first."
                AttendedTransfer
                |a| XucCommand::AttendedTransfer {
                    destination: a.dialable(0, "destination")?,
                    device: a.opt_text(1, "device", 32)?,
                };
            completeTransfer complete_transfer()
                "`completeTransfer()`: join the two parties of an attended transfer."
                CompleteTransfer
                |_a| XucCommand::CompleteTransfer;
            cancelTransfer cancel_transfer()
                "`cancelTransfer()`: drop the consultation call, back to the first call."
                CancelTransfer
                |_a| XucCommand::CancelTransfer;
            conference conference()
                "`conference()`: join the current and the consultation call." Conference
                |_a| XucCommand::Conference;
            setData set_data(variables)
                "`setData(variables)`: attach `USR_` data to the current call." SetData
                |a| XucCommand::SetData { variables: a.required_variables(0)? };
            sendDtmf send_dtmf(key)
                "`sendDtmf(key)`: one of `0`-`9`, `*`, `#`, `A`-`D`." SendDtmf
                |a| XucCommand::SendDtmf { key: a.dtmf(0)? };
            subscribeToAgentEvents subscribe_to_agent_events()
                "`subscribeToAgentEvents()`: the states of the agents the user may see."
                SubscribeToAgentEvents
                |_a| XucCommand::SubscribeToAgentEvents;
            getAgentStates get_agent_states()
                "`getAgentStates()`: the current state of every agent the user may see."
                GetAgentStates
                |_a| XucCommand::GetAgentStates;
            monitorPause monitor_pause(agent_id)
                "`monitorPause(agentId)`: pause the call recording." MonitorPause
                |a| XucCommand::MonitorPause { agent_id: a.id(0, "agentId")? };
            monitorUnpause monitor_unpause(agent_id)
                "`monitorUnpause(agentId)`: resume the call recording." MonitorUnpause
                |a| XucCommand::MonitorUnpause { agent_id: a.id(0, "agentId")? };
            subscribeToAgentStats subscribe_to_agent_stats()
                "`subscribeToAgentStats()` (replayed after every reconnection)."
                SubscribeToAgentStats
                |_a| XucCommand::SubscribeToAgentStats;
            getAgentDirectory get_agent_directory()
                "`getAgentDirectory()`." GetAgentDirectory
                |_a| XucCommand::GetAgentDirectory;
            getList get_list(object_type)
                "`getList(objectType)`: `agent`, `agentgroup`, `queue`, `queuemember`, `meetme`."
                GetList
                |a| get_list(a)?;
            getCallbackLists get_callback_lists()
                "`getCallbackLists()` (replayed after every reconnection)." GetCallbackLists
                |_a| XucCommand::GetCallbackLists;
            takeCallback take_callback(uuid)
                "`takeCallback(uuid)`." TakeCallback
                |a| XucCommand::TakeCallback { uuid: a.uuid(0, "uuid")? };
            releaseCallback release_callback(uuid)
                "`releaseCallback(uuid)`." ReleaseCallback
                |a| XucCommand::ReleaseCallback { uuid: a.uuid(0, "uuid")? };
            startCallback start_callback(uuid, phone_number)
                "`startCallback(uuid, phoneNumber)`." StartCallback
                |a| XucCommand::StartCallback {
                    uuid: a.uuid(0, "uuid")?,
                    phone_number: a.dialable(1, "phoneNumber")?,
                };
            updateCallbackTicket update_callback_ticket(uuid, status, description, due_date, period_uuid)
                "`updateCallbackTicket(uuid, status, description?, dueDate?, periodUuid?)`."
                UpdateCallbackTicket
                |a| XucCommand::UpdateCallbackTicket {
                    uuid: a.uuid(0, "uuid")?,
                    status: a.status(1)?,
                    description: a.opt_text(2, "description", 1000)?,
                    due_date: a.due_date(3)?,
                    period_uuid: a.opt_uuid(4, "periodUuid")?,
                };
            listenCallbackMessage listen_callback_message(uuid)
                "`listenCallbackMessage(uuid)`." ListenCallbackMessage
                |a| XucCommand::ListenCallbackMessage {
                    voice_message_ref: a.text(0, "uuid", 256)?,
                };
        }
    };
}

/// Why a command was refused (nothing was sent).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CommandError {
    /// An argument is missing or wrong.
    #[error("{command}: `{field}` {reason}")]
    Invalid {
        /// The method name.
        command: &'static str,
        /// The argument (`agentId`, `phoneNumber` ...).
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// No such method.
    #[error("unknown xuc command `{0}`")]
    Unknown(String),
    /// The link is not up; the command was not sent.
    #[error("{command}: not sent, the xuc link is not connected")]
    NotConnected {
        /// The method name.
        command: &'static str,
    },
}

/// A positive integer id (agent, queue), as xuc numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Id(u64);

/// A queue penalty: an integer from 0 (highest priority) up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Penalty(u32);

/// Callback ticket statuses allowed by `updateCallbackTicket`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackStatus {
    /// The customer did not answer.
    NoAnswer,
    /// The customer was reached.
    Answered,
    /// A fax machine answered.
    Fax,
    /// Call again later (at `dueDate` / `periodUuid`): the request is rescheduled.
    Callback,
}

impl CallbackStatus {
    /// The spelling xuc expects.
    pub fn as_str(self) -> &'static str {
        match self {
            CallbackStatus::NoAnswer => "NoAnswer",
            CallbackStatus::Answered => "Answered",
            CallbackStatus::Fax => "Fax",
            CallbackStatus::Callback => "Callback",
        }
    }
}

/// One xuc agent or callback method with checked arguments.
#[derive(Debug, Clone, PartialEq)]
pub enum XucCommand {
    /// Log an agent in on a phone (`agentLogin`).
    LoginAgent {
        /// The phone number to log in on (`agentphonenumber`).
        phone_number: String,
        /// The agent (`agentid`); the connected user's own agent when absent.
        agent_id: Option<Id>,
    },
    /// Log an agent out (`agentLogout`).
    LogoutAgent {
        /// The agent; the connected user's own agent when absent.
        agent_id: Option<Id>,
    },
    /// Make an agent Not Ready (`pauseAgent`).
    PauseAgent {
        /// The agent; the connected user's own agent when absent.
        agent_id: Option<Id>,
        /// Pause reason, as configured in xuc.
        reason: Option<String>,
    },
    /// Make an agent Ready again (`unpauseAgent`).
    UnpauseAgent {
        /// The agent; the connected user's own agent when absent.
        agent_id: Option<Id>,
    },
    /// Listen to an agent's call (supervisor, `listenAgent`).
    ListenAgent {
        /// The agent to listen to.
        agent_id: Id,
    },
    /// Add an agent to a queue, or change its penalty there (`setAgentQueue`).
    SetAgentQueue {
        /// The agent.
        agent_id: Id,
        /// The queue.
        queue_id: Id,
        /// Priority in the queue (0 is the highest).
        penalty: Penalty,
    },
    /// Take an agent out of a queue (`removeAgentFromQueue`).
    RemoveAgentFromQueue {
        /// The agent.
        agent_id: Id,
        /// The queue.
        queue_id: Id,
    },
    /// `variables` are sent without the `USR_` prefix, which xuc adds when
    /// it attaches them to the call (`var1` -> `USR_var1`).
    DialFromQueue {
        /// The number to call.
        destination: String,
        /// The queue the call is placed from.
        queue_id: Id,
        /// Caller id name shown to the callee (may be empty).
        caller_id_name: String,
        /// Caller id number shown to the callee (may be empty).
        caller_id_number: String,
        /// Call variables, names without the `USR_` prefix.
        variables: Map<String, Value>,
    },
    /// Call a number from the user's phone (`dial`).
    Dial {
        /// The number to call.
        destination: String,
        /// Call variables (names without `USR_`); absent: none sent.
        variables: Option<Map<String, Value>>,
    },
    /// Call a number from the user's mobile (`dialFromMobile`).
    DialFromMobile {
        /// The number to call.
        destination: String,
        /// Call variables (names without `USR_`); absent: none sent.
        variables: Option<Map<String, Value>>,
    },
    /// Originate a call to a number (`originate`).
    Originate {
        /// The number to call.
        destination: String,
    },
    /// Answer a ringing call (`answer`).
    Answer {
        /// The call (Asterisk `uniqueId`); the ringing one when absent.
        unique_id: Option<String>,
    },
    /// Hang up a call (`hangup`).
    Hangup {
        /// The call (Asterisk `uniqueId`); the current one when absent.
        unique_id: Option<String>,
    },
    /// Put a call on hold or take it back (`hold`).
    Hold {
        /// The call (Asterisk `uniqueId`); the current one when absent.
        unique_id: Option<String>,
    },
    /// Blind transfer of the current call (`directTransfer`).
    DirectTransfer {
        /// Where to transfer it.
        destination: String,
    },
    /// Attended transfer: call the destination first (`attendedTransfer`).
    AttendedTransfer {
        /// Where to transfer the call.
        destination: String,
        /// The device to use (xuc's `device` argument), when given.
        device: Option<String>,
    },
    /// Complete an attended transfer (`completeTransfer`).
    CompleteTransfer,
    /// Cancel an attended transfer (`cancelTransfer`).
    CancelTransfer,
    /// Make a conference of the current and the consultation call (`conference`).
    Conference,
    /// Attach data to the current call (`setData`).
    SetData {
        /// Variables (names without `USR_`).
        variables: Map<String, Value>,
    },
    /// Send a DTMF digit on the current call (`sendDtmf`).
    SendDtmf {
        /// The digit.
        key: char,
    },
    /// Receive the state events of the agents the user may see (`subscribeToAgentEvents`).
    SubscribeToAgentEvents,
    /// Ask for the current state of the agents the user may see (`getAgentStates`).
    GetAgentStates,
    /// Pause the recording of an agent's calls (`monitorPause`).
    MonitorPause {
        /// The agent.
        agent_id: Id,
    },
    /// Resume the recording of an agent's calls (`monitorUnpause`).
    MonitorUnpause {
        /// The agent.
        agent_id: Id,
    },
    /// Receive `AgentStatistics` for the agents the user may see, then their updates.
    SubscribeToAgentStats,
    /// Ask for the `AgentDirectory`: every agent with its state.
    GetAgentDirectory,
    /// Ask for a configuration list (`getList`).
    GetList {
        /// One of [`LIST_TYPES`].
        object_type: &'static str,
    },
    /// Ask for the callback lists (answered by `CallbackLists`).
    GetCallbackLists,
    /// Take a callback request for the agent (`takeCallback`).
    TakeCallback {
        /// The callback request's UUID.
        uuid: String,
    },
    /// Give a taken callback request back to its list (`releaseCallback`).
    ReleaseCallback {
        /// The callback request's UUID.
        uuid: String,
    },
    /// Call the customer of a callback request (`startCallback`).
    StartCallback {
        /// The callback request's UUID.
        uuid: String,
        /// The number to call (`number`).
        phone_number: String,
    },
    /// Record the outcome of a callback (`updateCallbackTicket`).
    UpdateCallbackTicket {
        /// The ticket's UUID (from `CallbackStarted`).
        uuid: String,
        /// The outcome.
        status: CallbackStatus,
        /// Free-text comment (`comment`).
        description: Option<String>,
        /// When to call again, `YYYY-MM-DD` (status `Callback`).
        due_date: Option<String>,
        /// Preferred period of the day to call again (status `Callback`).
        period_uuid: Option<String>,
    },
    /// Play the voice message left with a callback request (`listenCallbackMessage`).
    ListenCallbackMessage {
        /// The message reference (`voiceMessageRef`).
        voice_message_ref: String,
    },
}

/// Declares [`METHODS`] from the table.
macro_rules! methods {
    ($($js:ident $method:ident ($($arg:ident),*) $doc:literal $variant:ident |$a:ident| $parse:expr;)*) => {
        /// Method names accepted by [`XucCommand::from_call`] (the JavaScript API's).
        pub const METHODS: [&str; [$(stringify!($js)),*].len()] = [$(stringify!($js)),*];
    };
}
xuc_commands!(methods);

/// `getList` object types.
pub const LIST_TYPES: [&str; 5] = ["agent", "agentgroup", "queue", "queuemember", "meetme"];

/// Largest id accepted (JavaScript's safe integers).
const MAX_ID: u64 = (1 << 53) - 1;

/// A [`CommandError`] of the argument readers, boxed: their results then
/// carry one pointer, and each `?` moves 4 bytes, not 24 (smaller wasm).
struct ArgError(Box<CommandError>);

impl From<ArgError> for CommandError {
    fn from(e: ArgError) -> Self {
        *e.0
    }
}

/// Positional arguments of one call, with the command name for errors.
#[derive(Clone, Copy)]
struct Args<'a> {
    command: &'static str,
    args: &'a [Value],
}

impl<'a> Args<'a> {
    fn get(&self, index: usize) -> Option<&'a Value> {
        self.args.get(index).filter(|v| !v.is_null())
    }

    /// The refusal of `field`, its reason formatted here: one copy of the
    /// formatting, not a `format!` and its temporaries at every reader.
    #[cold]
    #[inline(never)]
    fn invalid(&self, field: &'static str, reason: std::fmt::Arguments<'_>) -> ArgError {
        ArgError(Box::new(CommandError::Invalid {
            command: self.command,
            field,
            reason: std::fmt::format(reason),
        }))
    }

    fn id(&self, index: usize, field: &'static str) -> Result<Id, ArgError> {
        self.opt_id(index, field)?
            .ok_or_else(|| self.invalid(field, format_args!("is required (a positive integer)")))
    }

    fn opt_id(&self, index: usize, field: &'static str) -> Result<Option<Id>, ArgError> {
        let Some(value) = self.get(index) else {
            return Ok(None);
        };
        match integer(value) {
            Some(n) if (1..=MAX_ID).contains(&n) => Ok(Some(Id(n))),
            _ => Err(self.invalid(
                field,
                format_args!(
                    "must be a positive integer, got {}",
                    crate::json_write::to_string(value)
                ),
            )),
        }
    }

    fn penalty(&self, index: usize) -> Result<Penalty, ArgError> {
        let value = self.get(index).ok_or_else(|| {
            self.invalid("penalty", format_args!("is required (an integer from 0)"))
        })?;
        match integer(value) {
            Some(n) if n <= i32::MAX as u64 => Ok(Penalty(n as u32)),
            _ => Err(self.invalid(
                "penalty",
                format_args!(
                    "must be a non-negative integer (0 is the highest priority), got {}",
                    crate::json_write::to_string(value)
                ),
            )),
        }
    }

    /// A text argument: trimmed, at most `max` characters, no control characters.
    fn opt_text(
        &self,
        index: usize,
        field: &'static str,
        max: usize,
    ) -> Result<Option<String>, ArgError> {
        let text = match self.get(index) {
            None => return Ok(None),
            Some(Value::String(s)) => s.trim().to_owned(),
            Some(Value::Number(n)) => crate::text::number(n),
            Some(other) => {
                return Err(self.invalid(
                    field,
                    format_args!(
                        "must be a string, got {}",
                        crate::json_write::to_string(other)
                    ),
                ))
            }
        };
        if text.chars().count() > max {
            return Err(self.invalid(field, format_args!("is longer than {max} characters")));
        }
        if text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err(self.invalid(field, format_args!("contains control characters")));
        }
        Ok((!text.is_empty()).then_some(text))
    }

    fn text(&self, index: usize, field: &'static str, max: usize) -> Result<String, ArgError> {
        self.opt_text(index, field, max)?
            .ok_or_else(|| self.invalid(field, format_args!("is required")))
    }

    /// A number to dial or a line: digits, letters and `+ * # . _ - @`, 1 to 40 characters.
    fn dialable(&self, index: usize, field: &'static str) -> Result<String, ArgError> {
        let text = self.text(index, field, 40)?;
        if text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+*#._-@".contains(c))
        {
            Ok(text)
        } else {
            Err(self.invalid(field, format_args!("is not a dialable number: `{text}`")))
        }
    }

    fn uuid(&self, index: usize, field: &'static str) -> Result<String, ArgError> {
        let mut text = self.text(index, field, 36)?;
        if is_uuid(&text) {
            text.make_ascii_lowercase();
            Ok(text)
        } else {
            Err(self.invalid(field, format_args!("is not a UUID: `{text}`")))
        }
    }

    fn opt_uuid(&self, index: usize, field: &'static str) -> Result<Option<String>, ArgError> {
        match self.get(index) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(_) => self.uuid(index, field).map(Some),
        }
    }

    fn status(&self, index: usize) -> Result<CallbackStatus, ArgError> {
        let text = self.text(index, "status", 16)?;
        let statuses = [
            CallbackStatus::NoAnswer,
            CallbackStatus::Answered,
            CallbackStatus::Fax,
            CallbackStatus::Callback,
        ];
        statuses
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(&text))
            .ok_or_else(|| {
                self.invalid(
                    "status",
                    format_args!("must be NoAnswer, Answered, Fax or Callback, got `{text}`"),
                )
            })
    }

    fn due_date(&self, index: usize) -> Result<Option<String>, ArgError> {
        let Some(text) = self.opt_text(index, "dueDate", 10)? else {
            return Ok(None);
        };
        if is_date(&text) {
            Ok(Some(text))
        } else {
            Err(self.invalid(
                "dueDate",
                format_args!("must be a date YYYY-MM-DD, got `{text}`"),
            ))
        }
    }

    /// Variables when given (`None` when the argument is absent).
    fn opt_variables(&self, index: usize) -> Result<Option<Map<String, Value>>, ArgError> {
        match self.get(index) {
            None => Ok(None),
            Some(_) => self.variables(index).map(Some),
        }
    }

    /// Variables that must be given, at least one.
    fn required_variables(&self, index: usize) -> Result<Map<String, Value>, ArgError> {
        let map = self.variables(index)?;
        if map.is_empty() {
            return Err(self.invalid(
                "variables",
                format_args!("is required (an object with at least one entry)"),
            ));
        }
        Ok(map)
    }

    /// An Asterisk call id (`1469709960.78`): letters, digits, `.`, `-`, `_`, at most 64.
    fn opt_unique_id(&self, index: usize) -> Result<Option<String>, ArgError> {
        let Some(text) = self.opt_text(index, "uniqueId", 64)? else {
            return Ok(None);
        };
        if text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c))
        {
            Ok(Some(text))
        } else {
            Err(self.invalid("uniqueId", format_args!("is not a call id: `{text}`")))
        }
    }

    /// One DTMF key: `0`-`9`, `*`, `#`, `A`-`D`.
    fn dtmf(&self, index: usize) -> Result<char, ArgError> {
        let text = self.text(index, "key", 1)?;
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_ascii_digit() || "*#ABCDabcd".contains(c) => {
                Ok(c.to_ascii_uppercase())
            }
            _ => Err(self.invalid(
                "key",
                format_args!("must be one of 0-9, *, #, A-D, got `{text}`"),
            )),
        }
    }

    fn variables(&self, index: usize) -> Result<Map<String, Value>, ArgError> {
        let map = match self.get(index) {
            None => return Ok(Map::new()),
            Some(Value::Object(map)) => map,
            Some(other) => {
                return Err(self.invalid(
                    "variables",
                    format_args!(
                        "must be an object, got {}",
                        crate::json_write::to_string(other)
                    ),
                ))
            }
        };
        if map.len() > 50 {
            return Err(self.invalid("variables", format_args!("has more than 50 entries")));
        }
        let mut out = Map::new();
        for (name, value) in map {
            let bare = name.strip_prefix("USR_").unwrap_or(name);
            if bare.is_empty()
                || bare.len() > 64
                || !bare.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                return Err(self.invalid(
                    "variables",
                    format_args!("name `{name}` must be letters, digits or `_` (at most 64)"),
                ));
            }
            let text = match value {
                Value::String(s) => s.clone(),
                Value::Number(n) => crate::text::number(n),
                Value::Bool(b) => b.to_string(),
                other => {
                    return Err(self.invalid(
                        "variables",
                        format_args!(
                            "value of `{name}` must be a string, number or boolean, got {}",
                            crate::json_write::to_string(other)
                        ),
                    ))
                }
            };
            if text.chars().count() > 1024 || text.chars().any(char::is_control) {
                return Err(self.invalid(
                    "variables",
                    format_args!("value of `{name}` is too long or has control characters"),
                ));
            }
            out.insert(bare.to_owned(), Value::String(text));
        }
        Ok(out)
    }
}

/// A non-negative integer given as a JSON number (no fraction) or a string
/// of digits (`-0` is 0); `None` for anything else, a negative or a value
/// past `u64` among them (every caller asks for a range from 0).
fn integer(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => {
            let s = s.trim();
            let digits = s.strip_prefix('-').unwrap_or(s);
            if digits.is_empty() {
                return None;
            }
            let n = digits.bytes().try_fold(0u64, |n, d| {
                let d = d.wrapping_sub(b'0');
                (d < 10).then_some(())?;
                n.checked_mul(10)?.checked_add(u64::from(d))
            })?;
            (digits.len() == s.len() || n == 0).then_some(n)
        }
        _ => None,
    }
}

/// `8-4-4-4-12` hexadecimal digits (read in place: the dashes at their
/// offsets, hexadecimal digits elsewhere).
pub fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// A real calendar date written `YYYY-MM-DD`.
pub fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return false;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (Some(year), Some(month), Some(day)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    year >= 1 && (1..=days).contains(&day)
}

impl XucCommand {
    /// Builds a command from a JavaScript-style call: the method name of the
    /// xuc documentation (`setAgentQueue`) and its positional arguments.
    ///
    /// `dialFromQueue(destination, queueId, callerId, variables)` takes the
    /// caller id as one string (name and number alike) or `{name, number}`;
    /// the five-argument form of xuc's `cti.js` (`..., callerIdName,
    /// callerIdNumber, variables`) is accepted too.
    pub fn from_call(name: &str, args: &[Value]) -> Result<XucCommand, CommandError> {
        // The readers' boxed error is unboxed once, here, not at every `?`.
        parse(name, args).map_err(CommandError::from)
    }

    /// The method name (as in the seed).
    pub fn name(&self) -> &'static str {
        macro_rules! name {
            ($($js:ident $method:ident ($($arg:ident),*) $doc:literal $variant:ident |$a:ident| $parse:expr;)*) => {
                match self {
                    $(XucCommand::$variant { .. } => stringify!($js),)*
                }
            };
        }
        xuc_commands!(name)
    }

    /// The frame to send.
    pub fn wire(&self) -> Value {
        // One call per field (inlined closures and serde conversions cost
        // 5.6 KB of wasm).
        let mut f = Frame(Map::new());
        let command = match self {
            XucCommand::LoginAgent {
                phone_number,
                agent_id,
            } => {
                f.text("agentphonenumber", phone_number);
                f.opt_id("agentid", agent_id);
                "agentLogin"
            }
            XucCommand::LogoutAgent { agent_id } => {
                f.opt_id("agentid", agent_id);
                "agentLogout"
            }
            XucCommand::PauseAgent { agent_id, reason } => {
                f.opt_id("agentid", agent_id);
                f.opt_text("reason", reason);
                "pauseAgent"
            }
            XucCommand::UnpauseAgent { agent_id } => {
                f.opt_id("agentid", agent_id);
                "unpauseAgent"
            }
            XucCommand::ListenAgent { agent_id } => {
                f.id("agentid", agent_id);
                "listenAgent"
            }
            XucCommand::SetAgentQueue {
                agent_id,
                queue_id,
                penalty,
            } => {
                f.id("agentId", agent_id);
                f.id("queueId", queue_id);
                f.put("penalty", Value::from(penalty.0));
                "setAgentQueue"
            }
            XucCommand::RemoveAgentFromQueue { agent_id, queue_id } => {
                f.id("agentId", agent_id);
                f.id("queueId", queue_id);
                "removeAgentFromQueue"
            }
            XucCommand::DialFromQueue {
                destination,
                queue_id,
                caller_id_name,
                caller_id_number,
                variables,
            } => {
                f.text("destination", destination);
                f.id("queueId", queue_id);
                f.text("callerIdName", caller_id_name);
                f.text("callerIdNumber", caller_id_number);
                f.put("variables", Value::Object(variables.clone()));
                "dialFromQueue"
            }
            XucCommand::Dial {
                destination,
                variables,
            } => {
                f.text("destination", destination);
                if let Some(v) = variables {
                    f.put("variables", Value::Object(v.clone()));
                }
                "dial"
            }
            XucCommand::DialFromMobile {
                destination,
                variables,
            } => {
                f.text("destination", destination);
                if let Some(v) = variables {
                    f.put("variables", Value::Object(v.clone()));
                }
                "dialFromMobile"
            }
            XucCommand::Originate { destination } => {
                f.text("destination", destination);
                "originate"
            }
            XucCommand::Answer { unique_id } => {
                f.opt_text("uniqueId", unique_id);
                "answer"
            }
            XucCommand::Hangup { unique_id } => {
                f.opt_text("uniqueId", unique_id);
                "hangup"
            }
            XucCommand::Hold { unique_id } => {
                f.opt_text("uniqueId", unique_id);
                "hold"
            }
            XucCommand::DirectTransfer { destination } => {
                f.text("destination", destination);
                "directTransfer"
            }
            XucCommand::AttendedTransfer {
                destination,
                device,
            } => {
                f.text("destination", destination);
                f.opt_text("device", device);
                "attendedTransfer"
            }
            XucCommand::CompleteTransfer => "completeTransfer",
            XucCommand::CancelTransfer => "cancelTransfer",
            XucCommand::Conference => "conference",
            XucCommand::SetData { variables } => {
                f.put("variables", Value::Object(variables.clone()));
                "setData"
            }
            XucCommand::SendDtmf { key } => {
                f.put("key", Value::String(String::from(*key)));
                "sendDtmf"
            }
            XucCommand::SubscribeToAgentEvents => "subscribeToAgentEvents",
            XucCommand::GetAgentStates => "getAgentStates",
            XucCommand::MonitorPause { agent_id } => {
                f.id("agentid", agent_id);
                "monitorPause"
            }
            XucCommand::MonitorUnpause { agent_id } => {
                f.id("agentid", agent_id);
                "monitorUnpause"
            }
            XucCommand::SubscribeToAgentStats => "subscribeToAgentStats",
            XucCommand::GetAgentDirectory => "getAgentDirectory",
            XucCommand::GetList { object_type } => {
                f.text("objectType", object_type);
                "getList"
            }
            XucCommand::GetCallbackLists => "getCallbackLists",
            XucCommand::TakeCallback { uuid } => {
                f.text("uuid", uuid);
                "takeCallback"
            }
            XucCommand::ReleaseCallback { uuid } => {
                f.text("uuid", uuid);
                "releaseCallback"
            }
            XucCommand::StartCallback { uuid, phone_number } => {
                f.text("uuid", uuid);
                f.text("number", phone_number);
                "startCallback"
            }
            XucCommand::UpdateCallbackTicket {
                uuid,
                status,
                description,
                due_date,
                period_uuid,
            } => {
                f.text("uuid", uuid);
                f.text("status", status.as_str());
                f.opt_text("comment", description);
                f.opt_text("dueDate", due_date);
                f.opt_text("periodUuid", period_uuid);
                "updateCallbackTicket"
            }
            XucCommand::ListenCallbackMessage { voice_message_ref } => {
                f.text("voiceMessageRef", voice_message_ref);
                "listenCallbackMessage"
            }
        };
        f.text("claz", "web");
        f.text("command", command);
        Value::Object(f.0)
    }

    /// The call data keys xuc attaches for a `dialFromQueue` (`USR_<name>`).
    pub fn attached_data_keys(&self) -> Vec<String> {
        match self {
            XucCommand::DialFromQueue { variables, .. } => {
                variables.keys().map(|k| format!("USR_{k}")).collect()
            }
            _ => Vec::new(),
        }
    }
}

/// The fields of a frame [`XucCommand::wire`] builds.
struct Frame(Map<String, Value>);

impl Frame {
    #[inline(never)]
    fn put(&mut self, key: &str, value: Value) {
        self.0.insert(key.to_owned(), value);
    }

    #[inline(never)]
    fn text(&mut self, key: &str, text: &str) {
        self.put(key, Value::String(text.to_owned()));
    }

    fn opt_text(&mut self, key: &str, text: &Option<String>) {
        if let Some(text) = text {
            self.text(key, text);
        }
    }

    #[inline(never)]
    fn id(&mut self, key: &str, id: &Id) {
        self.put(key, Value::from(id.0));
    }

    fn opt_id(&mut self, key: &str, id: &Option<Id>) {
        if let Some(id) = id {
            self.id(key, id);
        }
    }
}

/// [`XucCommand::from_call`] with the readers' boxed error.
fn parse(name: &str, args: &[Value]) -> Result<XucCommand, ArgError> {
    // The method found once in the table; then its row by position (the
    // rows counted in table order: a jump table, not a name compare per row).
    let unknown = || ArgError(Box::new(CommandError::Unknown(name.to_owned())));
    let Some(index) = METHODS.iter().position(|m| *m == name) else {
        return Err(unknown());
    };
    let a = Args {
        command: METHODS.get(index).copied().unwrap_or_default(),
        args,
    };
    let mut row = 0;
    macro_rules! parse {
        ($($js:ident $method:ident ($($arg:ident),*) $doc:literal $variant:ident |$a:ident| $parse:expr;)*) => {
            $(if index == row {
                // A reference: the arguments stored once, not copied per row.
                let $a = &a;
                return Ok($parse);
            }
            row += 1;)*
        };
    }
    xuc_commands!(parse);
    // The count after the last row is not read; a found index always has its row.
    let _ = row;
    Err(unknown())
}

fn get_list(a: &Args<'_>) -> Result<XucCommand, ArgError> {
    let kind = a.text(0, "objectType", 32)?;
    let object_type = LIST_TYPES
        .iter()
        .find(|t| t.eq_ignore_ascii_case(&kind))
        .copied()
        .ok_or_else(|| {
            a.invalid(
                "objectType",
                format_args!("must be one of {}, got `{kind}`", LIST_TYPES.join(", ")),
            )
        })?;
    Ok(XucCommand::GetList { object_type })
}

fn dial_from_queue(a: &Args<'_>) -> Result<XucCommand, ArgError> {
    let destination = a.dialable(0, "destination")?;
    let queue_id = a.id(1, "queueId")?;
    let five = a.args.len() >= 5;
    let (name, number, variables) = if five {
        let name = a.opt_text(2, "callerIdName", 80)?.unwrap_or_default();
        let number = match a.get(3) {
            Some(_) => a.dialable(3, "callerIdNumber")?,
            None => String::new(),
        };
        (name, number, a.variables(4)?)
    } else {
        let (name, number) = match a.get(2) {
            None => (String::new(), String::new()),
            Some(Value::Object(o)) => {
                let inner = [
                    o.get("name").cloned().unwrap_or(Value::Null),
                    o.get("number").cloned().unwrap_or(Value::Null),
                ];
                let b = Args {
                    command: a.command,
                    args: &inner,
                };
                let name = b.opt_text(0, "callerId.name", 80)?.unwrap_or_default();
                let number = match b.get(1) {
                    Some(_) => b.dialable(1, "callerId.number")?,
                    None => String::new(),
                };
                (name, number)
            }
            Some(_) => {
                let number = a.dialable(2, "callerId")?;
                (number.clone(), number)
            }
        };
        (name, number, a.variables(3)?)
    };
    Ok(XucCommand::DialFromQueue {
        destination,
        queue_id,
        caller_id_name: name,
        caller_id_number: number,
        variables,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn uuids_are_read_as_the_group_split_read_them() {
        // The reader before it read in place: split on `-`, five groups of 8-4-4-4-12.
        let split = |text: &str| {
            let groups: Vec<&str> = text.split('-').collect();
            groups.len() == 5
                && groups
                    .iter()
                    .zip([8usize, 4, 4, 4, 12])
                    .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
        };
        let good = "0123abcd-4567-89ef-ABCD-0123456789ef";
        let mut texts = vec![
            good.to_owned(),
            String::new(),
            "-".repeat(36),
            "0".repeat(36),
            format!("{good}-"),
            format!("-{good}"),
            good.replacen('-', "", 1),
            good.replace('-', "x"),
            "0123abcd-4567-89ef-ABCD-0123456789eé".to_owned(),
            "0123abcd-4567-89ef-ABCD0-123456789ef".to_owned(),
            "0123abcd-4567-89ef-ABC-D0123456789ef".to_owned(),
            "0123abcd--4567-89ef-ABCD-0123456789e".to_owned(),
        ];
        // Every one-byte change of the good one, at every place.
        for i in 0..good.len() {
            for c in ['-', 'g', 'F', '0', ' '] {
                let mut t = good.to_owned();
                t.replace_range(i..i + 1, c.encode_utf8(&mut [0; 4]));
                texts.push(t);
            }
        }
        let mut seen = [false, false];
        for text in &texts {
            assert_eq!(is_uuid(text), split(text), "{text:?}");
            seen[usize::from(is_uuid(text))] = true;
        }
        assert_eq!(seen, [true, true]);
        assert_eq!(
            XucCommand::from_call("takeCallback", &[json!(good)]),
            Ok(XucCommand::TakeCallback {
                uuid: good.to_ascii_lowercase()
            })
        );
    }

    #[test]
    fn integers_are_read_from_numbers_and_digit_strings() {
        let cases = [
            (json!(5), Some(5)),
            (json!(0), Some(0)),
            (json!(u64::MAX), Some(u64::MAX)),
            (json!(-5), None),
            (json!(1.5), None),
            (json!(" 7 "), Some(7)),
            (json!("007"), Some(7)),
            (json!("-0"), Some(0)),
            (json!("-5"), None),
            (json!("+5"), None),
            (json!("1_0"), None),
            (json!(""), None),
            (json!("-"), None),
            (json!("18446744073709551615"), Some(u64::MAX)),
            (json!("18446744073709551616"), None),
            (json!(true), None),
            (json!(null), None),
        ];
        for (value, expected) in cases {
            assert_eq!(integer(&value), expected, "{value}");
        }
        // As read before (`i128`): `-0` is a penalty of 0, past `i32` is refused.
        let queue = |penalty: Value| {
            XucCommand::from_call("setAgentQueue", &[json!(19), json!(3), penalty])
        };
        assert!(queue(json!("-0")).is_ok());
        assert!(queue(json!(i32::MAX)).is_ok());
        assert!(queue(json!(i64::from(i32::MAX) + 1)).is_err());
        assert!(XucCommand::from_call("listenAgent", &[json!(MAX_ID + 1)]).is_err());
        assert!(XucCommand::from_call("listenAgent", &[json!(MAX_ID.to_string())]).is_ok());
    }
}
