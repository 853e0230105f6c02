//! Golden files for the tests that pin a reader's outputs: one line per case,
//! a hash of the case's texts (the texts themselves are too large to keep).

/// The 64-bit FNV-1a hash of `text`.
pub(crate) fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Compares `text` line by line with the golden file at `path` (under the
/// crate's folder), printing the failing case's texts from `outs`;
/// `UPDATE_GOLDEN=1` rewrites the file first.
pub(crate) fn check(path: &str, text: &str, outs: &[String]) {
    let path = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, text).unwrap();
    }
    let golden = std::fs::read_to_string(&path).unwrap();
    for (i, (got, want)) in text.lines().zip(golden.lines()).enumerate() {
        assert_eq!(got, want, "line {}: {}", i + 1, outs[i]);
    }
    assert_eq!(text.lines().count(), golden.lines().count());
}
