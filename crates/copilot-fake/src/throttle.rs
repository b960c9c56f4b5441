//! Graph-like throttling: a token bucket per bearer token, read on the fake's [`Clock`].
//!
//! Each token may send `per_second` requests in any one second, in bursts of up to `per_second`.
//! Implemented as a generic cell rate algorithm in whole nanoseconds (no float rounding): a
//! token's "theoretical arrival time" moves on by `1 s / per_second` per accepted request, and a
//! request is refused while that time is more than one second ahead of now.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, TimeDelta, Utc};

use crate::clock::Clock;

/// Per-token buckets.
#[derive(Debug)]
pub(crate) struct Throttle {
    interval: TimeDelta,
    arrival: Mutex<HashMap<String, DateTime<Utc>>>,
}

impl Throttle {
    /// `per_second` requests per second per token (0 is taken as 1).
    pub(crate) fn new(per_second: u32) -> Self {
        let per_second = i64::from(per_second.max(1));
        Self {
            interval: TimeDelta::nanoseconds(1_000_000_000 / per_second),
            arrival: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request of `token` at the clock's time: `Ok` if allowed, else `Err` with the
    /// whole seconds to wait (rounded up, at least 1) before one is.
    pub(crate) fn admit(&self, clock: &Clock, token: &str) -> Result<(), u64> {
        let now = clock.now();
        let window = TimeDelta::seconds(1);
        let mut arrival = self.arrival.lock().unwrap_or_else(|p| p.into_inner());
        let tat = arrival.get(token).copied().unwrap_or(now).max(now);
        let next = tat + self.interval;
        if next - now > window {
            let wait = next - window - now;
            let nanos = wait.num_nanoseconds().unwrap_or(i64::MAX).max(0) as u64;
            return Err(nanos.div_ceil(1_000_000_000).max(1));
        }
        arrival.insert(token.to_string(), next);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn start() -> DateTime<Utc> {
        DateTime::from_timestamp(1_761_163_200, 0).unwrap_or_default()
    }

    #[test]
    fn a_burst_up_to_the_limit_passes_then_waits_for_the_next_free_slot() {
        let clock = Clock::manual(start());
        let throttle = Throttle::new(2);
        assert_eq!(throttle.admit(&clock, "a"), Ok(()));
        assert_eq!(throttle.admit(&clock, "a"), Ok(()));
        assert_eq!(
            throttle.admit(&clock, "a"),
            Err(1),
            "the third request within a second is over a limit of 2/s"
        );
        assert_eq!(
            throttle.admit(&clock, "b"),
            Ok(()),
            "each token has its own bucket"
        );
        clock.advance(Duration::from_millis(500));
        assert_eq!(
            throttle.admit(&clock, "a"),
            Ok(()),
            "half a second frees one slot at 2/s"
        );
        assert_eq!(throttle.admit(&clock, "a"), Err(1));
    }

    #[test]
    fn retry_after_rounds_the_wait_up_to_whole_seconds() {
        let clock = Clock::manual(start());
        let throttle = Throttle::new(1);
        assert_eq!(throttle.admit(&clock, "a"), Ok(()));
        clock.advance(Duration::from_millis(100));
        assert_eq!(
            throttle.admit(&clock, "a"),
            Err(1),
            "0.9 s to wait is announced as 1 s"
        );
        clock.advance(Duration::from_millis(900));
        assert_eq!(
            throttle.admit(&clock, "a"),
            Ok(()),
            "after the announced wait the request passes"
        );
        // Refused requests do not consume slots.
        for _ in 0..5 {
            assert_eq!(throttle.admit(&clock, "a"), Err(1));
        }
        clock.advance(Duration::from_secs(1));
        assert_eq!(throttle.admit(&clock, "a"), Ok(()));
    }
}
