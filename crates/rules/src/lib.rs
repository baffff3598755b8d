//! Rule packs and, with the rule engine, the evaluation of records into findings. A pack names
//! the rules and parameters a jurisdiction applies and carries a version every report quotes.
//! Pure: reads only the rule files compiled into it or given to it.

mod pack;

pub use pack::{Pack, PackError};
