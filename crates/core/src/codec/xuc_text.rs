//! xuc's hot frame, the agent state (`AgentStateEvent`), read straight from
//! its text into the typed event: no [`Value`] tree for the frame, no second
//! pass over it.
//!
//! Only the plain shape is read here: `{"msgType": "AgentStateEvent",
//! "ctiMessage": {...}}` with the vendor's spellings, strings without
//! escapes, integers, `true` / `false` / `null`, each key once, nothing
//! nested but the `queues` list. Anything else (another message, an alias,
//! an escape, a float, a duplicate key, an error of any kind) gives `None`
//! and goes to the general decoder ([`super::xuc::decode`]), which reads it
//! and words its errors; what is read here decodes exactly as it does there
//! (tested on every fixture and on mutated texts).

use super::MAX_MESSAGE_BYTES;
use crate::model::{Decoded, EventBody};
use serde_json::{Map, Value};

/// The frame decoded, when it is an agent state in the plain shape; `None`
/// sends it to the general decoder.
pub fn decode(text: &str) -> Option<Decoded> {
    decode_body(text).map(Decoded::one)
}

/// [`decode`]'s one event alone (no envelope, no event id: a plain agent
/// state has neither), without the list of one.
pub fn decode_body(text: &str) -> Option<EventBody> {
    if text.len() > MAX_MESSAGE_BYTES {
        return None;
    }
    let mut scan = Scan {
        bytes: text.as_bytes(),
        text,
        at: 0,
    };
    let mut typed = false;
    let mut body = None;
    scan.members(|scan, key| match key {
        "msgType" if !typed => {
            typed = true;
            matches!(scan.scalar()?, Scalar::Str("AgentStateEvent")).then_some(())
        }
        "ctiMessage" if body.is_none() => {
            body = Some(agent_state(scan)?);
            Some(())
        }
        _ => None,
    })?;
    scan.skip_space();
    if scan.at != scan.bytes.len() || !typed {
        return None;
    }
    body
}

/// The place of a `ctiMessage` key read into the event's fields: `name`,
/// `agentId`, `phoneNb`, `cause`, `queues`, then the aliases the general
/// decoder also knows (which send the frame there); `None` for the others
/// (they go to its `data`). A `match`: a length test, then one compare.
fn key_index(key: &str) -> Option<usize> {
    Some(match key {
        "name" => 0,
        "agentId" => 1,
        "phoneNb" => 2,
        "cause" => 3,
        "queues" => 4,
        "agentid" => 5,
        "phoneNumber" => 6,
        _ => return None,
    })
}

/// The `ctiMessage` of an agent state (as `xuc::agent_state` reads it).
fn agent_state(scan: &mut Scan<'_>) -> Option<EventBody> {
    // name, agentId, phoneNb, cause (`None`: absent).
    let mut fields: [Option<Scalar<'_>>; 4] = [None, None, None, None];
    let mut queues: Option<Option<Vec<String>>> = None;
    let mut data = Map::new();
    scan.members(|scan, key| {
        match key_index(key) {
            Some(4) if queues.is_none() => queues = Some(scan.texts()?),
            Some(i) => {
                // A repeated key or an alias: the general decoder's.
                let slot = fields.get_mut(i).filter(|slot| slot.is_none())?;
                *slot = Some(scan.scalar()?);
            }
            None => {
                let value = scan.scalar()?.value();
                if data.insert(key.to_owned(), value).is_some() {
                    return None;
                }
            }
        }
        Some(())
    })?;
    let [Some(Scalar::Str(name)), agent_id, phone, cause] = fields else {
        return None;
    };
    Some(super::xuc::agent_state_event(
        super::xuc::exact_state(name)?,
        opt_string(cause)?,
        opt_string(agent_id)?,
        opt_string(phone)?,
        queues.flatten().unwrap_or_default(),
        data,
    ))
}

/// As `fields::opt_string`: absent, `null` and `""` are `None`, an integer
/// its digits; a boolean is the general decoder's error (`None`).
fn opt_string(field: Option<Scalar<'_>>) -> Option<Option<String>> {
    match field {
        None | Some(Scalar::Null | Scalar::Str("")) => Some(None),
        Some(Scalar::Str(s) | Scalar::Int(s)) => Some(Some(s.to_owned())),
        Some(Scalar::Bool(_)) => None,
    }
}

/// A scalar JSON value in the plain shape.
enum Scalar<'a> {
    /// A string without escapes (its content).
    Str(&'a str),
    /// An integer of at most 18 digits, in its canonical text.
    Int(&'a str),
    Bool(bool),
    Null,
}

impl Scalar<'_> {
    /// As the JSON parser builds it (non-negative integers `u64`, negative `i64`).
    fn value(self) -> Value {
        match self {
            Scalar::Str(s) => Value::String(s.to_owned()),
            Scalar::Int(t) => {
                // At most 18 digits: no overflow.
                let digits = t.trim_start_matches('-');
                let n = digits
                    .bytes()
                    .fold(0u64, |n, d| n * 10 + u64::from(d.wrapping_sub(b'0')));
                if digits.len() < t.len() {
                    Value::from((n as i64).wrapping_neg())
                } else {
                    Value::from(n)
                }
            }
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Null => Value::Null,
        }
    }
}

/// `-?(0|[1-9][0-9]*)`, at most 18 digits, not `-0` (a fraction, an
/// exponent, a longer integer: the general parser reads them).
fn integer(word: &str) -> Option<&str> {
    let digits = word.strip_prefix('-').unwrap_or(word);
    let canonical = !digits.starts_with('0') || (digits == "0" && digits.len() == word.len());
    (canonical && (1..=18).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(word)
}

/// A cursor over the frame's bytes; every reader returns `None` for what
/// the plain shape does not hold.
struct Scan<'a> {
    bytes: &'a [u8],
    text: &'a str,
    at: usize,
}

impl<'a> Scan<'a> {
    #[inline(never)]
    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    /// The next byte after blanks, consumed (a byte that is no blank, as
    /// `JSON.stringify` writes them all, without the call to skip blanks).
    #[inline]
    fn next(&mut self) -> Option<u8> {
        let mut b = *self.bytes.get(self.at)?;
        if b <= b' ' {
            self.skip_space();
            b = *self.bytes.get(self.at)?;
        }
        self.at += 1;
        Some(b)
    }

    /// An object, `each` reading the value of every key (the cursor after
    /// its `:`).
    fn members(&mut self, mut each: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        (self.next()? == b'{').then_some(())?;
        self.skip_space();
        if self.bytes.get(self.at) == Some(&b'}') {
            self.at += 1;
            return Some(());
        }
        loop {
            (self.next()? == b'"').then_some(())?;
            let key = self.string()?;
            (self.next()? == b':').then_some(())?;
            each(self, key)?;
            match self.next()? {
                b',' => {}
                b'}' => return Some(()),
                _ => return None,
            }
        }
    }

    /// The rest of a string after its `"`: no escape, no control character.
    fn string(&mut self) -> Option<&'a str> {
        let start = self.at;
        let mut end = start;
        // One table load per byte instead of three compares.
        while let Some(false) = crate::json_write::ESCAPED.get(usize::from(*self.bytes.get(end)?)) {
            end += 1;
        }
        (self.bytes.get(end) == Some(&b'"')).then_some(())?;
        self.at = end + 1;
        self.text.get(start..end)
    }

    /// A string, an integer, `true`, `false` or `null` (a literal told by
    /// its first byte and compared as a fixed-size array: no `memcmp`).
    fn scalar(&mut self) -> Option<Scalar<'a>> {
        match self.next()? {
            b'"' => self.string().map(Scalar::Str),
            b't' => self.literal(*b"rue", Scalar::Bool(true)),
            b'f' => self.literal(*b"alse", Scalar::Bool(false)),
            b'n' => self.literal(*b"ull", Scalar::Null),
            _ => {
                self.at -= 1;
                let start = self.at;
                while !self.word_ends() {
                    self.at += 1;
                }
                integer(self.text.get(start..self.at)?).map(Scalar::Int)
            }
        }
    }

    /// The rest of a literal (after its first byte), which must end there.
    fn literal<const N: usize>(&mut self, rest: [u8; N], value: Scalar<'a>) -> Option<Scalar<'a>> {
        let end = self.at.checked_add(N)?;
        let found = <[u8; N]>::try_from(self.bytes.get(self.at..end)?).ok()?;
        self.at = end;
        (found == rest && self.word_ends()).then_some(value)
    }

    /// Whether a literal or number ends here (what may follow a value).
    fn word_ends(&self) -> bool {
        matches!(
            self.bytes.get(self.at),
            None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
        )
    }

    /// `null`, or a list of strings and integers (as `fields::string` reads
    /// them: strings as they are, integers their digits).
    fn texts(&mut self) -> Option<Option<Vec<String>>> {
        self.skip_space();
        if self.bytes.get(self.at) != Some(&b'[') {
            return match self.scalar()? {
                Scalar::Null => Some(None),
                _ => None,
            };
        }
        self.at += 1;
        let mut items = Vec::new();
        self.skip_space();
        if self.bytes.get(self.at) == Some(&b']') {
            self.at += 1;
            return Some(Some(items));
        }
        loop {
            match self.scalar()? {
                Scalar::Str(s) | Scalar::Int(s) => items.push(s.to_owned()),
                _ => return None,
            }
            match self.next()? {
                b',' => {}
                b']' => return Some(Some(items)),
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{parse_text, xuc, JsonParser};
    use crate::error::DecodeError;

    /// What the general path makes of `text`: the built-in parser, then the
    /// xuc decoder.
    fn general(text: &str) -> Result<Decoded, DecodeError> {
        xuc::decode(&parse_text(text, JsonParser::BUILT_IN)?)
    }

    /// Whether the fast path read `text`; when it did, its result is the
    /// general path's.
    fn agrees(text: &str) -> bool {
        match decode(text) {
            Some(fast) => {
                assert_eq!(general(text), Ok(fast), "{text}");
                true
            }
            None => false,
        }
    }

    /// Every fixture line, the seed's and the bench's frames, and variants
    /// of the plain shape around each rule the fast path follows.
    fn corpus() -> Vec<String> {
        let mut texts: Vec<String> = include_str!("../../../../tests/fixtures/xuc.jsonl")
            .lines()
            .map(str::to_owned)
            .collect();
        let cti =
            |body: &str| format!(r#"{{"msgType":"AgentStateEvent","ctiMessage":{{{body}}}}}"#);
        for body in [
            // The bench page's frames (`JSON.stringify` of its objects).
            r#""name":"AgentReady","agentId":19,"phoneNb":"1000","since":0,"queues":[1,4],"cause":"""#,
            r#""name":"AgentOnPause","agentId":19,"phoneNb":"1000","since":0,"queues":[1,4],"cause":"""#,
            // The seed's (PROTOCOLS.md's xuc examples).
            r#""name":"AgentOnCall","agentId":19,"phoneNb":"1000","since":0,"queues":[8,14,170,4,1], "acd":false,"direction":"Incoming","callType":"External","monitorState":"ACTIVE""#,
            r#""name":"AgentOnPause","cause":"lunch","agentId":"7""#,
            r#""name":"AgentOnPause","cause":null,"agentId":null,"phoneNb":"","queues":null"#,
            r#""name":"AgentReady","cause":"back","queues":["a","",3],"x":null,"y":true,"z":-12"#,
            r#""name":"AgentReady","agentId":-3,"phoneNb":123456789012345678"#,
            r#""name":"AgentReady","agentId":1234567890123456789"#,
            r#""name":"AgentReady","agentId":0,"n":-0"#,
            r#""name":"AgentReady","agentId":01"#,
            r#""name":"AgentReady","agentId":1.5"#,
            r#""name":"AgentReady","agentId":1e3"#,
            r#""name":"AgentReady","agentId":true"#,
            // Literals told by their first byte: whole, cut, longer, other case.
            r#""name":"AgentReady","a":false,"b":null,"c":true"#,
            r#""name":"AgentReady","a":tru"#,
            r#""name":"AgentReady","a":nul,"b":1"#,
            r#""name":"AgentReady","a":falsey"#,
            r#""name":"AgentReady","a":nulll"#,
            r#""name":"AgentReady","a":True"#,
            r#""name":"AgentReady","a":t"#,
            r#""name":"AgentReady","a":n}"#,
            r#""name":"AgentReady","a":true ,"b":false	"#,
            r#""name":"AgentReady","agentId":[19]"#,
            r#""name":"AgentReady","agentid":19"#,
            r#""name":"AgentReady","agentId":19,"agentid":20"#,
            r#""name":"AgentReady","phoneNumber":"1000""#,
            r#""name":"AgentReady","name":"AgentOnPause""#,
            r#""name":"AgentReady","since":1,"since":2"#,
            r#""name":"agentready""#,
            r#""name":"Cti.AgentReady""#,
            r#""name":"Nope""#,
            r#""name":"""#,
            r#""name":19"#,
            r#""name":null"#,
            r#""agentId":19"#,
            r#""name":"Agent\u0052eady""#,
            r#""name":"AgentReady","cause":"a\"b""#,
            r#""name":"AgentReady","data":{"a":1}"#,
            r#""name":"AgentReady","queues":[[1]]"#,
            r#""name":"AgentReady","queues":[1,]"#,
            r#""name":"AgentReady","queues":{}"#,
            r#""name":"AgentReady","queues":[]"#,
            r#""name":"AgentReady","é":"ü😀""#,
            r#""name":"AgentReady","":"""#,
            r#""name":"AgentLoggedOut""#,
            r#""name":"AgentReady","#,
            r#""name" : "AgentReady" , "agentId" : 19 , "queues" : [ 1 , "2" ] "#,
        ] {
            texts.push(cti(body));
        }
        texts.extend(
            [
                r#"{"ctiMessage":{"name":"AgentReady"},"msgType":"AgentStateEvent"}"#,
                r#" { "msgType" : "AgentStateEvent" , "ctiMessage" : { } } "#,
                "\n{\"msgType\":\"AgentStateEvent\",\"ctiMessage\":{\"name\":\"AgentReady\"}}\n",
                r#"{"msgType":"AgentStateEvent","ctiMessage":{"name":"AgentReady"}}x"#,
                r#"{"msgType":"AgentStateEvent","ctiMessage":{"name":"AgentReady"}}}"#,
                r#"{"msgType":"AgentStateEvent","ctiMessage":{"name":"AgentReady"},"x":1}"#,
                r#"{"msgType":"AgentStateEvent","ctiMessage":{"name":"AgentReady"},"msgType":"Sheet"}"#,
                r#"{"msgType":"agentstateevent","ctiMessage":{"name":"AgentReady"}}"#,
                r#"{"msgType":"AgentStateEvent","ctiMessage":null}"#,
                r#"{"msgType":"AgentStateEvent"}"#,
                r#"{"msgType":null,"Error":"PhoneNumberUnknown"}"#,
                r#"{"msgType":"AgentStateEvent","ctiMessage":"AgentReady"}"#,
                r#"["msgType"]"#,
                "",
                "{",
            ]
            .map(str::to_owned),
        );
        texts
    }

    #[test]
    fn the_plain_shape_decodes_as_the_general_decoder_does() {
        let texts = corpus();
        let read = texts.iter().filter(|t| agrees(t)).count();
        // Every fixture agent state and the plain variants above are read
        // here (the test would prove nothing if none were).
        assert!(
            read >= 20,
            "{read} of {} read by the fast path",
            texts.len()
        );
        assert!(agrees(&texts[texts.len() - 15]));
    }

    /// Each text of the corpus mutated: every byte removed, replaced by or
    /// preceded by a byte that changes a JSON token, cut at every length,
    /// and random runs of those edits (a fixed seed).
    #[test]
    fn mutated_texts_decode_as_the_general_decoder_does() {
        const BYTES: &[u8] = b"\"\\0129-.eE+ \t{}[],:ntfu\x01A";
        let seeds: Vec<String> = corpus()
            .into_iter()
            .filter(|t| decode(t).is_some())
            .collect();
        let (mut tried, mut read) = (0usize, 0usize);
        let mut check = |bytes: &[u8]| {
            if let Ok(text) = std::str::from_utf8(bytes) {
                tried += 1;
                read += usize::from(agrees(text));
            }
        };
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        for seed in &seeds {
            let bytes = seed.as_bytes();
            for i in 0..bytes.len() {
                let mut cut = bytes.to_vec();
                cut.truncate(i);
                check(&cut);
                let mut removed = bytes.to_vec();
                removed.remove(i);
                check(&removed);
                for &b in BYTES {
                    let mut replaced = bytes.to_vec();
                    replaced[i] = b;
                    check(&replaced);
                    let mut inserted = bytes.to_vec();
                    inserted.insert(i, b);
                    check(&inserted);
                }
            }
            for _ in 0..200 {
                let mut text = bytes.to_vec();
                for _ in 0..1 + next() % 4 {
                    let at = (next() as usize) % (text.len() + 1);
                    let b = BYTES[(next() as usize) % BYTES.len()];
                    match next() % 3 {
                        0 if at < text.len() => text[at] = b,
                        1 if at < text.len() => {
                            text.remove(at);
                        }
                        _ => text.insert(at, b),
                    }
                }
                check(&text);
            }
        }
        eprintln!("{read} of {tried} mutated texts read by the fast path");
        assert!(tried > 10_000 && read > 1_000, "{read} of {tried} read");
    }
}
