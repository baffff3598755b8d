//! The funnel plot of sex ratio at birth per institution-period, as an inline SVG drawn by hand
//! (no script, nothing fetched): births on x, the ratio on y, the normal band shaded, the 95%
//! and 99.8% binomial limits around the normal ratio, one dot per institution-period with a
//! tooltip, flagged ones red. Institution-periods under 5 births are left out (DOMAIN §4.6).

use std::fmt::Write as _;

use auditor_rules::srb::{SexRatio, SrbPoint, ratio, shown};
use auditor_rules::stats::{funnel_limit, share_of_srb, srb_of_share};

use crate::Lang;
use crate::escape::markup as esc;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 380.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 48.0;
/// Fewer births than this are not drawn: a dot would single out a family.
pub const SMALLEST_SHOWN: u64 = 5;

/// Whether an institution-period is drawn.
pub fn is_shown(p: &SrbPoint) -> bool {
    p.births() >= SMALLEST_SHOWN
}

struct Frame {
    x_max: f64,
    y_min: f64,
    y_max: f64,
}

impl Frame {
    fn x(&self, n: f64) -> f64 {
        LEFT + (WIDTH - LEFT - RIGHT) * n / self.x_max
    }

    /// Ratios beyond the frame sit on its edge; the tooltip still tells the value.
    fn y(&self, srb: f64) -> f64 {
        let s = if srb.is_nan() {
            self.y_min
        } else {
            srb.clamp(self.y_min, self.y_max)
        };
        TOP + (HEIGHT - TOP - BOTTOM) * (self.y_max - s) / (self.y_max - self.y_min)
    }
}

/// A round step for about `ticks` ticks over `span`: 1, 2 or 5 times a power of ten.
fn step_for(span: f64, ticks: f64) -> f64 {
    let raw = (span / ticks).max(1.0);
    let power = 10_f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power)
}

pub fn funnel_svg(chart: &SexRatio, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let tr = |a: &'static str, b: &'static str| if zh { a } else { b };
    let norms = chart.norms;
    let shown_points: Vec<&SrbPoint> = chart.points.iter().filter(|p| is_shown(p)).collect();
    let n_max = shown_points.iter().map(|p| p.births()).max().unwrap_or(100) as f64;
    let x_step = step_for(n_max, 5.0);
    let x_max = ((n_max * 1.05) / x_step).ceil() * x_step;
    let finite: Vec<f64> = shown_points
        .iter()
        .map(|p| p.srb)
        .filter(|s| s.is_finite())
        .collect();
    let lowest = finite.iter().copied().fold(norms.band_low - 25.0, f64::min);
    let highest = finite
        .iter()
        .copied()
        .fold(norms.band_high + 25.0, f64::max);
    let frame = Frame {
        x_max,
        y_min: ((lowest - 5.0) / 10.0).floor().max(0.0) * 10.0,
        y_max: ((highest + 5.0) / 10.0).ceil().min(250.0) * 10.0,
    };
    let title = tr("出生性别比漏斗图", "Funnel plot of the sex ratio at birth");
    let mut svg = format!(
        r#"<svg class="funnel" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="funnel-title" xmlns="http://www.w3.org/2000/svg" font-size="11" font-family="sans-serif"><title id="funnel-title">{title}</title>"#
    );
    let (x0, x1) = (frame.x(0.0), frame.x(x_max));
    // The normal band.
    let (band_top, band_bottom) = (frame.y(norms.band_high), frame.y(norms.band_low));
    let _ = write!(
        svg,
        r##"<rect x="{x0:.1}" y="{band_top:.1}" width="{:.1}" height="{:.1}" fill="#d9ead3"><title>{} {}–{}</title></rect>"##,
        x1 - x0,
        band_bottom - band_top,
        tr("正常范围", "Normal band"),
        norms.band_low,
        norms.band_high
    );
    // Axes and ticks.
    let base = HEIGHT - BOTTOM;
    let _ = write!(
        svg,
        r##"<g stroke="#555"><line x1="{x0:.1}" y1="{base}" x2="{x1:.1}" y2="{base}"/><line x1="{x0:.1}" y1="{TOP}" x2="{x0:.1}" y2="{base}"/></g>"##
    );
    let mut tick = 0.0;
    while tick <= x_max + 0.5 {
        let x = frame.x(tick);
        let _ = write!(
            svg,
            r##"<text x="{x:.1}" y="{:.1}" text-anchor="middle" fill="#555">{tick}</text>"##,
            base + 14.0
        );
        tick += x_step;
    }
    let y_step = step_for(frame.y_max - frame.y_min, 8.0);
    let mut level = (frame.y_min / y_step).ceil() * y_step;
    while level <= frame.y_max + 0.01 {
        let y = frame.y(level);
        let _ = write!(
            svg,
            r##"<line x1="{x0:.1}" y1="{y:.1}" x2="{x1:.1}" y2="{y:.1}" stroke="#eee"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#555">{level}</text>"##,
            x0 - 6.0,
            y + 4.0
        );
        level += y_step;
    }
    let _ = write!(
        svg,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#333">{}</text><text transform="translate(14 {:.1}) rotate(-90)" text-anchor="middle" fill="#333">{}</text>"##,
        f64::midpoint(x0, x1),
        HEIGHT - 8.0,
        tr("活产数（男 + 女）", "Live births (boys + girls)"),
        f64::midpoint(TOP, base),
        tr(
            "出生性别比（男/女 × 100）",
            "Sex ratio at birth (boys per 100 girls)"
        ),
    );
    // The normal ratio and its binomial limits.
    let p0 = share_of_srb(norms.p0_srb);
    let y0 = frame.y(norms.p0_srb);
    let _ = write!(
        svg,
        r##"<line x1="{x0:.1}" y1="{y0:.1}" x2="{x1:.1}" y2="{y0:.1}" stroke="#38761d"/>"##
    );
    for (prob, dash, label) in [
        (0.025, "", tr("95% 控制限", "95% limits")),
        (
            0.001,
            r#" stroke-dasharray="4 3""#,
            tr("99.8% 控制限", "99.8% limits"),
        ),
    ] {
        for side in [prob, 1.0 - prob] {
            // Where the limit leaves the frame (small n) the curve is not drawn, rather than
            // run along the frame's edge.
            let mut path = String::new();
            let mut pen_down = false;
            let mut last_n = 0;
            for k in 0..=120 {
                // Denser at small n, where the limits bend most.
                let f = f64::from(k) / 120.0;
                let n = (SMALLEST_SHOWN as f64 + (x_max - SMALLEST_SHOWN as f64) * f * f).round()
                    as u64;
                if n == last_n {
                    continue;
                }
                last_n = n;
                let srb = srb_of_share(funnel_limit(side, n, p0));
                if !(frame.y_min..=frame.y_max).contains(&srb) {
                    pen_down = false;
                    continue;
                }
                let _ = write!(
                    path,
                    "{}{:.1},{:.1} ",
                    if pen_down { "L" } else { "M" },
                    frame.x(n as f64),
                    frame.y(srb)
                );
                pen_down = true;
            }
            let _ = write!(
                svg,
                r##"<path d="{}" fill="none" stroke="#888"{dash}><title>{label}</title></path>"##,
                path.trim_end()
            );
        }
    }
    // One dot per institution-period; flagged ones last, so they stay on top.
    let mut ordered = shown_points.clone();
    ordered.sort_by_key(|p| p.flagged);
    for p in ordered {
        let fill = if p.flagged { "#cc0000" } else { "#3d6fb6" };
        let period = if p.period.is_empty() {
            String::new()
        } else {
            format!(" {}", p.period)
        };
        let tip = if zh {
            format!(
                "{}{period}：活产 {}（男 {}、女 {}），出生性别比 {}，区间 {}–{}，校正 p = {:.3}{}",
                p.institution,
                p.births(),
                shown(p.boys),
                shown(p.girls),
                ratio(p.srb),
                ratio(p.ci.0),
                ratio(p.ci.1),
                p.p_adjusted,
                if p.flagged { "，已报出" } else { "" }
            )
        } else {
            format!(
                "{}{period}: {} live births ({} boys, {} girls), SRB {}, interval {}–{}, adjusted p = {:.3}{}",
                p.institution,
                p.births(),
                shown(p.boys),
                shown(p.girls),
                ratio(p.srb),
                ratio(p.ci.0),
                ratio(p.ci.1),
                p.p_adjusted,
                if p.flagged { ", flagged" } else { "" }
            )
        };
        let _ = write!(
            svg,
            r##"<circle cx="{:.1}" cy="{:.1}" r="4" fill="{fill}" fill-opacity="0.8" stroke="#fff"><title>{}</title></circle>"##,
            frame.x(p.births() as f64),
            frame.y(p.srb),
            esc(&tip)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use auditor_rules::srb::Norms;

    fn point(name: &str, boys: u64, girls: u64, flagged: bool) -> SrbPoint {
        SrbPoint {
            institution: name.to_owned(),
            institution_code: None,
            period: "2023".to_owned(),
            boys,
            girls,
            unknown_sex: 0,
            stillbirths: 0,
            srb: if girls == 0 {
                f64::INFINITY
            } else {
                100.0 * boys as f64 / girls as f64
            },
            ci: (90.0, 120.0),
            p_value: 0.5,
            p_adjusted: 0.5,
            flagged,
            last: (0, 0),
            tables: vec![0],
        }
    }

    #[test]
    fn draws_shown_institutions_and_suppresses_small_ones() {
        let chart = SexRatio {
            points: vec![
                point("甲<医院>", 650, 500, true),
                point("乙医院", 512, 488, false),
                point("丙卫生院", 3, 1, false),
            ],
            norms: Norms {
                p0_srb: 105.0,
                band_low: 103.0,
                band_high: 107.0,
            },
        };
        let svg = funnel_svg(&chart, Lang::Zh);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<circle").count(), 2, "{svg}");
        assert!(!svg.contains("丙卫生院"));
        assert!(svg.contains("甲&lt;医院&gt; 2023：活产 1150（男 650、女 500），出生性别比 130.0"));
        assert!(svg.contains("#cc0000"));
        assert_eq!(svg.matches("<path").count(), 4);
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        let en = funnel_svg(&chart, Lang::En);
        assert!(en.contains("1150 live births (650 boys, 500 girls), SRB 130.0"));
    }

    #[test]
    fn an_empty_chart_still_draws_its_frame() {
        let chart = SexRatio {
            points: vec![point("丙卫生院", 1, 1, false)],
            norms: Norms {
                p0_srb: 105.0,
                band_low: 103.0,
                band_high: 107.0,
            },
        };
        let svg = funnel_svg(&chart, Lang::En);
        assert!(!svg.contains("<circle") && svg.contains("<path"));
        assert!(!svg.contains("NaN"), "{svg}");
    }

    #[test]
    fn round_steps() {
        assert!((step_for(1150.0, 5.0) - 500.0).abs() < 1e-9);
        assert!((step_for(100.0, 5.0) - 20.0).abs() < 1e-9);
        assert!((step_for(3.0, 5.0) - 1.0).abs() < 1e-9);
    }
}
