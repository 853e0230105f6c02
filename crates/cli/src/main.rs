//! `cti-bridge`: the native command line over the same core as the widget.
//!
//! - `cti-bridge decode --from <source> [FILE]`: raw vendor messages -> normalized events.
//! - `cti-bridge replay --mode <mode> [--config FILE] [FILE]`: a recorded session through the
//!   decoders and the sync engine -> events, commands and a final snapshot.
//! - `cti-bridge sim [--port N] [--scenario FILE] [--fault NAME]...`: the AXP and xuc
//!   simulators on a loopback port (docs/simulators.md).
//!
//! Exit status: 0 when every input decoded, 1 when any failed, 2 for a usage error.

fn main() -> std::process::ExitCode {
    cli::run()
}

mod cli {
    use clap::{Parser, Subcommand};
    use cti_bridge_core::codec::MAX_MESSAGE_BYTES;
    use cti_bridge_core::json_write::{self, ToJson};
    use cti_bridge_core::{Bridge, Config, Mode, Source};
    use serde_json::{json, Value};
    use std::io::{self, BufWriter, Read, Write};
    use std::path::PathBuf;
    use std::process::ExitCode;

    /// Largest input file or stream accepted.
    const MAX_INPUT_BYTES: usize = 256 * 1024 * 1024;

    #[derive(Parser)]
    #[command(
        name = "cti-bridge",
        version,
        about = "Contact-centre bridge: decode, replay and debug vendor traffic"
    )]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Decode raw vendor messages (one JSON document, a JSON array, or JSON Lines) to
        /// normalized events, one JSON line each.
        Decode {
            /// openframe, crm-connector, agentdesktop, axp or xuc.
            #[arg(long, value_parser = parse_source)]
            from: Source,
            /// Input file (standard input when absent or `-`).
            file: Option<PathBuf>,
        },
        /// Run recorded traffic (`{"from": <source>, "msg": <raw>, "at"?: <ms>}` lines) through
        /// the decoders and the sync engine; print events, commands and a final snapshot.
        Replay {
            /// synchronized, complementary or off.
            #[arg(long, value_parser = parse_mode)]
            mode: Mode,
            /// JSON file mapping each side's status ids and reason codes.
            #[arg(long)]
            config: Option<PathBuf>,
            /// Input file (standard input when absent or `-`).
            file: Option<PathBuf>,
        },
        /// Serve the AXP and xuc simulators on a loopback port (see docs/simulators.md).
        Sim(cti_bridge_sim::cli::SimArgs),
    }

    fn parse_source(s: &str) -> Result<Source, String> {
        Source::parse(s).ok_or_else(|| {
            format!("unknown source `{s}` (expected openframe, crm-connector, agentdesktop, axp or xuc)")
        })
    }

    fn parse_mode(s: &str) -> Result<Mode, String> {
        Mode::parse(s).ok_or_else(|| {
            format!("unknown mode `{s}` (expected synchronized, complementary or off)")
        })
    }

    /// Runs the command line; returns the process exit status.
    pub fn run() -> ExitCode {
        let cli = match Cli::try_parse() {
            Ok(cli) => cli,
            Err(e) => {
                let _ = e.print();
                return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
            }
        };
        let result = match cli.command {
            Command::Sim(args) => return cti_bridge_sim::cli::run(args),
            Command::Decode { from, file } => read_input(file.as_ref()).map(|t| decode(from, &t)),
            Command::Replay { mode, config, file } => load_config(config.as_ref())
                .and_then(|cfg| read_input(file.as_ref()).map(|t| replay(mode, cfg, &t))),
        };
        match result {
            Ok(Ok(all_decoded)) => ExitCode::from(if all_decoded { 0 } else { 1 }),
            Ok(Err(e)) => {
                eprintln!("cti-bridge: cannot write output: {e}");
                ExitCode::from(2)
            }
            Err(message) => {
                eprintln!("cti-bridge: {message}");
                ExitCode::from(2)
            }
        }
    }

    fn read_input(file: Option<&PathBuf>) -> Result<String, String> {
        let mut text = String::new();
        let limit = (MAX_INPUT_BYTES + 1) as u64;
        let read = match file {
            Some(path) if path.as_os_str() != "-" => std::fs::File::open(path)
                .and_then(|f| f.take(limit).read_to_string(&mut text))
                .map_err(|e| format!("{}: {e}", path.display())),
            _ => io::stdin()
                .take(limit)
                .read_to_string(&mut text)
                .map_err(|e| format!("standard input: {e}")),
        };
        read?;
        if text.len() > MAX_INPUT_BYTES {
            return Err(format!("input is larger than {MAX_INPUT_BYTES} bytes"));
        }
        Ok(text)
    }

    fn load_config(path: Option<&PathBuf>) -> Result<Config, String> {
        let Some(path) = path else {
            return Ok(Config::default());
        };
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The messages of an input: a whole JSON document (an array is a list of
    /// messages), or else JSON Lines. Each item is numbered from 1.
    fn messages(text: &str) -> Vec<Result<Value, String>> {
        if let Ok(whole) = serde_json::from_str::<Value>(text) {
            return match whole {
                Value::Array(items) => items.into_iter().map(Ok).collect(),
                other => vec![Ok(other)],
            };
        }
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|line| {
                if line.len() > MAX_MESSAGE_BYTES {
                    return Err(format!(
                        "message is {} bytes, over the {MAX_MESSAGE_BYTES}-byte limit",
                        line.len()
                    ));
                }
                serde_json::from_str(line).map_err(|e| format!("not valid JSON: {e}"))
            })
            .collect()
    }

    /// `{"kind":"error","input":N,"reason":"..."}` for input N that could not be decoded.
    fn error_line(input: usize, reason: &str) -> Value {
        json_write::object(&[("kind", &"error"), ("input", &input), ("reason", &reason)])
    }

    fn emit(out: &mut impl Write, value: &impl ToJson) -> io::Result<()> {
        out.write_all(json_write::to_string(value).as_bytes())?;
        out.write_all(b"\n")
    }

    fn decode(from: Source, text: &str) -> io::Result<bool> {
        let mut out = BufWriter::new(io::stdout().lock());
        let mut bridge = Bridge::new(Mode::Off, Config::default()).without_dedup();
        let mut ok = true;
        for (i, message) in messages(text).into_iter().enumerate() {
            let result =
                message.and_then(|raw| bridge.ingest(from, &raw, None).map_err(|e| e.to_string()));
            match result {
                Ok(outputs) => {
                    // Mode off: only events (no commands or CRM requests) come out.
                    for o in outputs {
                        if let cti_bridge_core::Output::Event(e) = o {
                            emit(&mut out, &e)?;
                        }
                    }
                }
                Err(reason) => {
                    ok = false;
                    emit(&mut out, &error_line(i + 1, &reason))?;
                }
            }
        }
        out.flush()?;
        Ok(ok)
    }

    /// One line of a replay file.
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct ReplayLine {
        from: String,
        msg: Value,
        #[serde(default)]
        at: Option<u64>,
    }

    fn replay(mode: Mode, config: Config, text: &str) -> io::Result<bool> {
        let mut out = BufWriter::new(io::stdout().lock());
        let mut bridge = Bridge::new(mode, config);
        let mut ok = true;
        for (i, message) in messages(text).into_iter().enumerate() {
            let result = message
                .and_then(|v| {
                    serde_json::from_value::<ReplayLine>(v).map_err(|e| format!("replay line: {e}"))
                })
                .and_then(|line| {
                    let source = parse_source(&line.from)?;
                    bridge
                        .ingest(source, &line.msg, line.at)
                        .map_err(|e| e.to_string())
                });
            match result {
                Ok(outputs) => {
                    for o in &outputs {
                        emit(&mut out, o)?;
                    }
                }
                Err(reason) => {
                    ok = false;
                    emit(&mut out, &error_line(i + 1, &reason))?;
                }
            }
        }
        let mut snapshot = json_write::to_value(&bridge.snapshot());
        if let Some(map) = snapshot.as_object_mut() {
            map.insert("lastSeq".into(), json!(bridge.last_seq()));
            map.insert("stats".into(), json_write::to_value(bridge.stats()));
        }
        emit(&mut out, &snapshot)?;
        out.flush()?;
        Ok(ok)
    }
}
