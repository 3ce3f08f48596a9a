//! Input adapters: turn what the user has into values the engine reads.
//!
//! For now: Set-Cookie lines as a user pastes them (with or without the
//! `Set-Cookie:` name), from arguments or from standard input.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod set_cookie_lines;

pub use set_cookie_lines::{
    InputError, MAX_INPUT_BYTES, MAX_LINE_BYTES, SetCookieLine, read_set_cookie_lines,
    set_cookie_line,
};
