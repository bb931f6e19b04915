//! A merged manifest tree read into a typed `Manifest`, every problem collected.

pub mod count;
pub mod fields;
