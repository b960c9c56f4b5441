//! When and how long to wait before sending a request again.
//!
//! Retried: 429, 503 and 504, honouring `Retry-After` (integer seconds, decimal seconds or an
//! HTTP-date), otherwise exponential backoff with jitter. A POST (a create) is retried only when
//! the server said it did not process it: 429, or 503 with `Retry-After`; and after a failed
//! connect, which never reached the server.

use std::time::{Duration, SystemTime};

use reqwest::{Method, StatusCode};

/// Retry settings; `RetryPolicy::default()` retries 3 times.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[must_use]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retrying).
    pub max_retries: u32,
    /// First backoff delay when the server gives no `Retry-After`; doubled each retry.
    pub base_delay: Duration,
    /// The longest single wait; a longer `Retry-After` ends the retries instead.
    pub max_delay: Duration,
    /// The most time all waits of one call may add up to.
    pub budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(60),
            budget: Duration::from_secs(180),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// This policy with another retry count.
    pub fn with_max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// This policy with another first backoff delay.
    pub fn with_base_delay(mut self, d: Duration) -> Self {
        self.base_delay = d;
        self
    }

    /// This policy with another cap on a single wait.
    pub fn with_max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }

    /// This policy with another total waiting budget.
    pub fn with_budget(mut self, d: Duration) -> Self {
        self.budget = d;
        self
    }

    /// The wait before creating again (or reading back again) for the `attempt`-th time after
    /// a create whose outcome was unknown: exponential backoff with jitter, `max_retries + 1`
    /// times (at least once); `None` when the attempts are used up.
    pub(crate) fn recreate_delay(&self, attempt: u32, jitter: f64) -> Option<Duration> {
        if attempt > self.max_retries.saturating_add(1) {
            return None;
        }
        Some(self.backoff(attempt, jitter))
    }

    /// Exponential backoff for the `n`-th try (1-based) with full jitter over the upper half,
    /// `[base·2ⁿ⁻¹/2, base·2ⁿ⁻¹]`, at most `max_delay`.
    fn backoff(&self, n: u32, jitter: f64) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << n.saturating_sub(1).min(16));
        exp.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
            .min(self.max_delay)
    }

    /// The wait before retry number `retry` (1-based) after `status`, or `None` to stop: 429,
    /// 503 and 504 ([`retried_status`]), except a POST's 504 and a POST's 503 without
    /// `Retry-After`, which the service may have processed.
    pub(crate) fn delay_after_status(
        &self,
        method: &Method,
        status: StatusCode,
        retry_after: Option<Duration>,
        retry: u32,
        waited: Duration,
        jitter: f64,
    ) -> Option<Duration> {
        let retryable = match status.as_u16() {
            // A create the service may have processed is not sent twice (README, "Retries").
            503 => *method != Method::POST || retry_after.is_some(),
            504 => *method != Method::POST,
            other => retried_status(other),
        };
        if !retryable {
            return None;
        }
        self.delay(retry_after, retry, waited, jitter)
    }

    /// The wait before retry number `retry` after a transport error, or `None` to stop.
    pub(crate) fn delay_after_transport(
        &self,
        method: &Method,
        connect_failed: bool,
        retry: u32,
        waited: Duration,
        jitter: f64,
    ) -> Option<Duration> {
        if *method == Method::POST && !connect_failed {
            return None;
        }
        self.delay(None, retry, waited, jitter)
    }

    fn delay(
        &self,
        retry_after: Option<Duration>,
        retry: u32,
        waited: Duration,
        jitter: f64,
    ) -> Option<Duration> {
        if retry > self.max_retries {
            return None;
        }
        let delay = match retry_after {
            Some(d) if d > self.max_delay => return None,
            Some(d) => d,
            None => self.backoff(retry, jitter),
        };
        (waited + delay <= self.budget).then_some(delay)
    }
}

/// The statuses the policy retries (for a GET; a create only when the service cannot have
/// stored it), and that [`crate::Error::is_retryable`] calls retryable: throttling (429) and a
/// gateway or service that is briefly unavailable (503, 504), as Graph's own SDKs do. Other
/// 5xx, 408 included, are not: Graph documents no retry for them.
pub(crate) fn retried_status(status: u16) -> bool {
    matches!(status, 429 | 503 | 504)
}

/// Parses `Retry-After`: `2`, `2.128` or `Wed, 21 Oct 2015 07:28:00 GMT`.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0)
            .then(|| Duration::from_secs_f64(seconds.min(1e9)));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = SystemTime::UNIX_EPOCH
        .checked_add(Duration::from_secs(u64::try_from(date.timestamp()).ok()?))?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_retryable_says_what_the_policy_retries() {
        let policy = RetryPolicy::default();
        for status in 400..600u16 {
            let code = StatusCode::from_u16(status).expect("a valid status");
            let retried = policy
                .delay_after_status(&Method::GET, code, None, 1, Duration::ZERO, 0.5)
                .is_some();
            let error = crate::Error::Api(Box::new(crate::ApiError {
                status,
                code: None,
                message: String::new(),
                target: None,
                request_id: None,
                client_request_id: None,
                date: None,
                retry_after: None,
                claims: None,
            }));
            assert_eq!(
                error.is_retryable(),
                retried,
                "{status}: is_retryable() and the retry policy disagree"
            );
        }
    }

    #[test]
    fn retry_after_in_every_documented_form() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_470);
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(
            parse_retry_after("2.128", now),
            Some(Duration::from_millis(2128))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        for bad in ["", "soon", "-1", "NaN", "inf"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
    }

    #[test]
    fn creates_retry_only_when_the_server_did_not_process_them() {
        let p = RetryPolicy::default();
        let w = Duration::ZERO;
        let post = Method::POST;
        assert!(
            p.delay_after_status(&post, StatusCode::TOO_MANY_REQUESTS, None, 1, w, 0.5)
                .is_some()
        );
        assert!(
            p.delay_after_status(&post, StatusCode::SERVICE_UNAVAILABLE, None, 1, w, 0.5)
                .is_none()
        );
        assert!(
            p.delay_after_status(
                &post,
                StatusCode::SERVICE_UNAVAILABLE,
                Some(Duration::from_secs(1)),
                1,
                w,
                0.5
            )
            .is_some()
        );
        assert!(
            p.delay_after_status(&post, StatusCode::GATEWAY_TIMEOUT, None, 1, w, 0.5)
                .is_none()
        );
        assert!(p.delay_after_transport(&post, false, 1, w, 0.5).is_none());
        assert!(p.delay_after_transport(&post, true, 1, w, 0.5).is_some());
        let get = Method::GET;
        assert!(
            p.delay_after_status(&get, StatusCode::GATEWAY_TIMEOUT, None, 1, w, 0.5)
                .is_some()
        );
        assert!(
            p.delay_after_status(&get, StatusCode::INTERNAL_SERVER_ERROR, None, 1, w, 0.5)
                .is_none()
        );
        assert!(p.delay_after_transport(&get, false, 1, w, 0.5).is_some());
    }

    #[test]
    fn recreates_back_off_and_stop_after_the_retries() {
        let p = RetryPolicy::default().with_base_delay(Duration::from_secs(1));
        assert_eq!(p.recreate_delay(1, 1.0), Some(Duration::from_secs(1)));
        assert_eq!(p.recreate_delay(2, 0.0), Some(Duration::from_secs(1)));
        assert_eq!(p.recreate_delay(4, 1.0), Some(Duration::from_secs(8)));
        assert_eq!(
            p.recreate_delay(5, 1.0),
            None,
            "three retries: four re-creates at most"
        );
        assert_eq!(
            RetryPolicy::none().recreate_delay(1, 0.5),
            Some(Duration::from_millis(375))
        );
        assert_eq!(RetryPolicy::none().recreate_delay(2, 0.5), None);
    }

    #[test]
    fn backoff_doubles_with_jitter_and_respects_caps_and_budget() {
        let p = RetryPolicy::default()
            .with_base_delay(Duration::from_secs(1))
            .with_max_delay(Duration::from_secs(3));
        let get = Method::GET;
        let d = |retry, jitter| {
            p.delay_after_status(
                &get,
                StatusCode::SERVICE_UNAVAILABLE,
                None,
                retry,
                Duration::ZERO,
                jitter,
            )
        };
        assert_eq!(d(1, 0.0), Some(Duration::from_millis(500)));
        assert_eq!(d(1, 1.0), Some(Duration::from_secs(1)));
        assert_eq!(d(2, 1.0), Some(Duration::from_secs(2)));
        assert_eq!(d(3, 1.0), Some(Duration::from_secs(3)));
        assert_eq!(d(4, 1.0), None, "past max_retries");
        // A Retry-After longer than max_delay stops instead of waiting.
        assert_eq!(
            p.delay_after_status(
                &get,
                StatusCode::TOO_MANY_REQUESTS,
                Some(Duration::from_secs(10)),
                1,
                Duration::ZERO,
                0.5
            ),
            None
        );
        // The budget counts the waits already made.
        let tight = RetryPolicy::default().with_budget(Duration::from_secs(2));
        assert_eq!(
            tight.delay_after_status(
                &get,
                StatusCode::TOO_MANY_REQUESTS,
                Some(Duration::from_secs(1)),
                1,
                Duration::from_millis(1500),
                0.5
            ),
            None
        );
        assert_eq!(
            RetryPolicy::none().delay_after_status(
                &get,
                StatusCode::TOO_MANY_REQUESTS,
                None,
                1,
                Duration::ZERO,
                0.5
            ),
            None
        );
    }
}
