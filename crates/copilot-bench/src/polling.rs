//! What an answer costs in polls: the wait's schedule (`WaitOptions::default()`: a fifth of the
//! time waited, 500 ms to 4 s) run on a simulated clock for evaluations of T = 2, 10, 30 and
//! 120 s, against a fixed 1 s poller: polls per answer, and how late the answer is seen at most.

use std::time::Duration;

use copilot_ergonomic::WaitOptions;

/// The pause the schedule takes after `waited`.
fn pause(options: &WaitOptions, waited: Duration) -> Duration {
    waited
        .mul_f64(options.growth.max(0.0))
        .clamp(options.min_interval, options.max_interval)
}

/// Polls until `run` has passed.
fn polls(options: &WaitOptions, run: Duration) -> u32 {
    let (mut waited, mut polls) = (Duration::ZERO, 0u32);
    while waited < run {
        waited += pause(options, waited);
        polls += 1;
    }
    polls
}

/// Prints `polls-Ts: N polls, …` for each T: polls per answer and the latest an answer that
/// completes around T is seen (the pause there), against a fixed 1 s poller.
pub(crate) fn table() {
    let options = WaitOptions::default();
    let fixed =
        WaitOptions::default().with_intervals(Duration::from_secs(1), Duration::from_secs(1));
    for seconds in [2u64, 10, 30, 120] {
        let run = Duration::from_secs(seconds);
        let (ours, baseline) = (polls(&options, run), polls(&fixed, run));
        println!(
            "polls-{seconds}s: {ours} polls, answer seen at most {:.1} s late (ratio {:.3} vs a fixed 1 s poller at {baseline} polls, at most 1.0 s late)",
            pause(&options, run).as_secs_f64(),
            f64::from(ours) / f64::from(baseline),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_counts_the_default_schedule_and_a_fixed_poller() {
        let fixed =
            WaitOptions::default().with_intervals(Duration::from_secs(1), Duration::from_secs(1));
        let counts: Vec<(u32, u32)> = [2u64, 10, 30, 120]
            .iter()
            .map(|s| {
                let run = Duration::from_secs(*s);
                (polls(&WaitOptions::default(), run), polls(&fixed, run))
            })
            .collect();
        assert_eq!(counts, [(4, 2), (13, 10), (19, 30), (42, 120)]);
        assert_eq!(
            pause(&WaitOptions::default(), Duration::from_secs(120)),
            Duration::from_secs(4)
        );
    }
}
