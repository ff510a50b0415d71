//! A random ChocoPy program generator of our own, and the differential testing built
//! on it: every generated program is run by CPython (the semantic oracle: every valid
//! ChocoPy program is a Python program, 32-bit overflow aside) and compiled under each
//! closure strategy; a mismatch is reduced to a small program automatically.
//!
//! - [`ast`]: the generator's program representation and printer;
//! - [`generate`]: the seeded, type-directed generator;
//! - [`python`]: a persistent CPython process running programs with a time limit;
//! - [`diff`]: one program through CPython, every strategy and every printed pass;
//! - [`reduce`]: delta debugging over statements and expressions;
//! - [`mutate`]: token-level mutations (deleted, swapped, duplicated tokens; reserved
//!   words put in) for testing the front end;
//! - [`reference`]: the Berkeley reference implementation as an oracle for the front
//!   end (JSON ASTs and error lists);
//! - [`scale`]: large programs of repeated units, for compile-time benchmarks.
//!
//! The command `cargo run --release -p chocopy-gen -- --count 10000 --seed S` runs
//! the differential test on any number of programs.

#![warn(missing_docs)]

pub mod ast;
pub mod diff;
pub mod generate;
pub mod mutate;
pub mod python;
pub mod reduce;
pub mod reference;
pub mod scale;

pub use ast::{print_program, Layout, Mode, Program};
pub use generate::{generate, Config};
