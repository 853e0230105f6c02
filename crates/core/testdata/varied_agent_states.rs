// The varied xuc agent states that the compact outputs' tests feed
// (`json_write_tests.rs` natively, `tests/web.rs` in the browser), text
// `n` of the stream: names in turn, a long phone number every 7th, `data` a
// number, a string, a key `__proto__`, a number beyond `u32`, two members,
// `null`, and agent ids, queues and a quoted queue name that repeat at
// different rates (so that held strings are taken over). `include!`d.

/// Text `n` of the varied agent-state stream (`long`: the long phone number).
fn varied_agent_state(n: u64, long: &str) -> String {
    let name = ["AgentReady", "AgentOnPause", "AgentOnCall"][(n % 3) as usize];
    let phone = if n % 7 == 0 {
        long.to_owned()
    } else {
        format!("{}", 1000 + n % 90)
    };
    let data = match n % 6 {
        0 => format!(r#""since":{n}"#),
        1 => format!(r#""since":"t{}""#, n % 4),
        2 => format!(r#""__proto__":{n}"#),
        3 => r#""since":5000000000"#.to_owned(),
        4 => r#""since":1.5,"acd":true"#.to_owned(),
        _ => r#""callType":null"#.to_owned(),
    };
    format!(
        r#"{{"msgType":"AgentStateEvent","ctiMessage":{{"name":"{name}","agentId":{},"phoneNb":"{phone}",{data},"queues":[{},{},"q\"{}"],"cause":""}}}}"#,
        n % 50,
        n % 11,
        n % 130,
        n % 3
    )
}
