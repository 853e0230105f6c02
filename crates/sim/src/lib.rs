//! Native simulators of the contact-centre servers the widget talks to
//! (`cti-bridge sim`, see `docs/simulators.md`):
//!
//! - [`axp`]: Avaya Experience Platform notifications (docs/protocols.md#axp): REST
//!   subscriptions with expiry and renewal, the WebSocket with
//!   authentication, ping / pong and notifications;
//! - [`xuc`]: XiVO xuc CTI (docs/protocols.md#xuc): REST login, the CTI WebSocket with
//!   heartbeats, agent and callback rules over a configured contact centre.
//!
//! Both share the [`scenario`] format, the event [`feed`], the [`fault`]
//! machinery and the control endpoints under `/sim/`. Everything binds to
//! 127.0.0.1 only.

pub mod axp;
pub mod cli;
pub mod clock;
pub mod control;
pub mod fault;
pub mod feed;
pub mod jwt;
pub mod options;
pub mod scenario;
pub mod server;
pub mod session;
pub mod state;
pub mod stats;
pub mod ws;
pub mod xuc;

pub use fault::{Fault, FaultSpec, Proto};
pub use options::Options;

use serde_json::Value;
use state::Shared;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Why a simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The port could not be bound.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// Requested port.
        port: u16,
        /// Cause.
        source: std::io::Error,
    },
}

/// A running simulator. Dropping it stops accepting connections;
/// [`Running::stop`] also closes every open socket.
#[derive(Debug)]
pub struct Running {
    shared: Arc<Shared>,
    server: JoinHandle<()>,
    tasks: Vec<JoinHandle<()>>,
    shutdown: Option<oneshot::Sender<()>>,
}

/// Binds 127.0.0.1:`options.port` and serves both simulators.
pub async fn start(options: Options) -> Result<Running, SimError> {
    let port = options.port;
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .map_err(|source| SimError::Bind { port, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| SimError::Bind { port, source })?;
    let restarts: Vec<Option<Proto>> = options
        .faults
        .iter()
        .filter(|f| f.fault == Fault::Restart)
        .map(|f| f.proto)
        .collect();
    let shared = Shared::new(options, addr);
    let app = server::router(Arc::clone(&shared));
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = rx.await;
        });
        if let Err(e) = serve.await {
            eprintln!("[sim] server error: {e}");
        }
    });
    let mut tasks = vec![tokio::spawn(axp::reaper(Arc::clone(&shared)))];
    if !shared.opts.scenario.is_empty() {
        tasks.push(tokio::spawn(play(Arc::clone(&shared))));
    }
    for proto in restarts {
        shared.restart(proto);
    }
    shared.log(format!("listening on {addr}"));
    Ok(Running {
        shared,
        server,
        tasks,
        shutdown: Some(tx),
    })
}

/// Plays the scenario once the first session is live.
async fn play(shared: Arc<Shared>) {
    shared.wait_live().await;
    shared.lock().stats.scenario.started = true;
    shared.log("scenario started");
    for line in shared.opts.scenario.clone() {
        if !line.after.is_zero() {
            tokio::time::sleep(line.after).await;
        }
        shared.dispatch(line.action);
        shared.lock().stats.scenario.played += 1;
    }
    shared.lock().stats.scenario.done = true;
    shared.log("scenario done");
}

impl Running {
    /// The bound address (127.0.0.1:port).
    pub fn addr(&self) -> SocketAddr {
        self.shared.addr
    }

    /// The counters of `GET /sim/stats`.
    pub fn stats(&self) -> Value {
        self.shared.stats_json()
    }

    /// Arms a fault (as `POST /sim/fault/{name}`).
    pub fn arm(&self, spec: FaultSpec) {
        self.shared.arm(spec);
    }

    /// Carries out feed lines at once (as `POST /sim/send` and stdin).
    pub fn feed(&self, lines: &str) -> Result<usize, String> {
        self.shared.feed(lines)
    }

    /// Closes every socket and stops serving.
    pub async fn stop(mut self) {
        {
            let mut st = self.shared.lock();
            st.sessions.kill(None);
        }
        for t in &self.tasks {
            t.abort();
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), &mut self.server).await;
        self.server.abort();
    }
}
