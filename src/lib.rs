#![doc = include_str!("../README.md")]

pub mod analysis;
pub mod article;
mod engine;
mod error;
pub mod eval;
pub mod index;
pub mod ingest;
pub mod search;

pub use article::{Article, Date, Section, Teaser};
pub use engine::Engine;
pub use error::{Error, Result};
pub use index::stats::Stats;
pub use index::sync::{Duplicate, FileIssue, IndexOptions, IndexReport, Merged, Phase, Progress};
pub use search::{Answer, Kind, SearchRequest, SearchResults};
