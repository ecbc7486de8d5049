//! How the live audits retry: one policy for every cloud's client.
//!
//! The policy follows the OCI Python SDK's default strategy, which is also close to the AWS SDKs'
//! "standard" mode: up to 8 attempts within 600 s, exponential backoff from 1 s with up to 1 s of
//! jitter, capped at 30 s, on network errors, timeouts, throttling and 5xx answers except 501. On
//! top of that a whole audit spends at most [`RetryPolicy::max_total_retries`] retries
//! ([`Budget`]), so a throttled account fails in minutes, not hours. Each client decides what
//! counts as retryable beyond [`transient_status`] (OCI's 409 `IncorrectState`, IAM's 400
//! `Throttling`).

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// No retry starts after this long since a request's first attempt.
    pub deadline: Duration,
    /// Retries across every request of one client.
    pub max_total_retries: u32,
    /// Per attempt: connecting, and the whole exchange.
    pub connect_timeout: Duration,
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 8,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            deadline: Duration::from_secs(600),
            max_total_retries: 30,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The pause before retry number `retry` (1-based): `base × 2^(retry-1)` plus up to one base
    /// of jitter, at most `max_delay`.
    pub fn delay(&self, retry: u32) -> Duration {
        let exponential = self.base_delay.saturating_mul(1 << (retry - 1).min(16));
        let jitter = self.base_delay.mul_f64((random_u64() % 1000) as f64 / 1000.0);
        exponential.saturating_add(jitter).min(self.max_delay)
    }

    /// Whether a request that failed retryably on attempt `attempt`, first sent at `started`, gets
    /// another attempt after `delay`; a retry granted is taken from `budget`.
    pub fn allows_retry(&self, attempt: u32, started: Instant, delay: Duration, budget: &Budget) -> bool {
        attempt < self.max_attempts && started.elapsed() + delay <= self.deadline && budget.take()
    }
}

/// The retries one client may still spend, shared by its concurrent requests.
#[derive(Debug)]
pub struct Budget(AtomicU32);

impl Budget {
    pub fn new(policy: &RetryPolicy) -> Self {
        Self(AtomicU32::new(policy.max_total_retries))
    }

    /// Takes one retry; false once none is left.
    pub fn take(&self) -> bool {
        self.0.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| left.checked_sub(1)).is_ok()
    }
}

/// HTTP statuses every API means as "try again": throttling (429) and server errors, except 501
/// (the operation does not exist there, and never will on a retry).
pub fn transient_status(status: u16) -> bool {
    status == 429 || ((500..=599).contains(&status) && status != 501)
}

/// Randomness for jitter and request ids; not for secrets. `RandomState` is seeded per process
/// from the OS and re-keyed per instance, which is plenty for spreading retries.
pub(crate) fn random_u64() -> u64 {
    use std::hash::BuildHasher;
    std::collections::hash_map::RandomState::new().hash_one(Instant::now())
}

/// An error status a cloud answered a call with, after the call's retries.
#[derive(Debug)]
pub struct Refusal {
    pub operation: &'static str,
    pub status: u16,
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
    pub attempts: u32,
}

impl Refusal {
    /// `OP failed: CLOUD answered STATUS CODE: MESSAGE [LABEL: ID] (gave up after N attempts)`,
    /// `label` being what the cloud calls a request's ID (support asks for it).
    pub fn write(&self, f: &mut fmt::Formatter<'_>, cloud: &str, label: &str) -> fmt::Result {
        let Refusal { operation, status, code, message, .. } = self;
        write!(f, "{operation} failed: {cloud} answered {status} {code}: {message}")?;
        if let Some(id) = &self.request_id {
            write!(f, " [{label}: {id}]")?;
        }
        f.write_str(&gave_up(self.attempts))
    }
}

/// ` (gave up after N attempts)` for a call tried more than once, else nothing.
pub fn gave_up(attempts: u32) -> String {
    if attempts > 1 { format!(" (gave up after {attempts} attempts)") } else { String::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy::default();
        for retry in 1..=8 {
            let delay = policy.delay(retry);
            let floor = Duration::from_secs(1 << (retry - 1)).min(policy.max_delay);
            assert!(delay >= floor && delay <= policy.max_delay, "retry {retry}: {delay:?}");
        }
    }

    #[test]
    fn the_budget_runs_out() {
        let budget = Budget::new(&RetryPolicy { max_total_retries: 2, ..RetryPolicy::default() });
        assert!(budget.take() && budget.take());
        assert!(!budget.take() && !budget.take());
    }

    #[test]
    fn retries_stop_at_the_attempt_limit_and_the_deadline() {
        let policy = RetryPolicy { max_attempts: 3, deadline: Duration::from_secs(5), ..RetryPolicy::default() };
        let budget = Budget::new(&policy);
        let now = Instant::now();
        assert!(policy.allows_retry(2, now, Duration::from_secs(1), &budget));
        assert!(!policy.allows_retry(3, now, Duration::from_secs(1), &budget));
        assert!(!policy.allows_retry(1, now, Duration::from_secs(6), &budget));
    }

    #[test]
    fn transient_statuses() {
        for status in [429, 500, 502, 503, 504] {
            assert!(transient_status(status), "{status}");
        }
        for status in [200, 400, 401, 403, 404, 409, 501] {
            assert!(!transient_status(status), "{status}");
        }
    }
}
