#![doc = include_str!("../README.md")]

mod analysis;
mod api;
mod article;
mod engine;
mod error;
#[cfg(feature = "lab")]
pub mod eval;
mod index;
mod ingest;
#[cfg(feature = "lab")]
pub mod lab;
mod search;

pub use api::{
    Answer, DEFAULT_MAX_FILE_SIZE, Duplicate, Explanation, FileIssue, IndexOptions, IndexReport, Kind, Merged, Part,
    Phase, Progress, SearchRequest, SearchResults, Sort, Stats,
};
pub use article::{Article, Date, Section, Teaser};
pub use engine::Engine;
pub use error::{Error, Result};
pub use ingest::{PageProblem, parse_file};
