//! Batches on the port (protocol 2): a burst leaves in one post, in order,
//! every event with its own `seq`; a lone message is never held back.

use super::*;

/// Channel events per injected change (the agent state, the CRM command, its request).
const PER_CHANGE: u64 = 3;

fn xuc(i: usize) -> Value {
    let name = if i % 2 == 0 {
        "AgentOnPause"
    } else {
        "AgentReady"
    };
    json!({"msgType": "AgentStateEvent", "ctiMessage": {"name": name, "agentId": 19, "phoneNb": "1000", "since": 0, "queues": [1]}})
}

/// `count` inject requests (ids from `first`) in one batch text.
fn inject_batch(first: u64, count: usize) -> String {
    let m: Vec<Value> = (0..count)
        .map(|i| json!({"t": "request", "id": first + i as u64, "method": "inject", "params": {"source": "xuc", "msg": xuc(i)}}))
        .collect();
    json!({"t": "batch", "m": m}).to_string()
}

fn attached() -> Edge {
    let mut edge = Edge::new();
    edge.connect(None, 0, "h1");
    edge.take();
    edge
}

fn port(edge: &mut Edge, text: &str) {
    edge.channel.on_port(edge.now, Some(text), &edge.core);
    edge.run();
}

fn response_ids(messages: &[Value]) -> Vec<u64> {
    Edge::of_type(messages, "response")
        .iter()
        .map(|m| m["id"].as_u64().unwrap())
        .collect()
}

#[test]
fn a_burst_in_one_batch_is_answered_in_one_post_in_order() {
    let mut edge = attached();
    port(&mut edge, &inject_batch(1, 40));
    assert_eq!(edge.posts.len(), 1, "one post for the whole burst");
    assert_eq!(edge.posts[0]["t"], "batch");
    let messages = edge.take();
    let seqs = Edge::event_seqs(&messages);
    assert_eq!(
        seqs,
        (1..=40 * PER_CHANGE).collect::<Vec<u64>>(),
        "consecutive, none twice"
    );
    assert_eq!(response_ids(&messages), (1..=40).collect::<Vec<u64>>());
    // Each inject's answer comes after its own events, before the next one's.
    let at = |pred: &dyn Fn(&Value) -> bool| messages.iter().position(pred).unwrap();
    assert!(at(&|m| m["t"] == "response" && m["id"] == 1) < at(&|m| m["seq"] == PER_CHANGE + 1));
    let states: Vec<&str> = Edge::of_type(&messages, "event")
        .iter()
        .filter(|m| m["event"]["kind"] == "agentState")
        .map(|m| m["event"]["state"].as_str().unwrap())
        .collect();
    assert_eq!(states.len(), 40);
    assert!(states.chunks(2).all(|p| p == ["notReady", "ready"]));
}

#[test]
fn a_lone_message_goes_as_itself_at_once() {
    let mut edge = attached();
    edge.port_text(json!({"t": "ping", "n": 1}));
    assert_eq!(edge.posts, [json!({"t": "pong", "n": 1})]);
    // A live client's single event: posted in the same drive, not wrapped.
    edge.take();
    let msg = xuc(0);
    let outputs = edge
        .core
        .borrow_mut()
        .ingest(Source::Xuc, &msg, Some(edge.now))
        .unwrap();
    let outputs: Vec<Output> = outputs
        .into_iter()
        .filter(|o| matches!(o, Output::Event(_)))
        .collect();
    assert_eq!(outputs.len(), 1);
    edge.channel.on_outputs(edge.now, outputs, &edge.core);
    edge.run();
    assert_eq!(edge.posts.len(), 1);
    assert_eq!(edge.posts[0]["t"], "event");
    assert_eq!(edge.posts[0]["event"]["kind"], "agentState");
}

#[test]
fn a_big_burst_is_split_under_the_limit_with_the_order_kept() {
    let mut edge = attached();
    // 300 injects in batches the host keeps under the inbound limit.
    let mut id = 1;
    while id <= 300 {
        port(&mut edge, &inject_batch(id, 100));
        id += 100;
    }
    // The test edge checks each post is under MAX_BATCH_BYTES and no batch holds one.
    assert!(edge.posts.len() > 3, "{} posts", edge.posts.len());
    let messages = edge.take();
    assert_eq!(
        Edge::event_seqs(&messages),
        (1..=300 * PER_CHANGE).collect::<Vec<u64>>()
    );
    assert_eq!(response_ids(&messages), (1..=300).collect::<Vec<u64>>());
}

#[test]
fn a_host_resuming_mid_batch_gets_the_rest_once_and_the_gap_first() {
    let options = WidgetOptions {
        outbox_capacity: 64,
        ..options()
    };
    let mut edge = Edge::with(options, None);
    edge.connect(None, 0, "h1");
    edge.take();
    port(&mut edge, &inject_batch(1, 20));
    assert_eq!(edge.posts.len(), 1);
    let first = Edge::event_seqs(&edge.take());
    assert_eq!(first, (1..=20 * PER_CHANGE).collect::<Vec<u64>>());
    // The page reloaded after handling part of that post: it saw up to 17.
    edge.connect(Some("e1"), 17, "h2");
    let messages = edge.take();
    assert_eq!(messages[0]["t"], "ready", "ready first, in the same post");
    assert_eq!(
        Edge::event_seqs(&messages),
        (18..=20 * PER_CHANGE).collect::<Vec<u64>>()
    );
    assert!(Edge::of_type(&messages, "notice").is_empty());
    // More than the outbox keeps: a resume from 17 now hears of a gap, then the rest.
    port(&mut edge, &inject_batch(100, 40));
    let last = *Edge::event_seqs(&edge.take()).last().unwrap();
    assert_eq!(last, 60 * PER_CHANGE);
    edge.connect(Some("e1"), 17, "h2");
    let messages = edge.take();
    let notices = Edge::of_type(&messages, "notice");
    assert_eq!(
        notices[0]["event"],
        json!({"kind": "gap", "from": 18, "to": last - 64})
    );
    assert_eq!(
        Edge::event_seqs(&messages),
        ((last - 63)..=last).collect::<Vec<u64>>()
    );
    // Resuming exactly at a batch boundary: nothing replayed, nothing twice.
    edge.connect(Some("e1"), last, "h2");
    assert!(Edge::event_seqs(&edge.take()).is_empty());
}

#[test]
fn a_bad_message_in_a_batch_is_counted_and_the_rest_go_on() {
    let mut edge = attached();
    let text = json!({"t": "batch", "m": [
        {"t": "ping", "n": 1},
        {"t": "teleport"},
        {"t": "batch", "m": [{"t": "ping", "n": 9}]},
        7,
        {"t": "ping", "n": 2}
    ]})
    .to_string();
    port(&mut edge, &text);
    assert_eq!(edge.channel.dropped().malformed, 3);
    assert_eq!(
        edge.take(),
        [json!({"t": "pong", "n": 1}), json!({"t": "pong", "n": 2})]
    );
    // The inbound limit holds for a batch as a whole.
    let big = inject_batch(1, 400);
    assert!(big.len() > MAX_CHANNEL_MESSAGE);
    port(&mut edge, &big);
    assert_eq!(edge.channel.dropped().malformed, 4);
    assert!(edge.take().is_empty());
}

#[test]
fn a_version_1_host_never_gets_a_batch() {
    let mut edge = Edge::new();
    edge.inject_xuc("AgentReady");
    edge.inject_xuc("AgentOnPause");
    edge.window(
        HOST,
        true,
        json!({"cti": "connect", "v": 1, "lastSeq": 0, "hostId": "old"}),
    );
    assert!(edge.attached);
    assert!(edge.posts.iter().all(|p| p["t"] != "batch"));
    assert_eq!(edge.posts[0]["t"], "ready");
    assert_eq!(edge.posts[0]["v"], 1, "the host's version is the channel's");
    edge.take();
    port(&mut edge, &inject_batch(1, 5));
    let posts = edge.posts.len();
    assert!(edge.posts.iter().all(|p| p["t"] != "batch"));
    assert!(posts >= 5 * 2, "an event or an answer per post: {posts}");
    assert_eq!(edge.take().len(), posts);
}

#[test]
fn posts_never_cross_an_attach() {
    let post = |s: &str| Effect::Port(format!(r#"{{"t":"pong","n":{s}}}"#));
    let effects = vec![
        post("1"),
        Effect::SaveSoon,
        post("2"),
        Effect::Attach,
        post("3"),
        Effect::Call(Call::CcCommand {
            request: 1,
            name: "x".into(),
            args: vec![],
        }),
        post("4"),
    ];
    let out = batch_port_posts(effects);
    let batch = |a: &str, b: &str| {
        Effect::Port(format!(
            r#"{{"t":"batch","m":[{{"t":"pong","n":{a}}},{{"t":"pong","n":{b}}}]}}"#
        ))
    };
    assert_eq!(
        out,
        [
            batch("1", "2"),
            Effect::SaveSoon,
            Effect::Attach,
            batch("3", "4"),
            Effect::Call(Call::CcCommand {
                request: 1,
                name: "x".into(),
                args: vec![],
            }),
        ]
    );
    assert_eq!(
        batch_port_posts(vec![post("1"), Effect::Attach]),
        [post("1"), Effect::Attach]
    );
}

/// The packing rule, spelt out: messages in order, a batch closed before the
/// message that would bring its text (with `]}`) to the limit or past it.
fn packed_by_rule(texts: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut group: Vec<&str> = Vec::new();
    let wrap = |group: &[&str]| match group {
        [one] => (*one).to_owned(),
        many => format!(r#"{{"t":"batch","m":[{}]}}"#, many.join(",")),
    };
    for text in texts {
        let size =
            r#"{"t":"batch","m":[]}"#.len() + group.iter().map(|t| t.len() + 1).sum::<usize>();
        if !group.is_empty() && size + text.len() + 1 > MAX_BATCH_BYTES {
            out.push(wrap(&group));
            group.clear();
        }
        group.push(text);
    }
    if !group.is_empty() {
        out.push(wrap(&group));
    }
    out
}

#[test]
fn batches_are_packed_as_written_up_to_the_limit_and_a_big_message_goes_alone() {
    let message = |len: usize| format!(r#"{{"t":"pong","n":"{}"}}"#, "x".repeat(len));
    // Sizes around the limit: batches closing exactly at it, one byte before, one
    // message bigger than a batch, lone messages between.
    for sizes in [
        vec![10, 20, 30],
        vec![MAX_BATCH_BYTES / 2 - 20; 4],
        vec![MAX_BATCH_BYTES / 2 - 19; 4],
        vec![MAX_BATCH_BYTES / 2 - 18; 4],
        vec![5, MAX_BATCH_BYTES + 10, 5, 5],
        vec![MAX_BATCH_BYTES - 30, 1, 2, MAX_BATCH_BYTES - 40, 3],
        vec![7],
    ] {
        let texts: Vec<String> = sizes.iter().map(|&n| message(n)).collect();
        let effects: Vec<Effect> = texts.iter().cloned().map(Effect::Port).collect();
        let posts: Vec<String> = batch_port_posts(effects)
            .into_iter()
            .map(|e| match e {
                Effect::Port(text) => text,
                other => panic!("not a post: {other:?}"),
            })
            .collect();
        assert_eq!(posts, packed_by_rule(&texts), "sizes {sizes:?}");
        for post in &posts {
            let value: Value = serde_json::from_str(post).unwrap();
            assert!(
                post.len() <= MAX_BATCH_BYTES || value["t"] == "pong",
                "{} bytes",
                post.len()
            );
        }
    }
}
