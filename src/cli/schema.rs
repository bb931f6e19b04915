//! `ecsim schema`: prints the JSON Schema of scenario files for editors and CI.

use std::io::Write as _;

use super::EXIT_INTERNAL;
use crate::scenario::schema::json_schema_text;

/// Prints the schema to stdout; exit 0, or 3 if stdout cannot be written.
pub fn schema() -> u8 {
    let text = json_schema_text();
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => 0,
        // `ecsim schema | head` closes the pipe early; that is not a failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("error: cannot write the schema: {e}");
            EXIT_INTERNAL
        }
    }
}
