//! A 64-bit linear congruential generator. The ledgers must be identical on every run and
//! machine so timings are comparable across commits; statistical quality does not matter, and a
//! dozen lines beat a dependency.

pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// Knuth's MMIX constants; the high bits are the well-mixed ones.
    pub fn next_u32(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 32) as u32
    }

    /// A number in `0..n` (`n` > 0), by multiply-shift rather than `%` to avoid low-bit bias.
    pub fn below(&mut self, n: u32) -> u32 {
        ((u64::from(self.next_u32()) * u64::from(n)) >> 32) as u32
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(hi - lo + 1)
    }

    /// An element of a non-empty constant pool.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u32) as usize]
    }

    /// True with probability `per_10k` / 10 000.
    pub fn chance(&mut self, per_10k: u32) -> bool {
        self.below(10_000) < per_10k
    }

    /// `len` random decimal digits.
    pub fn digits(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
}
