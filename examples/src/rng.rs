//! A small deterministic generator (SplitMix64), so that every run and every database gets
//! the same rows and the same requests.

/// SplitMix64.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// `true` one time in `n`.
    pub fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }

    /// Text as applications store it: names, quotes, unicode, empty.
    pub fn text(&mut self) -> String {
        const WORDS: [&str; 12] = [
            "rust",
            "draft",
            "live",
            "O'Brien",
            "naïve",
            "東京",
            "🎥 video",
            "a\"b",
            "back\\slash",
            "",
            "100%",
            "_under",
        ];
        let a = WORDS[self.below(WORDS.len() as u64) as usize];
        let b = WORDS[self.below(WORDS.len() as u64) as usize];
        if self.one_in(3) {
            a.to_owned()
        } else {
            format!("{a} {b}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    /// The playback's data depend on this sequence: it must not change by accident.
    #[test]
    fn the_sequence_is_splitmix64() {
        let mut rng = Rng::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }
}
