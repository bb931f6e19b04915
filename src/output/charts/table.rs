//! Reading a run's CSV files for the charts: where a file's text comes from (memory, or a reader
//! the CLI opens) and the cells of its rows, found by column name.

use std::io::Read;

use super::data::DataError;

/// A function that opens a file for reading, once per pass over it.
pub type Opener<'a> = &'a dyn Fn() -> std::io::Result<Box<dyn Read>>;

/// Where the text of one file comes from.
#[derive(Clone, Copy)]
pub enum Source<'a> {
    /// The whole text, in memory.
    Text(&'a str),
    /// A reader opened for each pass (a file: read row by row, never whole).
    Reader(Opener<'a>),
}

impl std::fmt::Debug for Source<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Text(text) => write!(f, "Source::Text({} bytes)", text.len()),
            Source::Reader(_) => f.write_str("Source::Reader"),
        }
    }
}

impl<'a> Source<'a> {
    /// True for text with nothing but white space (a file a run did not write); a reader is
    /// never blank: its file holds at least a header.
    pub fn is_blank(&self) -> bool {
        matches!(self, Source::Text(text) if text.trim().is_empty())
    }

    fn open(&self, file: &'static str) -> Result<Box<dyn Read + 'a>, DataError> {
        match *self {
            Source::Text(text) => Ok(Box::new(text.as_bytes())),
            Source::Reader(open) => open().map_err(|e| DataError {
                file,
                message: format!("cannot read: {e}"),
            }),
        }
    }
}

/// A CSV reader over `source` and its header. Rows are then read one at a time into a reused
/// record: a long run has millions of rows per file.
pub(crate) fn open_table<'s>(
    file: &'static str,
    source: Source<'s>,
) -> Result<(csv::StringRecord, csv::Reader<Box<dyn Read + 's>>), DataError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .buffer_capacity(1 << 16)
        .from_reader(source.open(file)?);
    let header = reader.headers().map_err(csv_error(file))?.clone();
    Ok((header, reader))
}

pub(crate) fn csv_error(file: &'static str) -> impl Fn(csv::Error) -> DataError {
    move |e| DataError {
        file,
        message: e.to_string(),
    }
}

/// The index of a column added after the first runs: `None` in files written before it.
pub(crate) fn optional_column(header: &csv::StringRecord, name: &str) -> Option<usize> {
    header.iter().position(|h| h == name)
}

/// The cell of an optional column; empty when the file lacks the column.
pub(crate) fn optional_cell(row: &csv::StringRecord, index: Option<usize>) -> &str {
    index.and_then(|i| row.get(i)).unwrap_or("")
}

pub(crate) fn column(file: &'static str, header: &csv::StringRecord, name: &str) -> Result<usize, DataError> {
    header.iter().position(|h| h == name).ok_or_else(|| DataError {
        file,
        message: format!("missing column `{name}`"),
    })
}

/// A number cell; an empty cell is NaN (a value that does not exist, like Fargate's reservation).
pub(crate) fn number(file: &'static str, row: &csv::StringRecord, index: usize, line: usize) -> Result<f64, DataError> {
    let cell = row.get(index).unwrap_or("");
    if cell.is_empty() {
        return Ok(f64::NAN);
    }
    cell.parse().map_err(|_| DataError {
        file,
        message: format!("row {line}: `{cell}` is not a number"),
    })
}
