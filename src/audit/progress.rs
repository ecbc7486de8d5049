//! A one-line progress indicator on standard error, for audits that take more than a moment.
//!
//! It appears only on a terminal, only after [`DELAY`], and never beside `--verbose` (which logs
//! every request instead) or a machine-readable format; the caller decides with [`Progress::wanted`].
//! The line is redrawn in place and erased when the audit ends, so it never mixes with findings.

use std::io::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long an audit runs before the indicator appears: a quick audit shows nothing.
pub const DELAY: Duration = Duration::from_millis(800);
/// The least time between two redraws.
const REDRAW: Duration = Duration::from_millis(100);

#[derive(Debug)]
pub struct Progress {
    enabled: bool,
    started: Instant,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    requests: usize,
    /// An organisation's audit: accounts done, and in all.
    accounts: Option<(usize, usize)>,
    last_drawn: Option<Instant>,
}

impl Progress {
    /// Whether to show progress: standard error is a terminal, and no log or machine-readable
    /// output would be interleaved with it.
    pub fn wanted(stderr_is_terminal: bool, verbose: bool, machine_readable: bool) -> bool {
        stderr_is_terminal && !verbose && !machine_readable
    }

    pub fn new(enabled: bool) -> Self {
        Self { enabled, started: Instant::now(), state: Mutex::new(State::default()) }
    }

    /// Counts one finished request, `what` it was, and redraws the line when due.
    pub fn request_done(&self, what: &str) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.requests += 1;
        self.draw(&mut state, what);
    }

    /// Starts counting an organisation's `total` accounts.
    pub fn accounts(&self, total: usize) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).accounts = Some((0, total));
    }

    /// Counts one account done (audited or failed).
    pub fn account_done(&self, account: &str) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((done, _)) = &mut state.accounts {
            *done += 1;
        }
        self.draw(&mut state, account);
    }

    fn draw(&self, state: &mut State, what: &str) {
        if !self.enabled || self.started.elapsed() < DELAY || state.last_drawn.is_some_and(|t| t.elapsed() < REDRAW) {
            return;
        }
        state.last_drawn = Some(Instant::now());
        let seconds = self.started.elapsed().as_secs_f64();
        let accounts = state.accounts.map_or(String::new(), |(done, all)| format!("{done}/{all} accounts, "));
        let mut err = std::io::stderr().lock();
        // `\r` and erase-line redraw in place on the terminal.
        let _ =
            write!(err, "\r\x1b[Kgrantlint: auditing… {accounts}{} requests, {seconds:.1} s ({what})", state.requests);
        let _ = err.flush();
    }

    /// Erases the line, if one was drawn.
    pub fn finish(&self) {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.last_drawn.is_some() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_on_a_quiet_terminal() {
        assert!(Progress::wanted(true, false, false));
        assert!(!Progress::wanted(false, false, false));
        assert!(!Progress::wanted(true, true, false));
        assert!(!Progress::wanted(true, false, true));
    }

    #[test]
    fn disabled_progress_only_counts() {
        let progress = Progress::new(false);
        progress.request_done("GetRole");
        progress.accounts(3);
        progress.account_done("111122223333");
        progress.finish();
        assert_eq!(progress.state.lock().unwrap().requests, 1);
        assert_eq!(progress.state.lock().unwrap().accounts, Some((1, 3)));
        assert!(progress.state.lock().unwrap().last_drawn.is_none());
    }
}
