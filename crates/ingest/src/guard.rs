//! Containment of parser panics. calamine can panic on some malformed files (a truncated .xls
//! slices past its end); one bad upload must become "damaged file", never a crash or a trace.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::InputError;

thread_local! {
    static PARSING: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread is inside [`contain`]: a panic hook stays silent then, since the panic
/// is reported as a damaged file.
pub fn parsing() -> bool {
    PARSING.with(Cell::get)
}

/// Marks the current thread as parsing for as long as it lives (the typing thread).
pub(crate) fn mark_parsing() {
    PARSING.with(|p| p.set(true));
}

/// Runs `read`, turning a panic inside it into a corrupt-file error.
pub(crate) fn contain<T>(read: impl FnOnce() -> Result<T, InputError>) -> Result<T, InputError> {
    let was = PARSING.with(|p| p.replace(true));
    let outcome = catch_unwind(AssertUnwindSafe(read));
    PARSING.with(|p| p.set(was));
    outcome.unwrap_or_else(|_| {
        Err(InputError::Corrupt(
            "malformed content / 内容格式错误".to_owned(),
        ))
    })
}
