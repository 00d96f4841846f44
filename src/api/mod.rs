//! The library's vocabulary: what callers ask of an [`crate::Engine`] and what they get back.
//! Plain data, with the checks of their own limits; every layer may use them.

mod index;
mod search;

pub use index::{
    DEFAULT_MAX_FILE_SIZE, Duplicate, FileIssue, IndexOptions, IndexReport, Merged, Phase, Progress, Stats,
};
pub use search::{Answer, Explanation, Kind, Part, SearchRequest, SearchResults, Sort};
