//! Exact binomial statistics for sex-ratio monitoring: the regularized incomplete beta function
//! and its quantile, Clopper–Pearson intervals, the two-sided exact binomial test,
//! Benjamini–Hochberg adjustment and funnel-plot limits. Written here (Numerical Recipes style)
//! because the engine stays free of numeric dependencies; tested against exact sums.

/// ln Γ(x) for x > 0: Lanczos (g = 7, 9 terms), relative error about 1e-15.
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection keeps the series in its accurate range.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = C[0];
    for (i, c) in C.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// The regularized incomplete beta function `I_x(a, b)`, for a, b > 0 and 0 ≤ x ≤ 1.
pub fn inc_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (-x).ln_1p();
    let front = ln_front.exp();
    // The continued fraction converges fast only below the mean; above it use the symmetry
    // I_x(a, b) = 1 − I_{1−x}(b, a).
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_fraction(b, a, 1.0 - x) / b
    }
}

/// The continued fraction of the incomplete beta function, by the modified Lentz method.
/// Iterations grow like √max(a, b), so the cap allows samples of millions.
fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    const EPS: f64 = 1e-15;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut lentz_c = 1.0;
    let mut lentz_d = 1.0 - qab * x / qap;
    if lentz_d.abs() < TINY {
        lentz_d = TINY;
    }
    lentz_d = 1.0 / lentz_d;
    let mut frac = lentz_d;
    for step in 1..200_000 {
        let step = f64::from(step);
        let two_m = 2.0 * step;
        let aa = step * (b - step) * x / ((qam + two_m) * (a + two_m));
        lentz_d = 1.0 + aa * lentz_d;
        if lentz_d.abs() < TINY {
            lentz_d = TINY;
        }
        lentz_c = 1.0 + aa / lentz_c;
        if lentz_c.abs() < TINY {
            lentz_c = TINY;
        }
        lentz_d = 1.0 / lentz_d;
        frac *= lentz_d * lentz_c;
        let aa = -(a + step) * (qab + step) * x / ((a + two_m) * (qap + two_m));
        lentz_d = 1.0 + aa * lentz_d;
        if lentz_d.abs() < TINY {
            lentz_d = TINY;
        }
        lentz_c = 1.0 + aa / lentz_c;
        if lentz_c.abs() < TINY {
            lentz_c = TINY;
        }
        lentz_d = 1.0 / lentz_d;
        let del = lentz_d * lentz_c;
        frac *= del;
        if (del - 1.0).abs() < EPS {
            break;
        }
    }
    frac
}

/// The x with `I_x(a, b) = p`, by bisection (`I_x` is increasing in x): 64 halvings reach the
/// resolution of an f64 in [0, 1].
pub fn beta_quantile(p: f64, a: f64, b: f64) -> f64 {
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..64 {
        let mid = 0.5 * (lo + hi);
        if inc_beta(a, b, mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The exact (Clopper–Pearson) interval for a proportion of `x` successes in `n` trials at
/// `confidence` (e.g. 0.95).
pub fn clopper_pearson(x: u64, n: u64, confidence: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let alpha = 1.0 - confidence;
    let (x, n) = (x as f64, n as f64);
    let lower = if x <= 0.0 {
        0.0
    } else {
        beta_quantile(alpha / 2.0, x, n - x + 1.0)
    };
    let upper = if x >= n {
        1.0
    } else {
        beta_quantile(1.0 - alpha / 2.0, x + 1.0, n - x)
    };
    (lower, upper)
}

/// P(X = k) for X ~ Binomial(n, p), 0 < p < 1.
pub fn binom_pmf(k: u64, n: u64, p: f64) -> f64 {
    if k > n {
        return 0.0;
    }
    let (kf, nf) = (k as f64, n as f64);
    (ln_gamma(nf + 1.0) - ln_gamma(kf + 1.0) - ln_gamma(nf - kf + 1.0)
        + kf * p.ln()
        + (nf - kf) * (-p).ln_1p())
    .exp()
}

/// P(X ≤ k) for X ~ Binomial(n, p).
pub fn binom_cdf(k: i64, n: u64, p: f64) -> f64 {
    if k < 0 {
        return 0.0;
    }
    let k = k as u64;
    if k >= n {
        return 1.0;
    }
    inc_beta((n - k) as f64, k as f64 + 1.0, 1.0 - p)
}

/// P(X ≥ k) for X ~ Binomial(n, p).
pub fn binom_at_least(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n {
        return 0.0;
    }
    inc_beta(k as f64, (n - k + 1) as f64, p)
}

/// The two-sided exact binomial test of `x` successes in `n` trials against `p`: the
/// probability of every outcome no more likely than `x` (as R's `binom.test` and `SciPy`'s
/// `binomtest` compute it, with the same 1e-7 relative tolerance for ties). The other tail is
/// found by binary search, since the probabilities fall monotonically away from the mode.
pub fn binom_test_two_sided(x: u64, n: u64, p: f64) -> f64 {
    if n == 0 {
        return 1.0;
    }
    let mean = n as f64 * p;
    let xf = x as f64;
    if (xf - mean).abs() < 1e-12 {
        return 1.0;
    }
    let d = binom_pmf(x, n, p) * (1.0 + 1e-7);
    let pval = if xf < mean {
        // The smallest j above the mean with pmf(j) ≤ d: the upper tail starts there.
        let (mut lo, mut hi) = (mean.ceil() as u64, n + 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if binom_pmf(mid, n, p) <= d {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        binom_cdf(x as i64, n, p) + binom_at_least(lo, n, p)
    } else {
        // The largest j below the mean with pmf(j) ≤ d: the lower tail ends there.
        let (mut lo, mut hi) = (-1_i64, mean.floor() as i64);
        while lo < hi {
            let mid = lo + (hi - lo + 1) / 2;
            if binom_pmf(mid as u64, n, p) <= d {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        binom_cdf(lo, n, p) + binom_at_least(x, n, p)
    };
    pval.min(1.0)
}

/// Benjamini–Hochberg adjusted p-values, in the order given: a test is significant at false
/// discovery rate q when its adjusted value is ≤ q.
pub fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut adjusted = vec![1.0; m];
    let mut running = 1.0_f64;
    for (rank, &i) in order.iter().enumerate().rev() {
        running = running.min(p[i] * m as f64 / (rank + 1) as f64);
        adjusted[i] = running.min(1.0);
    }
    adjusted
}

/// The funnel-plot limit for a proportion `p` on `n` trials at cumulative probability `prob`
/// (e.g. 0.975 for the upper 95% limit): the binomial quantile, interpolated so the limit is a
/// smooth curve in n (Spiegelhalter, Statistics in Medicine 2005, 24:1185, appendix A.1.1).
pub fn funnel_limit(prob: f64, n: u64, p: f64) -> f64 {
    if n == 0 {
        return p;
    }
    // The smallest r with P(X ≤ r) ≥ prob.
    let (mut lo, mut hi) = (0_u64, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if binom_cdf(mid as i64, n, p) >= prob {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let at = binom_cdf(lo as i64, n, p);
    let below = binom_cdf(lo as i64 - 1, n, p);
    let step = at - below;
    let alpha = if step > 0.0 { (at - prob) / step } else { 0.0 };
    ((lo as f64 - alpha) / n as f64).clamp(0.0, 1.0)
}

/// A share of boys as a sex ratio at birth: boys per 100 girls (infinite when all are boys).
pub fn srb_of_share(p: f64) -> f64 {
    if p >= 1.0 {
        f64::INFINITY
    } else {
        100.0 * p / (1.0 - p)
    }
}

/// A sex ratio at birth as the share of boys.
pub fn share_of_srb(srb: f64) -> f64 {
    srb / (100.0 + srb)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn ln_gamma_matches_factorials() {
        assert!(close(ln_gamma(1.0), 0.0, 1e-14));
        assert!(close(ln_gamma(5.0), 24_f64.ln(), 1e-13));
        assert!(close(
            ln_gamma(0.5),
            std::f64::consts::PI.sqrt().ln(),
            1e-13
        ));
        // ln 170! from Stirling-free tables: 706.5730622457874.
        assert!(close(ln_gamma(171.0), 706.573_062_245_787_4, 1e-9));
    }

    #[test]
    fn incomplete_beta_matches_closed_forms() {
        assert!(close(inc_beta(3.0, 3.0, 0.5), 0.5, 1e-14));
        assert!(close(inc_beta(1.0, 1.0, 0.3), 0.3, 1e-14));
        assert!(close(inc_beta(4.0, 1.0, 0.6), 0.6_f64.powi(4), 1e-14));
        assert!(close(inc_beta(1.0, 5.0, 0.2), 1.0 - 0.8_f64.powi(5), 1e-14));
        // I_0.4(2, 3) = Σ_{j=2..4} C(4, j) 0.4^j 0.6^(4−j) = 0.5248.
        assert!(close(inc_beta(2.0, 3.0, 0.4), 0.5248, 1e-13));
        // Large arguments: symmetric about one half.
        assert!(close(inc_beta(5000.0, 5000.0, 0.5), 0.5, 1e-9));
    }

    #[test]
    fn clopper_pearson_matches_reference_intervals() {
        // Reference values from exact binomial tail sums (they agree with SciPy's
        // `binomtest(...).proportion_ci(method="exact")` to the digits shown).
        let cases = [
            (
                5,
                10,
                0.95,
                0.187_086_028_447_398_6,
                0.812_913_971_552_601_3,
            ),
            (0, 10, 0.95, 0.0, 0.308_497_107_818_760_8),
            (10, 10, 0.95, 0.691_502_892_181_239_2, 1.0),
            (
                1,
                10,
                0.95,
                0.002_528_578_544_461_785_6,
                0.445_016_117_028_195_4,
            ),
            (
                3,
                20,
                0.95,
                0.032_070_937_185_463_72,
                0.378_926_826_545_313_6,
            ),
            (
                60,
                100,
                0.95,
                0.497_209_150_422_334_8,
                0.696_705_231_297_122_5,
            ),
            (
                5,
                10,
                0.99,
                0.128_310_553_935_083_28,
                0.871_689_446_064_916_5,
            ),
            (
                682,
                1200,
                0.95,
                0.539_753_588_175_119_2,
                0.596_577_402_600_012_6,
            ),
        ];
        for (x, n, conf, lo, hi) in cases {
            let (l, h) = clopper_pearson(x, n, conf);
            assert!(close(l, lo, 1e-9) && close(h, hi, 1e-9), "{x}/{n}: {l} {h}");
        }
    }

    #[test]
    fn two_sided_test_matches_exact_sums() {
        // 2 × P(X ≥ 7 | 10, ½) = 2 × 176/1024.
        assert!(close(binom_test_two_sided(7, 10, 0.5), 0.343_75, 1e-12));
        assert!(close(binom_test_two_sided(3, 10, 0.5), 0.343_75, 1e-12));
        assert!(close(
            binom_test_two_sided(3, 15, 0.1),
            0.184_061_069_106_391,
            1e-12
        ));
        let p0 = 105.0 / 205.0;
        let p = binom_test_two_sided(682, 1200, p0);
        assert!(close(p, 1.074_489_709_170_870_2e-4, 1e-12), "{p}");
        let p = binom_test_two_sided(160, 300, p0);
        assert!(close(p, 0.488_438_530_060_226_9, 1e-9), "{p}");
        assert!(close(binom_test_two_sided(5, 10, 0.5), 1.0, 1e-12));
    }

    #[test]
    fn the_two_sided_test_equals_a_brute_force_sum() {
        let p0 = 105.0 / 205.0;
        for (x, n) in [(0, 7), (7, 7), (40, 97), (60, 97), (300, 500), (230, 500)] {
            let d = binom_pmf(x, n, p0) * (1.0 + 1e-7);
            let sum: f64 = (0..=n)
                .map(|k| binom_pmf(k, n, p0))
                .filter(|&v| v <= d)
                .sum();
            let got = binom_test_two_sided(x, n, p0);
            assert!(close(got, sum.min(1.0), 1e-10), "{x}/{n}: {got} vs {sum}");
        }
    }

    #[test]
    fn benjamini_hochberg_steps_up() {
        let adj = benjamini_hochberg(&[0.01, 0.04, 0.03, 0.5]);
        let want = [0.04, 0.04 * 4.0 / 3.0, 0.04 * 4.0 / 3.0, 0.5];
        for (a, w) in adj.iter().zip(want) {
            assert!(close(*a, w, 1e-12), "{adj:?}");
        }
        assert!(benjamini_hochberg(&[]).is_empty());
    }

    #[test]
    fn funnel_limits_narrow_with_n_around_105() {
        let p0 = share_of_srb(105.0);
        // DOMAIN §2: the 95% band is about 71–157 at n = 100 and 93–119 at n = 1000.
        let (lo, hi) = (funnel_limit(0.025, 100, p0), funnel_limit(0.975, 100, p0));
        assert!(close(srb_of_share(lo), 71.0, 3.0) && close(srb_of_share(hi), 157.0, 4.0));
        let (lo, hi) = (funnel_limit(0.025, 1000, p0), funnel_limit(0.975, 1000, p0));
        assert!(close(srb_of_share(lo), 93.0, 1.5) && close(srb_of_share(hi), 119.0, 1.5));
        let (lo, hi) = (
            funnel_limit(0.025, 10_000, p0),
            funnel_limit(0.975, 10_000, p0),
        );
        assert!(close(srb_of_share(lo), 101.0, 1.0) && close(srb_of_share(hi), 109.0, 1.0));
        assert!(close(srb_of_share(p0), 105.0, 1e-9));
    }
}
