# Sourced by the project scripts: decides how to build for wasm32 on this machine.
#
# Case 1: rustup has the wasm32-unknown-unknown target -> plain `cargo --target wasm32-unknown-unknown`.
# Case 2: it does not (no network for rustup) -> Debian's rustc-web toolchain, std built from
#         source with -Zbuild-std, linked by wasm-ld-22 (see ../shared/TOOLCHAIN.md).

WASM_BINDGEN_VERSION=0.2.130
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export ROOT

if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    WASM_TOOLCHAIN=rustup
else
    WASM_TOOLCHAIN=debian
fi
export WASM_TOOLCHAIN

# Runs cargo for the wasm32 target with the right toolchain; extra arguments follow.
wasm_cargo() {
    local sub=$1
    shift
    if [ "$WASM_TOOLCHAIN" = rustup ]; then
        CARGO_TARGET_DIR="$ROOT/target/wasm" cargo "$sub" --target wasm32-unknown-unknown "$@"
    else
        PATH=/usr/bin:$PATH RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
            CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22 \
            CARGO_TARGET_DIR="$ROOT/target/wasm" \
            /usr/bin/cargo "$sub" --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort "$@"
    fi
}

# Prints "raw N bytes, gzip M bytes" for a file.
size_of() {
    printf '%-28s raw %8d bytes   gzip %8d bytes\n' "$(basename "$1")" "$(wc -c <"$1")" "$(gzip -9 -c "$1" | wc -c)"
}
