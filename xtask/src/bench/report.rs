//! The table of results: figures, ratios, targets met or missed.

use std::fmt::Write as _;
use std::time::Duration;

use super::harness::Measured;
use super::machine::Machine;

/// How a row's figures compare.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// Time per operation: lower is better; the ratio is ours / theirs.
    Time,
    /// `bytes` processed per operation: the figures are throughputs and the
    /// ratio is our throughput / theirs.
    Throughput { bytes: u64 },
}

/// A target on a row's ratio.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    AtMost(f64),
    AtLeast(f64),
    /// Ours takes at most this much longer than theirs (for what perscache
    /// adds to work that is not its own, such as a build).
    AddsAtMost(Duration),
}

impl Target {
    fn describe(self) -> String {
        match self {
            Target::AtMost(t) => format!("≤ {t}×"),
            Target::AtLeast(t) => format!("≥ {t}×"),
            Target::AddsAtMost(d) => format!("adds ≤ {}", duration(d)),
        }
    }
}

/// One line of the table.
#[derive(Debug, Clone)]
pub struct Row {
    /// What is measured, for perscache.
    pub case: String,
    pub ours: Measured,
    /// What it is compared with, and its figures.
    pub other: Option<(String, Measured)>,
    pub kind: Kind,
    pub target: Option<Target>,
}

impl Row {
    pub fn new(case: impl Into<String>, kind: Kind, ours: Measured) -> Row {
        Row {
            case: case.into(),
            ours,
            other: None,
            kind,
            target: None,
        }
    }

    pub fn versus(mut self, name: impl Into<String>, theirs: Measured) -> Row {
        self.other = Some((name.into(), theirs));
        self
    }

    pub fn target(mut self, target: Target) -> Row {
        self.target = Some(target);
        self
    }

    /// Ours / theirs for times, our throughput / theirs for throughputs.
    pub fn ratio(&self) -> Option<f64> {
        let (_, theirs) = self.other.as_ref()?;
        let (ours, theirs) = (self.ours.median.as_secs_f64(), theirs.median.as_secs_f64());
        if ours <= 0.0 || theirs <= 0.0 {
            return None;
        }
        Some(match self.kind {
            Kind::Time => ours / theirs,
            Kind::Throughput { .. } => theirs / ours,
        })
    }

    /// `Some(true)` met, `Some(false)` missed, `None` when there is no target.
    pub fn met(&self) -> Option<bool> {
        Some(match self.target? {
            Target::AtMost(t) => self.ratio()? <= t,
            Target::AtLeast(t) => self.ratio()? >= t,
            Target::AddsAtMost(limit) => {
                let (_, theirs) = self.other.as_ref()?;
                self.ours.median.saturating_sub(theirs.median) <= limit
            }
        })
    }

    fn figure(&self, m: &Measured) -> String {
        let spread = format!(" ±{:.0}%", m.spread * 100.0);
        match self.kind {
            Kind::Time => format!("{}{spread}", duration(m.median)),
            Kind::Throughput { bytes } => format!(
                "{} ({}){spread}",
                throughput(bytes, m.median),
                duration(m.median)
            ),
        }
    }
}

/// A titled group of rows, with notes on how they were measured.
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub title: String,
    pub rows: Vec<Row>,
    pub notes: Vec<String>,
}

/// The whole run.
#[derive(Debug)]
pub struct Report {
    pub quick: bool,
    pub cpu_time: bool,
    pub machine: Machine,
    pub started: String,
    pub load_before: String,
    pub load_after: String,
    pub elapsed: Duration,
    pub sections: Vec<Section>,
}

impl Report {
    pub fn targets(&self) -> (usize, usize) {
        let met: Vec<bool> = self
            .sections
            .iter()
            .flat_map(|s| &s.rows)
            .filter_map(Row::met)
            .collect();
        (met.iter().filter(|m| **m).count(), met.len())
    }

    /// The report as Markdown: what `BENCHMARKS.md` holds and the terminal shows.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let (met, total) = self.targets();
        let _ = writeln!(out, "# Benchmarks\n");
        let _ = writeln!(
            out,
            "Written by `cargo xtask bench{}{}` on {} ({:.0} s). Medians of interleaved \
             samples; `±` is the median absolute deviation of the samples; \
             *samples* is perscache's samples × calls per sample. Ratios are \
             perscache / the figure it is compared with (for throughputs: perscache's \
             throughput / theirs), computed from figures measured side by side in this run. \
             **Targets met: {met} of {total}.**\n",
            if self.quick { " --quick" } else { "" },
            if self.cpu_time { " --cpu-time" } else { "" },
            self.started,
            self.elapsed.as_secs_f64(),
        );
        if self.cpu_time {
            let _ = writeln!(
                out,
                "Times are the process's **CPU time** (`--cpu-time`), not wall time: this \
                 machine was shared with other work during the run, and CPU time leaves out \
                 the time spent waiting for a core (all of the process's threads count). The \
                 two-thread case is wall time whatever the clock.\n"
            );
        }
        if self.quick {
            let _ = writeln!(
                out,
                "This is a **quick** run: smaller values and fewer samples (sizes are in the \
                 case names). Run `cargo xtask bench` for the full figures.\n"
            );
        }
        let m = &self.machine;
        let _ = writeln!(out, "| machine | |\n|---|---|");
        let _ = writeln!(out, "| CPU | {} |", m.cpu);
        let _ = writeln!(out, "| cores | {} |", m.cores);
        let _ = writeln!(out, "| memory | {} |", m.memory);
        let _ = writeln!(out, "| OS | {} |", m.os);
        let _ = writeln!(out, "| rustc | {} |", m.rustc);
        let _ = writeln!(out, "| scratch file system | {} |", m.filesystem);
        let _ = writeln!(
            out,
            "| load average (1, 5, 15 min) | {} before, {} after |\n",
            self.load_before, self.load_after
        );
        for section in &self.sections {
            let _ = writeln!(out, "## {}\n", section.title);
            let _ = writeln!(
                out,
                "| case | perscache | compared with | its figure | ratio | target | result | samples |"
            );
            let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
            for row in &section.rows {
                let (name, theirs) = match &row.other {
                    Some((name, m)) => (name.clone(), row.figure(m)),
                    None => ("—".to_owned(), "—".to_owned()),
                };
                let ratio = row
                    .ratio()
                    .map_or_else(|| "—".to_owned(), |r| format!("{r:.2}×"));
                let target = row.target.map_or_else(|| "—".to_owned(), Target::describe);
                let result = match row.met() {
                    Some(true) => "met",
                    Some(false) => "**missed**",
                    None => "—",
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {name} | {theirs} | {ratio} | {target} | {result} | {} × {} |",
                    row.case,
                    row.figure(&row.ours),
                    row.ours.samples,
                    row.ours.iters,
                );
            }
            out.push('\n');
            for note in &section.notes {
                let _ = writeln!(out, "- {note}");
            }
            if !section.notes.is_empty() {
                out.push('\n');
            }
        }
        out
    }
}

/// A duration with three significant digits in a fitting unit.
pub fn duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    let (value, unit) = if s >= 1.0 {
        (s, "s")
    } else if s >= 1e-3 {
        (s * 1e3, "ms")
    } else if s >= 1e-6 {
        (s * 1e6, "µs")
    } else {
        (s * 1e9, "ns")
    };
    format!("{} {unit}", three_digits(value))
}

/// Bytes per second, in decimal units.
pub fn throughput(bytes: u64, per: Duration) -> String {
    let rate = bytes as f64 / per.as_secs_f64().max(1e-12);
    if rate >= 1e9 {
        format!("{} GB/s", three_digits(rate / 1e9))
    } else {
        format!("{} MB/s", three_digits(rate / 1e6))
    }
}

/// A size in decimal units.
pub fn size(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{} MB", three_digits(bytes as f64 / 1e6))
    } else if bytes >= 1_000 {
        format!("{} kB", three_digits(bytes as f64 / 1e3))
    } else {
        format!("{bytes} B")
    }
}

fn three_digits(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured(ns: u64) -> Measured {
        Measured {
            median: Duration::from_nanos(ns),
            spread: 0.0,
            samples: 1,
            iters: 1,
        }
    }

    #[test]
    fn ratios_and_targets() {
        let time = Row::new("t", Kind::Time, measured(100))
            .versus("peer", measured(1000))
            .target(Target::AtMost(0.2));
        assert!((time.ratio().unwrap_or(0.0) - 0.1).abs() < 1e-9);
        assert_eq!(time.met(), Some(true));
        // Throughput: taking twice as long is half the throughput.
        let rate = Row::new("r", Kind::Throughput { bytes: 10 }, measured(200))
            .versus("floor", measured(100))
            .target(Target::AtLeast(0.8));
        assert!((rate.ratio().unwrap_or(0.0) - 0.5).abs() < 1e-9);
        assert_eq!(rate.met(), Some(false));
        assert_eq!(Row::new("x", Kind::Time, measured(1)).met(), None);
        // What is added, not the ratio: 60 ns more than 1000 is within 100.
        let adds = |ours| {
            Row::new("a", Kind::Time, measured(ours))
                .versus("plain", measured(1000))
                .target(Target::AddsAtMost(Duration::from_nanos(100)))
                .met()
        };
        assert_eq!(adds(1060), Some(true));
        assert_eq!(adds(1101), Some(false));
    }

    #[test]
    fn units() {
        assert_eq!(duration(Duration::from_nanos(1234)), "1.23 µs");
        assert_eq!(duration(Duration::from_millis(250)), "250 ms");
        assert_eq!(
            throughput(1_000_000_000, Duration::from_millis(500)),
            "2.00 GB/s"
        );
        assert_eq!(size(100_000_000), "100 MB");
    }
}
