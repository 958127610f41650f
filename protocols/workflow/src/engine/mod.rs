//! The workflow engine as a replicated state machine: the orders its coordinators agree on,
//! the state they build, and the model its history is checked against.

mod model;
mod order;
mod state;
mod task_table;

pub use model::{EngineModel, SubjectState};
pub use order::{Answer, Order, Subject};
pub use state::{EngineState, TaskRecord};
