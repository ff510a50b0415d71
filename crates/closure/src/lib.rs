//! Compilation of nested functions: three independent IR-to-IR passes and the
//! strategies that combine them (design notes, "The problem at the centre").
//!
//! - [`inline`]: copies a nested function's body to its call sites;
//! - [`boxing`]: assignment conversion, moving shared variables into heap `Ref` cells;
//! - [`lift`]: lambda lifting, moving nested functions to the top level with their
//!   free variables as extra parameters;
//! - [`simplify`]: constant folding and dead branches, the cleanup after inlining;
//! - [`auto`]: the heuristic choosing what to inline;
//! - [`strategy`]: the `ref`, `lift`, `inline` and `auto` pipelines;
//! - [`report`]: what the pipeline did with each nested function and captured
//!   variable, and why.

#![warn(missing_docs)]

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub mod auto;
pub mod boxing;
pub mod inline;
pub mod lift;
pub mod report;
pub mod simplify;
pub mod strategy;

pub use auto::InlineConfig;
pub use strategy::{lower, run, run_with, Stages, Strategy};
