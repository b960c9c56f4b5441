//! GUID-shaped ids: random, or from a seed so that test output is stable.

use std::sync::Mutex;

/// Produces version-4-shaped GUID strings from a splitmix64 sequence.
#[derive(Debug)]
pub(crate) struct Ids(Mutex<u64>);

impl Ids {
    /// A sequence that repeats for the same seed.
    pub(crate) fn seeded(seed: u64) -> Self {
        Self(Mutex::new(seed))
    }

    /// A sequence seeded from the process's random hasher state.
    pub(crate) fn random() -> Self {
        use std::hash::{BuildHasher, RandomState};
        Self::seeded(RandomState::new().hash_one(std::time::SystemTime::now()))
    }

    /// The next id, e.g. `71a8abb6-ce18-496c-a8d4-4d0f51986c3e`.
    pub(crate) fn next(&self) -> String {
        let mut state = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let hi = splitmix(&mut state);
        let lo = splitmix(&mut state);
        let hi = (hi & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
        let lo = (lo & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            hi >> 32,
            (hi >> 16) & 0xffff,
            hi & 0xffff,
            lo >> 48,
            lo & 0xffff_ffff_ffff
        )
    }
}

/// One step of splitmix64: advances `state` and returns the next number of its sequence.
pub(crate) fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::Ids;

    #[test]
    fn seeded_ids_repeat_and_look_like_guids() {
        let (a, b) = (Ids::seeded(7), Ids::seeded(7));
        let first = a.next();
        assert_eq!(first, b.next());
        assert_ne!(first, a.next());
        let parts: Vec<usize> = first.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12]);
        assert_eq!(&first[14..15], "4");
    }
}
