//! Random numbers for the call path: a SplitMix64 state per thread, for `client-request-id`
//! GUIDs and backoff jitter (they need spread, not secrecy).

use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// A SplitMix64 state per thread, seeded once from the OS-seeded `RandomState`.
    static RANDOM: std::cell::Cell<u64> = std::cell::Cell::new(
        RandomState::new().hash_one(COUNTER.fetch_add(1, Ordering::Relaxed)),
    );
}

/// A random number (SplitMix64): unique ids and jitter need spread, not secrecy.
fn random_u64() -> u64 {
    RANDOM.with(|state| {
        let next = state.get().wrapping_add(0x9e37_79b9_7f4a_7c15);
        state.set(next);
        let mut z = next;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    })
}

/// A number in [0, 1) for backoff jitter.
pub(crate) fn jitter() -> f64 {
    (random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// A random version-4 GUID for `client-request-id`.
pub(crate) fn new_guid() -> String {
    guid(random_u64(), random_u64())
}

/// The version-4 GUID made of these random bits.
fn guid(hi: u64, lo: u64) -> String {
    let hi = (hi & 0xffff_ffff_ffff_0fff) | 0x4000;
    let lo = (lo & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    // 8-4-4-4-12 lower-case hex digits, written by hand (`format!` costs more than the rest
    // of the id).
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bits = (u128::from(hi) << 64) | u128::from(lo);
    let mut out = String::with_capacity(36);
    for i in 0..32 {
        if matches!(i, 8 | 12 | 16 | 20) {
            out.push('-');
        }
        let nibble = (bits >> (124 - 4 * i)) & 0xf;
        out.push(char::from(HEX[nibble as usize]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_fresh_and_well_formed() {
        let (a, b) = (new_guid(), new_guid());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert_eq!(
            &a[19..20].chars().next().map(|c| "89ab".contains(c)),
            &Some(true)
        );
        let j = jitter();
        assert!((0.0..1.0).contains(&j));
        // The hand-written hex agrees with `format!`.
        let (hi, lo) = (0x0123_4567_89ab_cdef_u64, 0xfedc_ba98_7654_3210_u64);
        let h = (hi & 0xffff_ffff_ffff_0fff) | 0x4000;
        let l = (lo & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
        let expected = format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            h >> 32,
            (h >> 16) & 0xffff,
            h & 0xffff,
            l >> 48,
            l & 0xffff_ffff_ffff
        );
        assert_eq!(guid(hi, lo), expected);
    }
}
