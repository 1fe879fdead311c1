//! One module per subcommand.

pub mod bench;
pub mod explore;
pub mod hunt;
pub mod kernels;
pub mod matrix;
pub mod replay;
