//! A small measuring harness: warm-up, batches calibrated to a target length,
//! many samples, medians.
//!
//! The contenders of one case (perscache, the peer, the floor) are sampled in
//! turn, sample by sample, in a rotating order, so that a change in the load
//! of this shared machine falls on all of them alike and the ratios stay
//! meaningful even when the absolute figures drift.

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use cpu_time::ProcessTime;

/// Whether timings are the process's CPU time rather than wall time
/// (`--cpu-time`): on a machine shared with other work, time spent waiting
/// for a core then counts for nobody. The process's, not the thread's, so
/// that work done on other threads (the analysis's rayon pool) counts.
/// Set once, before measuring.
static CPU_TIME: AtomicBool = AtomicBool::new(false);

pub fn use_cpu_time(on: bool) {
    CPU_TIME.store(on, Ordering::Relaxed);
}

pub fn cpu_time() -> bool {
    CPU_TIME.load(Ordering::Relaxed)
}

/// A clock started now: wall time, or the process's CPU time.
pub enum Stopwatch {
    Wall(Instant),
    Cpu(ProcessTime),
}

impl Stopwatch {
    pub fn start() -> Stopwatch {
        if cpu_time() {
            Stopwatch::Cpu(ProcessTime::now())
        } else {
            Stopwatch::Wall(Instant::now())
        }
    }

    pub fn elapsed(&self) -> Duration {
        match self {
            Stopwatch::Wall(t) => t.elapsed(),
            Stopwatch::Cpu(t) => t.elapsed(),
        }
    }
}

/// How long and how often to measure.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Samples per contender.
    pub samples: usize,
    /// Target length of one sample (a batch of iterations).
    pub sample_time: Duration,
    /// Time spent running each contender before measuring.
    pub warmup: Duration,
}

/// One contender's figures: time per iteration.
#[derive(Debug, Clone)]
pub struct Measured {
    /// Median time per iteration.
    pub median: Duration,
    /// Median absolute deviation of the samples, relative to the median.
    pub spread: f64,
    /// Samples taken.
    pub samples: usize,
    /// Iterations per sample.
    pub iters: u64,
}

impl Measured {
    /// One timing of one run (a case too slow to repeat).
    pub fn once(took: Duration) -> Measured {
        Measured {
            median: took,
            spread: 0.0,
            samples: 1,
            iters: 1,
        }
    }
}

/// Runs `iters` iterations and returns the time they took; untimed set-up
/// and tear-down may happen inside, around the timed part.
pub type Routine<'a> = Box<dyn FnMut(u64) -> Duration + 'a>;

/// `f` run `iters` times in one timed loop.
pub fn timed<'a, O>(mut f: impl FnMut() -> O + 'a) -> Routine<'a> {
    Box::new(move |iters| {
        let start = Stopwatch::start();
        for _ in 0..iters {
            black_box(f());
        }
        start.elapsed()
    })
}

/// `routine` run on `iters` inputs made by `setup` beforehand; only the
/// routine is timed, and its outputs are dropped after the clock stops
/// (dropping a `Cache` is no part of a hit).
pub fn batched<'a, I, O>(
    mut setup: impl FnMut() -> I + 'a,
    mut routine: impl FnMut(I) -> O + 'a,
) -> Routine<'a> {
    Box::new(move |iters| {
        let inputs: Vec<I> = (0..iters).map(|_| setup()).collect();
        let mut outputs = Vec::with_capacity(inputs.len());
        let start = Stopwatch::start();
        for input in inputs {
            outputs.push(routine(input));
        }
        let took = start.elapsed();
        drop(black_box(outputs));
        took
    })
}

/// Measures each contender: warm-up and calibration one by one, then the
/// samples interleaved.
pub fn compare(plan: &Plan, contenders: &mut [Routine<'_>]) -> Vec<Measured> {
    let iters: Vec<u64> = contenders
        .iter_mut()
        .map(|routine| calibrate(plan, routine))
        .collect();
    let mut per_iter: Vec<Vec<f64>> = vec![Vec::with_capacity(plan.samples); contenders.len()];
    for s in 0..plan.samples {
        for k in 0..contenders.len() {
            // Rotate who goes first, so none always runs right after another's
            // caches and allocations.
            let c = (s + k) % contenders.len();
            let took = contenders[c](iters[c]);
            per_iter[c].push(took.as_secs_f64() / iters[c] as f64);
        }
    }
    per_iter
        .into_iter()
        .zip(iters)
        .map(|(samples, iters)| summarize(samples, iters))
        .collect()
}

/// Runs the routine for the warm-up time, growing the batch, and returns the
/// batch size that makes one sample last about `plan.sample_time`.
fn calibrate(plan: &Plan, routine: &mut Routine<'_>) -> u64 {
    let started = Instant::now();
    let mut iters = 1u64;
    let mut per_iter;
    loop {
        let took = routine(iters);
        per_iter = took.as_secs_f64() / iters as f64;
        if started.elapsed() >= plan.warmup || took >= plan.sample_time {
            break;
        }
        iters = iters.saturating_mul(2);
    }
    let wanted = plan.sample_time.as_secs_f64() / per_iter.max(1e-9);
    (wanted as u64).clamp(1, 1 << 32)
}

fn summarize(mut samples: Vec<f64>, iters: u64) -> Measured {
    let median = median(&mut samples);
    let mut deviations: Vec<f64> = samples.iter().map(|s| (s - median).abs()).collect();
    let mad = median_of(&mut deviations);
    Measured {
        median: Duration::from_secs_f64(median),
        spread: if median > 0.0 { mad / median } else { 0.0 },
        samples: samples.len(),
        iters,
    }
}

fn median(samples: &mut [f64]) -> f64 {
    median_of(samples)
}

fn median_of(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median_of(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median_of(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median_of(&mut []), 0.0);
    }

    #[test]
    fn compare_runs_every_contender_for_every_sample() {
        let plan = Plan {
            samples: 5,
            sample_time: Duration::from_micros(200),
            warmup: Duration::from_millis(1),
        };
        let (mut a, mut b) = (0u64, 0u64);
        let measured = {
            let mut contenders: Vec<Routine<'_>> =
                vec![timed(|| a += 1), batched(|| 1u64, |x| b += x)];
            compare(&plan, &mut contenders)
        };
        assert_eq!(measured.len(), 2);
        assert!(measured.iter().all(|m| m.samples == 5 && m.iters >= 1));
        assert!(a > 0 && b > 0);
    }
}
