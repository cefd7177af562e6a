//! The differential harness of the statement engine: corpora, the server's verdicts, the
//! comparison, schema mutations and the nullability ground truth.

pub mod corpus;
pub mod mutate;
pub mod nulls;
pub mod rust;
pub mod server;
pub mod tally;
