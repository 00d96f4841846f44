//! Internals that the benchmarks, the relevance harness and the fuzz targets measure one at a
//! time, behind the `lab` feature (this crate's own tests, examples and fuzz targets turn it on;
//! a build for users leaves it off). Nothing here is part of the library's API.

pub use crate::analysis::normalize::normalize;
pub use crate::analysis::region::tag as region_tags;
pub use crate::analysis::{Features, GramTokenizer, Granularity, ZhTokenizer, expect_text, jieba};
pub use crate::index::documents::file_documents;
pub use crate::index::schema;
pub use crate::index::simhash::simhash;
pub use crate::index::{batch_writer, register_tokenizers, settings};
pub use crate::search::snippet::snippet;
