//! Browser answers as the client's inputs: the host provider's token or
//! credentials (never echoed back) and a finished `fetch`.

use super::{text_of, Provides};
use crate::client::{Input, Secret};
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

/// A rejection's message (an `Error`'s `message` or a string), cut short.
pub(super) fn why(error: &JsValue) -> Option<String> {
    let text = text_of(error).or_else(|| text_at(error, "message"))?;
    Some(text.chars().take(200).collect())
}

/// The text at `key` of a JS object, `None` when absent or not a string
/// (the provider's answer, a rejection, a CSP violation event).
#[inline(never)]
pub(crate) fn text_at(value: &JsValue, key: &str) -> Option<String> {
    Reflect::get(value, &key.into())
        .ok()
        .and_then(|v| text_of(&v))
}

/// The provider's answer as an input (never echoing it back).
pub(super) fn secret_input(provides: Provides, value: &JsValue) -> Input {
    match provides {
        Provides::Token => match text_of(value) {
            Some(token) => Input::Token(Secret::new(token)),
            None => Input::NoToken("the token provider must give a string".into()),
        },
        Provides::Credentials => match (text_at(value, "login"), text_at(value, "password")) {
            (Some(login), Some(password)) => Input::Credentials {
                login,
                password: Secret::new(password),
            },
            _ => Input::NoToken(
                "the credentials provider must give {login, password} strings".into(),
            ),
        },
    }
}

/// A finished `fetch`: its status and JSON body (none when the body was
/// empty, unreadable or not JSON).
pub(super) fn answer(id: u32, status: u32, text: Option<String>) -> Input {
    let body = text
        .filter(|t| !t.trim().is_empty())
        .and_then(|t| crate::codec::parse_text(&t, crate::json::JsonParser::BUILT_IN).ok());
    Input::HttpDone {
        id,
        status: u16::try_from(status).unwrap_or(0),
        body,
    }
}
