//! The dashboard's trend chart: findings first seen per month, as bars in an inline SVG drawn
//! here by hand (no chart library, nothing from a CDN). Labels are numbers and `YYYY-MM` only,
//! so the markup needs no escaping.

use std::fmt::Write as _;

use chrono::NaiveDate;

const WIDTH: u32 = 720;
const HEIGHT: u32 = 220;
const LEFT: u32 = 40;
const BOTTOM: u32 = 30;
const TOP: u32 = 16;

/// A bar chart of `(month, count)`, with a title for screen readers.
pub fn trend_svg(points: &[(NaiveDate, u64)], title: &str) -> String {
    let max = points.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let plot_h = HEIGHT - BOTTOM - TOP;
    let slot = (WIDTH - LEFT) / u32::try_from(points.len().max(1)).unwrap_or(1);
    let bar = slot.saturating_sub(8).max(4);
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="trend-title" xmlns="http://www.w3.org/2000/svg"><title id="trend-title">{}</title>"#,
        escape(title)
    );
    let base = HEIGHT - BOTTOM;
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{LEFT}" y1="{base}" x2="{WIDTH}" y2="{base}"/>"#
    );
    let _ = write!(
        svg,
        r#"<text class="tick" x="{}" y="{}" text-anchor="end">{max}</text><text class="tick" x="{}" y="{base}" text-anchor="end">0</text>"#,
        LEFT - 6,
        TOP + 4,
        LEFT - 6
    );
    for (i, (month, n)) in points.iter().enumerate() {
        let x = LEFT + slot * u32::try_from(i).unwrap_or(0) + (slot - bar) / 2;
        let h = u32::try_from(u64::from(plot_h) * n / max).unwrap_or(plot_h);
        let label = month.format("%Y-%m");
        let _ = write!(
            svg,
            r#"<g><title>{label}: {n}</title><rect class="bar" x="{x}" y="{}" width="{bar}" height="{h}"/>"#,
            base - h
        );
        if *n > 0 {
            let _ = write!(
                svg,
                r#"<text class="value" x="{}" y="{}" text-anchor="middle">{n}</text>"#,
                x + bar / 2,
                base - h - 4
            );
        }
        let _ = write!(
            svg,
            r#"<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text></g>"#,
            x + bar / 2,
            HEIGHT - 10,
            month.format("%y-%m")
        );
    }
    svg.push_str("</svg>");
    svg
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_month() {
        let d = |m| NaiveDate::from_ymd_opt(2024, m, 1).unwrap_or_default();
        let svg = trend_svg(&[(d(1), 0), (d(2), 5), (d(3), 10)], "趋势 <x>");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title id=\"trend-title\">趋势 &lt;x&gt;</title>"));
        assert!(svg.contains("<title>2024-03: 10</title>"));
        // The tallest bar fills the plot (174 px); the half month half of it.
        assert!(svg.contains("height=\"174\""), "{svg}");
        assert!(svg.contains("height=\"87\""), "{svg}");
    }
}
