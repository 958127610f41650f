//! Jepsen's EDN history format, so that histories recorded here can be checked by Jepsen and
//! Knossos, and theirs (or Porcupine's test histories) here.

mod codec;
mod error;
mod jepsen;
mod kv;
mod parse;
mod register;
mod set;
mod value;

pub use codec::{EdnCodec, Encoded};
pub use error::EdnError;
pub use jepsen::{read_history, write_history};
pub use parse::parse;
pub use value::{Edn, Pos, Value};
