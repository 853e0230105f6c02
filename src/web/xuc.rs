//! `XucClient` for JavaScript: the xuc live client in the browser.
//!
//! ```js
//! const client = new XucClient(
//!   { baseUrl: "https://xuc.example.com", agentId: "19", mode: "synchronized" },
//!   (out) => { /* {type: "health" | "output" | "observed" | "error", data} */ },
//!   async () => ({ login: "jbond", password: await askPassword() }),
//! );
//! client.start();
//! client.setAgentQueue(19, 3, 2);    // throws a clear error when invalid or not connected
//! ```
//! The password and token stay inside the client: the CTI URL carrying the
//! token is never shown, and neither is posted to the host.

use super::live::{driver, js_provider, js_sink, to_js, Driver, Provides};
use crate::client::xuc::{XucClient, XucConfig};
use crate::client::xuc_command::XucCommand;
use crate::client::{Effect, Input};
use js_sys::Function;
use serde_json::Value;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The XiVO xuc CTI live client.
#[wasm_bindgen(js_name = XucClient)]
pub struct WasmXucClient {
    driver: Rc<Driver<XucClient>>,
}

fn value(v: JsValue) -> Result<Value, JsError> {
    if v.is_undefined() {
        return Ok(Value::Null);
    }
    serde_wasm_bindgen::from_value(v).map_err(|e| JsError::new(&format!("argument: {e}")))
}

#[wasm_bindgen(js_class = XucClient)]
impl WasmXucClient {
    /// `new XucClient(options, onOutput, credentialsProvider)`: options are
    /// `baseUrl`, and optionally `socketUrl`, `agentId`, `seed`, `timing`,
    /// `mode`, `bridge`. The provider returns (a promise of) `{login, password}`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        options_js: JsValue,
        on_output: Function,
        credentials_provider: Function,
    ) -> Result<WasmXucClient, JsError> {
        let driver = driver(
            options_js,
            |config: XucConfig| XucClient::new(config),
            js_sink(on_output),
            js_provider(credentials_provider),
            Provides::Credentials,
        )?;
        Ok(WasmXucClient { driver })
    }

    /// Starts (or starts again after `failed`).
    pub fn start(&self) {
        self.driver.input(Input::Start);
    }

    /// Closes the socket and goes quiet.
    pub fn stop(&self) {
        self.driver.input(Input::Stop);
    }

    /// The last health report (`{state, reason, retryInMs?}`), or `null`.
    pub fn health(&self) -> Result<JsValue, JsError> {
        self.driver.with(|s| to_js(&s.client.health()))
    }

    /// The Bridge's counters.
    pub fn stats(&self) -> Result<JsValue, JsError> {
        self.driver.with(|s| to_js(s.bridge.stats()))
    }

    /// The sync engine's snapshot.
    pub fn snapshot(&self) -> Result<JsValue, JsError> {
        self.driver.with(|s| to_js(&s.bridge.snapshot()))
    }

    /// Feeds a message from another source (the CRM side) into the same Bridge.
    pub fn ingest(&self, source: &str, message: JsValue) -> Result<(), JsError> {
        super::live::ingest(&self.driver, source, message)
    }

    /// Any method by name with positional arguments:
    /// `client.command("setAgentQueue", [19, 3, 2])`.
    pub fn command(&self, name: &str, args: js_sys::Array) -> Result<(), JsError> {
        let args = args
            .iter()
            .map(value)
            .collect::<Result<Vec<Value>, JsError>>()?;
        self.call(name, args)
    }

    /// `loginAgent(phoneNumber, agentId?)`.
    #[wasm_bindgen(js_name = loginAgent)]
    pub fn login_agent(&self, phone_number: JsValue, agent_id: JsValue) -> Result<(), JsError> {
        self.call("loginAgent", vec![value(phone_number)?, value(agent_id)?])
    }

    /// `logoutAgent(agentId?)`.
    #[wasm_bindgen(js_name = logoutAgent)]
    pub fn logout_agent(&self, agent_id: JsValue) -> Result<(), JsError> {
        self.call("logoutAgent", vec![value(agent_id)?])
    }

    /// `pauseAgent(agentId?, reason?)`.
    #[wasm_bindgen(js_name = pauseAgent)]
    pub fn pause_agent(&self, agent_id: JsValue, reason: JsValue) -> Result<(), JsError> {
        self.call("pauseAgent", vec![value(agent_id)?, value(reason)?])
    }

    /// `unpauseAgent(agentId?)`.
    #[wasm_bindgen(js_name = unpauseAgent)]
    pub fn unpause_agent(&self, agent_id: JsValue) -> Result<(), JsError> {
        self.call("unpauseAgent", vec![value(agent_id)?])
    }

    /// `listenAgent(agentId)`.
    #[wasm_bindgen(js_name = listenAgent)]
    pub fn listen_agent(&self, agent_id: JsValue) -> Result<(), JsError> {
        self.call("listenAgent", vec![value(agent_id)?])
    }

    /// `setAgentQueue(agentId, queueId, penalty)`.
    #[wasm_bindgen(js_name = setAgentQueue)]
    pub fn set_agent_queue(
        &self,
        agent_id: JsValue,
        queue_id: JsValue,
        penalty: JsValue,
    ) -> Result<(), JsError> {
        self.call(
            "setAgentQueue",
            vec![value(agent_id)?, value(queue_id)?, value(penalty)?],
        )
    }

    /// `removeAgentFromQueue(agentId, queueId)`.
    #[wasm_bindgen(js_name = removeAgentFromQueue)]
    pub fn remove_agent_from_queue(
        &self,
        agent_id: JsValue,
        queue_id: JsValue,
    ) -> Result<(), JsError> {
        self.call(
            "removeAgentFromQueue",
            vec![value(agent_id)?, value(queue_id)?],
        )
    }

    /// `dialFromQueue(destination, queueId, callerId, variables)`; `callerId`
    /// is a string or `{name, number}`; variables become `USR_` call data.
    #[wasm_bindgen(js_name = dialFromQueue)]
    pub fn dial_from_queue(
        &self,
        destination: JsValue,
        queue_id: JsValue,
        caller_id: JsValue,
        variables: JsValue,
    ) -> Result<(), JsError> {
        self.call(
            "dialFromQueue",
            vec![
                value(destination)?,
                value(queue_id)?,
                value(caller_id)?,
                value(variables)?,
            ],
        )
    }

    /// `monitorPause(agentId)`: pause the call recording.
    #[wasm_bindgen(js_name = monitorPause)]
    pub fn monitor_pause(&self, agent_id: JsValue) -> Result<(), JsError> {
        self.call("monitorPause", vec![value(agent_id)?])
    }

    /// `monitorUnpause(agentId)`: resume the call recording.
    #[wasm_bindgen(js_name = monitorUnpause)]
    pub fn monitor_unpause(&self, agent_id: JsValue) -> Result<(), JsError> {
        self.call("monitorUnpause", vec![value(agent_id)?])
    }

    /// `subscribeToAgentStats()` (replayed after every reconnection).
    #[wasm_bindgen(js_name = subscribeToAgentStats)]
    pub fn subscribe_to_agent_stats(&self) -> Result<(), JsError> {
        self.call("subscribeToAgentStats", Vec::new())
    }

    /// `getAgentDirectory()`.
    #[wasm_bindgen(js_name = getAgentDirectory)]
    pub fn get_agent_directory(&self) -> Result<(), JsError> {
        self.call("getAgentDirectory", Vec::new())
    }

    /// `getList(objectType)`: `agent`, `agentgroup`, `queue`, `queuemember`, `meetme`.
    #[wasm_bindgen(js_name = getList)]
    pub fn get_list(&self, object_type: JsValue) -> Result<(), JsError> {
        self.call("getList", vec![value(object_type)?])
    }

    /// `getCallbackLists()` (replayed after every reconnection).
    #[wasm_bindgen(js_name = getCallbackLists)]
    pub fn get_callback_lists(&self) -> Result<(), JsError> {
        self.call("getCallbackLists", Vec::new())
    }

    /// `takeCallback(uuid)`.
    #[wasm_bindgen(js_name = takeCallback)]
    pub fn take_callback(&self, uuid: JsValue) -> Result<(), JsError> {
        self.call("takeCallback", vec![value(uuid)?])
    }

    /// `releaseCallback(uuid)`.
    #[wasm_bindgen(js_name = releaseCallback)]
    pub fn release_callback(&self, uuid: JsValue) -> Result<(), JsError> {
        self.call("releaseCallback", vec![value(uuid)?])
    }

    /// `startCallback(uuid, phoneNumber)`.
    #[wasm_bindgen(js_name = startCallback)]
    pub fn start_callback(&self, uuid: JsValue, phone_number: JsValue) -> Result<(), JsError> {
        self.call("startCallback", vec![value(uuid)?, value(phone_number)?])
    }

    /// `updateCallbackTicket(uuid, status, description?, dueDate?, periodUuid?)`.
    #[wasm_bindgen(js_name = updateCallbackTicket)]
    pub fn update_callback_ticket(
        &self,
        uuid: JsValue,
        status: JsValue,
        description: JsValue,
        due_date: JsValue,
        period_uuid: JsValue,
    ) -> Result<(), JsError> {
        self.call(
            "updateCallbackTicket",
            vec![
                value(uuid)?,
                value(status)?,
                value(description)?,
                value(due_date)?,
                value(period_uuid)?,
            ],
        )
    }

    /// `listenCallbackMessage(uuid)`.
    #[wasm_bindgen(js_name = listenCallbackMessage)]
    pub fn listen_callback_message(&self, uuid: JsValue) -> Result<(), JsError> {
        self.call("listenCallbackMessage", vec![value(uuid)?])
    }
}

impl WasmXucClient {
    /// Checks, then sends; throws the command's error otherwise.
    fn call(&self, name: &str, args: Vec<Value>) -> Result<(), JsError> {
        let command =
            XucCommand::from_call(name, &args).map_err(|e| JsError::new(&e.to_string()))?;
        let actions = self
            .driver
            .with(|s| s.client.command(super::live::now(), &command))
            .map_err(|e| JsError::new(&e.to_string()))?;
        self.driver
            .run(actions.into_iter().map(Effect::Io).collect());
        Ok(())
    }
}
