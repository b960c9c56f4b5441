//! One throttle for the whole client: when the service answers 429 (or 503) with `Retry-After`,
//! every new request of the client waits until that time has passed, not only the one that was
//! throttled, and the waiting requests are released spread over a short window (jitter) so they
//! do not all fire at the same instant — the retry storm Graph's throttling guidance warns about.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The longest hold a single `Retry-After` can impose (a hostile value cannot freeze the client).
const MAX_HOLD: Duration = Duration::from_secs(300);

/// Shared by every request of one client.
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    hold: Mutex<Option<Hold>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Hold {
    until: Instant,
    /// Released requests are spread over `until .. until + spread`.
    spread: Duration,
}

impl Throttle {
    /// Holds new requests for `retry_after` from `now` (extending a shorter hold, never
    /// shortening a longer one).
    pub(crate) fn hold(&self, now: Instant, retry_after: Duration) {
        let retry_after = retry_after.min(MAX_HOLD);
        let until = now + retry_after;
        let spread = (retry_after / 4).clamp(Duration::from_millis(10), Duration::from_secs(1));
        let mut hold = self.hold.lock().unwrap_or_else(|p| p.into_inner());
        if hold.is_none_or(|h| h.until < until) {
            *hold = Some(Hold { until, spread });
        }
    }

    /// How long a request starting at `now` must wait (`jitter()` in [0, 1), drawn only when
    /// held, picks its place in the release window), or `None` when the client is not held.
    pub(crate) fn delay(&self, now: Instant, jitter: impl FnOnce() -> f64) -> Option<Duration> {
        let mut guard = self.hold.lock().unwrap_or_else(|p| p.into_inner());
        let hold = (*guard)?;
        if hold.until <= now {
            *guard = None;
            return None;
        }
        Some(hold.until - now + hold.spread.mul_f64(jitter().clamp(0.0, 1.0)))
    }

    /// The time left of the current hold.
    pub(crate) fn remaining(&self, now: Instant) -> Option<Duration> {
        let hold = (*self.hold.lock().unwrap_or_else(|p| p.into_inner()))?;
        (hold.until > now).then(|| hold.until - now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hold_delays_every_request_until_it_ends_spread_by_jitter() {
        let t = Throttle::default();
        let now = Instant::now();
        assert_eq!(t.delay(now, || 0.5), None, "not held");
        t.hold(now, Duration::from_secs(2));
        // Spread is a quarter of the hold: 500 ms.
        assert_eq!(t.delay(now, || 0.0), Some(Duration::from_secs(2)));
        assert_eq!(t.delay(now, || 0.5), Some(Duration::from_millis(2250)));
        let later = now + Duration::from_secs(1);
        assert_eq!(t.delay(later, || 0.0), Some(Duration::from_secs(1)));
        assert_eq!(t.remaining(later), Some(Duration::from_secs(1)));
        // Different jitters give different release times: no thundering herd.
        let releases: std::collections::BTreeSet<Duration> = (0..10)
            .map(|i| t.delay(now, || f64::from(i) / 10.0).unwrap())
            .collect();
        assert_eq!(releases.len(), 10);
        assert_eq!(t.delay(now + Duration::from_secs(2), || 0.9), None, "over");
        assert_eq!(t.remaining(now + Duration::from_secs(3)), None);
    }

    #[test]
    fn holds_only_grow_and_are_capped() {
        let t = Throttle::default();
        let now = Instant::now();
        t.hold(now, Duration::from_secs(5));
        t.hold(now, Duration::from_secs(1));
        assert_eq!(t.remaining(now), Some(Duration::from_secs(5)));
        t.hold(now, Duration::from_secs(1_000_000));
        assert_eq!(t.remaining(now), Some(MAX_HOLD));
    }
}
