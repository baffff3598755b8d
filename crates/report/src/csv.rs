//! `--format csv`: one row per finding, UTF-8 with a byte-order mark so that Excel opens the
//! Chinese text correctly, every text cell escaped against formula injection.

use super::Report;
use super::columns::{HEADERS, values};
use super::escape::spreadsheet_text;

const BOM: &[u8] = b"\xef\xbb\xbf";

pub fn render_csv(report: &Report) -> anyhow::Result<Vec<u8>> {
    let mut w = ::csv::Writer::from_writer(BOM.to_vec());
    w.write_record(HEADERS)?;
    for f in &report.findings {
        w.write_record(values(f).iter().map(|v| spreadsheet_text(v).into_owned()))?;
    }
    w.into_inner()
        .map_err(|e| anyhow::Error::new(e.into_error()))
}
