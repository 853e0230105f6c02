//! Texts built without `core::fmt`: a `format!` costs an argument table and
//! a trip through the formatter at every call site; `[..].concat()` of the
//! parts and [`num`] for the numbers write the same text.

/// An integer in decimal, as `Display` writes it.
pub fn num<T: itoa::Integer>(n: T) -> String {
    itoa::Buffer::new().format(n).to_owned()
}

/// The parts, joined.
pub fn cat(parts: &[&str]) -> String {
    parts.concat()
}
