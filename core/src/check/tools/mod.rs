//! What is built on the explorer: the families of roots it explores, its estimate, the kernel
//! matrix and its pages, the answer to "is my kernel affected?", the nearest provable config,
//! the patches' fault paths and a first cause followed to its consequence. Each calls the
//! public entry points of [`super`] (`explore`, `explore_roots`), none the search's inside.

pub mod answer;
pub mod cell_run;
pub mod cell_text;
pub mod consequence;
pub mod estimate;
pub mod family;
pub mod matrix;
pub mod matrix_doc;
pub mod patch_checks;
pub mod provable;
