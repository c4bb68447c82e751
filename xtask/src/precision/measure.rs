//! The measurement: analyse the marked workspace, then, one at a time, make
//! an edit that Cargo's graph proves cannot affect some marked functions,
//! analyse again, count which of those functions kept their hash, and revert.
//!
//! Control edits go the other way: each changes code a marked function does
//! reach, and must change its hash. A benchmark whose hashes never move
//! would otherwise score 100%.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use cpu_time::ProcessTime;
use perscache_analysis::{analyze, Analysis, Options, Workspace};

use super::cargo_graph::CrateGraph;
use super::edit::{self, Edit};
use super::mark::Mark;
use super::rng::Rng;
use super::source::{self, ModFile};

/// How much to measure.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Edits in code the marked functions cannot reach.
    pub edits: usize,
    pub seed: u64,
    pub cold_samples: usize,
    pub warm_samples: usize,
    /// Of the edits, the share in library code (the rest go to test, bench
    /// and example targets), as `num / den`.
    pub lib_share: (usize, usize),
    /// The `cargo perscache` binary whose runs are timed; `None` times the
    /// analysis in this process.
    pub cargo_perscache: Option<PathBuf>,
}

/// Where an edit is, and so for which marked functions it is provably
/// unreachable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    /// A library outside the marked function's crate's dependency cone.
    Lib,
    /// A test, bench or example target (of any package).
    Tests,
}

/// An edit expected to change some marked functions' hashes.
#[derive(Debug, Clone)]
pub struct Control {
    pub edit: Edit,
    /// Indexes into the marks.
    pub affects: Vec<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Counts {
    pub eligible: usize,
    pub kept: usize,
}

impl Counts {
    pub fn add(&mut self, kept: bool) {
        self.eligible += 1;
        self.kept += usize::from(kept);
    }
    pub fn share(&self) -> Option<f64> {
        (self.eligible > 0).then(|| self.kept as f64 / self.eligible as f64)
    }
}

/// One marked function's result.
#[derive(Debug, Clone)]
pub struct MarkResult {
    pub mark: Mark,
    /// Its path in the manifest, `None` when the analysis did not list it.
    pub function: Option<String>,
    pub by_category: BTreeMap<Category, Counts>,
    /// Control edits that reached it: (how many, how many changed its hash).
    pub controls: (usize, usize),
}

impl MarkResult {
    pub fn total(&self) -> Counts {
        let mut t = Counts::default();
        for c in self.by_category.values() {
            t.eligible += c.eligible;
            t.kept += c.kept;
        }
        t
    }
}

/// One unreachable edit.
#[derive(Debug, Clone)]
pub struct EditResult {
    pub edit: Edit,
    pub package: String,
    pub category: Category,
    /// Marked functions it could not affect, and of those, how many kept their hash.
    pub counts: Counts,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub marks: Vec<MarkResult>,
    pub edits: Vec<EditResult>,
    /// Edits after which the analysis failed (with why); not counted.
    pub failed: Vec<String>,
    /// Marks whose hash differed after all edits were reverted.
    pub drift: Vec<String>,
    pub metadata: Duration,
    pub cold: Vec<Timing>,
    pub warm: Vec<Timing>,
    /// Analyses with the parse cache after an edit (the file edited, and
    /// the one the previous edit reverted, changed).
    pub one_edit: Vec<Duration>,
    pub files: usize,
    pub lines: usize,
    pub items: usize,
}

struct Run<'a> {
    ws: Workspace,
    cache: PathBuf,
    marks: &'a [Mark],
    baseline: Vec<Option<String>>,
    one_edit: Vec<Duration>,
}

impl Run<'_> {
    fn analyze(&mut self) -> Result<Analysis> {
        let t = Instant::now();
        let a = analyze(
            &self.ws,
            &Options {
                cache: Some(self.cache.clone()),
                ..Options::default()
            },
        )?;
        self.one_edit.push(t.elapsed());
        Ok(a)
    }

    /// Applies an edit, analyses, reverts; the marked functions' hashes in
    /// the edited state (`None` where not listed).
    fn with_edit(&mut self, e: &Edit) -> Result<Vec<Option<String>>> {
        let original = std::fs::read_to_string(&e.file)
            .with_context(|| format!("reading {}", e.file.display()))?;
        let edited = e
            .apply_to(&original)
            .with_context(|| format!("edit does not fit {}", e.file.display()))?;
        std::fs::write(&e.file, edited)?;
        let result = self.analyze();
        // Revert whatever happened.
        std::fs::write(&e.file, &original)
            .with_context(|| format!("reverting {}", e.file.display()))?;
        let a = result?;
        Ok(hashes(&a, self.marks))
    }
}

/// The times of one analysis of the whole workspace.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// The analysis, as the command reports it (wall time).
    pub analysis: Duration,
    /// The whole command (wall time): process start, `cargo metadata`, the
    /// analysis, the manifest and `why` files.
    pub command: Duration,
    /// The command's CPU time (all threads): on a shared machine, what the
    /// work cost whatever else ran.
    pub cpu: Duration,
}

/// One timed analysis of the whole workspace, with the parse cache when
/// `cache` is given: through `cargo perscache build` when the plan names
/// it, else in this process (then all three times are the analysis's).
fn timed_analysis(
    plan: &Plan,
    root: &Path,
    ws: &Workspace,
    cache: Option<&Path>,
) -> Result<Timing> {
    if let Some(cargo_perscache) = &plan.cargo_perscache {
        // The command always reads its parse cache: a cold run is one
        // whose cache was removed.
        return time_build(cargo_perscache, root);
    }
    let (t, cpu) = (Instant::now(), ProcessTime::now());
    let options = Options {
        cache: cache.map(Path::to_path_buf),
        ..Options::default()
    };
    analyze(ws, &options).context("analysing the workspace")?;
    let wall = t.elapsed();
    Ok(Timing {
        analysis: wall,
        command: wall,
        cpu: cpu.elapsed(),
    })
}

/// One `cargo perscache build --no-build` on the workspace, as users run it
/// (its allocator included).
fn time_build(cargo_perscache: &Path, root: &Path) -> Result<Timing> {
    let cpu = children_cpu();
    let t = Instant::now();
    let out = Command::new(cargo_perscache)
        .args(["perscache", "build", "--no-build", "--color", "never"])
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .output()
        .with_context(|| format!("running {}", cargo_perscache.display()))?;
    let command = t.elapsed();
    let cpu = children_cpu().saturating_sub(cpu);
    let stderr = String::from_utf8_lossy(&out.stderr);
    anyhow::ensure!(
        out.status.success(),
        "cargo perscache build failed: {stderr}"
    );
    let analysis = reported_analysis_time(&stderr)
        .with_context(|| format!("no `Analysed ... in N.NNs` line in: {stderr}"))?;
    Ok(Timing {
        analysis,
        command,
        cpu,
    })
}

/// The analysis time in `cargo perscache build`'s status line
/// (`Analysed 12 files (...), 3 marked functions in 0.35s`).
fn reported_analysis_time(stderr: &str) -> Option<Duration> {
    let line = stderr
        .lines()
        .find(|l| l.trim_start().starts_with("Analysed "))?;
    let secs = line.rsplit(" in ").next()?.trim().strip_suffix('s')?;
    Duration::try_from_secs_f64(secs.parse().ok()?).ok()
}

/// The CPU time of this process's finished children, so far.
#[cfg(unix)]
fn children_cpu() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `getrusage` fills the `rusage` it is given; zeroed is a valid
    // `rusage` if it fails.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init()
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// Not measured off Unix: the report's CPU figures read zero there.
#[cfg(not(unix))]
fn children_cpu() -> Duration {
    Duration::ZERO
}

/// Each mark's entry in the manifest: same file and attribute line (or the
/// same name just below the attribute).
fn find_entry<'a>(a: &'a Analysis, m: &Mark) -> Option<&'a perscache_analysis::FunctionEntry> {
    let want = m.file.canonicalize().ok()?;
    let same_file = |f: &perscache_analysis::FunctionEntry| {
        a.manifest.absolute(&f.file).canonicalize().ok() == Some(want.clone())
    };
    let matches: Vec<_> = a
        .manifest
        .functions
        .iter()
        .filter(|f| same_file(f))
        .filter(|f| {
            f.attr_line == m.attr_line
                || (f.name == m.name && f.line > m.attr_line && f.line <= m.attr_line + 3)
        })
        .collect();
    // A file can belong to several crates (serde_json's tests include its
    // `src/lexical` by `#[path]`): the library's entry is the one meant.
    let lib = format!("{}::", m.package.replace('-', "_"));
    matches
        .iter()
        .find(|f| f.function.starts_with(&lib))
        .or(matches.first())
        .copied()
}

fn hashes(a: &Analysis, marks: &[Mark]) -> Vec<Option<String>> {
    marks
        .iter()
        .map(|m| find_entry(a, m).map(|f| f.code_hash.clone()))
        .collect()
}

/// Each time's median on its own.
fn median_timing(v: &[Timing]) -> Timing {
    let of = |f: fn(&Timing) -> Duration| median(&v.iter().map(f).collect::<Vec<_>>());
    Timing {
        analysis: of(|t| t.analysis),
        command: of(|t| t.command),
        cpu: of(|t| t.cpu),
    }
}

fn median(v: &[Duration]) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// The control for each listed mark: a statement added to its own body.
pub fn own_body_controls(marks: &[Mark], listed: &[bool], max: usize) -> Vec<Control> {
    let mut out = Vec::new();
    for (i, m) in marks.iter().enumerate() {
        if out.len() >= max || !listed.get(i).copied().unwrap_or(false) {
            continue;
        }
        let Some((text, ast)) = source::parse(&m.file) else {
            continue;
        };
        if let Some(e) = edit::in_marked_body(&m.file, &text, &ast, m.attr_line, 1_000_000 + i) {
            out.push(Control {
                edit: e,
                affects: vec![i],
            });
        }
    }
    out
}

/// Runs the whole measurement on the workspace at `root`, whose functions
/// `marks` are marked already. `controls` builds the control edits once the
/// baseline says which marks are listed.
pub fn run(
    root: &Path,
    graph: &CrateGraph,
    marks: &[Mark],
    plan: &Plan,
    controls: &dyn Fn(&[bool]) -> Vec<Control>,
    log: &dyn Fn(&str),
) -> Result<Outcome> {
    let t = Instant::now();
    let ws = Workspace::load(Some(&root.join("Cargo.toml"))).context("Workspace::load")?;
    let metadata = t.elapsed();
    let cache = ws.target_dir.join("perscache").join("parse-cache.bin");

    log("cold analyses (no parse cache)");
    let mut cold = Vec::new();
    for _ in 0..plan.cold_samples.max(1) {
        let _ = std::fs::remove_file(&cache);
        cold.push(timed_analysis(plan, root, &ws, None)?);
    }
    let _ = std::fs::remove_file(&cache);
    let first = analyze(&ws, &Options::default()).context("analysing the workspace")?;
    // The parse cache trusts a file's time stamp only once it is older than
    // the racy window (about 2 s) when the cache is written.
    std::thread::sleep(Duration::from_millis(2100));
    let mut run = Run {
        ws,
        cache,
        marks,
        baseline: Vec::new(),
        one_edit: Vec::new(),
    };
    run.analyze().context("filling the parse cache")?;
    log("warm analyses (nothing changed)");
    let mut warm = Vec::new();
    for _ in 0..plan.warm_samples.max(1) {
        warm.push(timed_analysis(plan, root, &run.ws, Some(&run.cache))?);
    }
    let base = run.analyze()?;
    run.one_edit.clear();
    run.baseline = hashes(&base, marks);
    if hashes(&first, marks) != run.baseline {
        log("warning: the cold and warm analyses disagree on some hashes");
    }
    let listed: Vec<bool> = run.baseline.iter().map(Option::is_some).collect();
    let mut results: Vec<MarkResult> = marks
        .iter()
        .zip(&base_functions(&base, marks))
        .map(|(m, f)| MarkResult {
            mark: m.clone(),
            function: f.clone(),
            by_category: BTreeMap::new(),
            controls: (0, 0),
        })
        .collect();

    let controls = controls(&listed);
    log(&format!(
        "{} control edits (reachable code)",
        controls.len()
    ));
    let mut failed = Vec::new();
    for c in &controls {
        match run.with_edit(&c.edit) {
            Ok(after) => {
                for &i in &c.affects {
                    let (Some(r), Some(b)) = (results.get_mut(i), run.baseline.get(i)) else {
                        continue;
                    };
                    if b.is_some() {
                        r.controls.0 += 1;
                        r.controls.1 += usize::from(after.get(i) != Some(b));
                    }
                }
            }
            Err(e) => failed.push(format!("control {}: {e:#}", c.edit.what)),
        }
    }

    // The files an edit may go to.
    let mut lib_files: BTreeMap<String, Vec<ModFile>> = BTreeMap::new();
    let mut test_files: Vec<(String, ModFile)> = Vec::new();
    for name in graph.packages.keys() {
        let files = graph.lib_files(name);
        if !files.is_empty() {
            lib_files.insert(name.clone(), files);
        }
        test_files.extend(
            graph
                .test_files(name)
                .into_iter()
                .map(|f| (name.clone(), f)),
        );
    }
    let targets: Vec<usize> = (0..marks.len()).filter(|&i| listed[i]).collect();
    // Not the marking's stream: one seed, two independent choices.
    let mut rng = Rng::new(plan.seed ^ 0x005e_ed0f_ed17);
    let mut edits = Vec::new();
    let started = Instant::now();
    for n in 0..if targets.is_empty() { 0 } else { plan.edits } {
        // Round-robin over the listed marks, so each gets edits of its own.
        let Some(m) = targets.get(n % targets.len()).and_then(|&i| marks.get(i)) else {
            break;
        };
        let outside: Vec<&String> = lib_files
            .keys()
            .filter(|p| !graph.reaches(&m.package, p))
            .collect();
        let mut chosen = None;
        for _ in 0..20 {
            let lib = !outside.is_empty()
                && (test_files.is_empty() || rng.chance(plan.lib_share.0, plan.lib_share.1));
            let (package, file, category) = if lib {
                let Some(p) = rng.pick(&outside) else { break };
                let Some(f) = lib_files.get(*p).and_then(|fs| rng.pick(fs)) else {
                    continue;
                };
                ((*p).clone(), f.path.clone(), Category::Lib)
            } else {
                let Some((p, f)) = rng.pick(&test_files) else {
                    break;
                };
                (p.clone(), f.path.clone(), Category::Tests)
            };
            let Some((text, ast)) = source::parse(&file) else {
                continue;
            };
            if let Some(e) = edit::random(&file, &text, &ast, &mut rng, n) {
                chosen = Some((e, package, category));
                break;
            }
        }
        let Some((e, package, category)) = chosen else {
            continue;
        };
        let after = match run.with_edit(&e) {
            Ok(a) => a,
            Err(err) => {
                failed.push(format!("{} {}: {err:#}", e.file.display(), e.what));
                continue;
            }
        };
        let mut counts = Counts::default();
        for (i, r) in results.iter_mut().enumerate() {
            let Some(b) = run.baseline.get(i).and_then(Option::as_ref) else {
                continue;
            };
            let eligible = match category {
                Category::Tests => true,
                Category::Lib => !graph.reaches(&r.mark.package, &package),
            };
            if eligible {
                let kept = after.get(i).and_then(Option::as_ref) == Some(b);
                counts.add(kept);
                r.by_category.entry(category).or_default().add(kept);
            }
        }
        if counts.kept < counts.eligible {
            log(&format!(
                "edit {n} changed {} of {} unreachable hashes: {} ({}) {}",
                counts.eligible - counts.kept,
                counts.eligible,
                e.file.display(),
                e.kind,
                e.what
            ));
        }
        edits.push(EditResult {
            edit: e,
            package,
            category,
            counts,
        });
        if (n + 1) % 10 == 0 || n + 1 == plan.edits {
            let (k, t) = edits.iter().fold((0, 0), |(k, t), e| {
                (k + e.counts.kept, t + e.counts.eligible)
            });
            log(&format!(
                "{} of {} edits, {:.0} s: {k} of {t} hashes kept ({:.1}%)",
                n + 1,
                plan.edits,
                started.elapsed().as_secs_f64(),
                100.0 * k as f64 / t.max(1) as f64
            ));
        }
    }

    // Every edit was reverted: the hashes must be the baseline's again.
    let end = run.analyze().context("analysing after the edits")?;
    let drift = hashes(&end, marks)
        .iter()
        .zip(&run.baseline)
        .zip(marks)
        .filter(|((a, b), _)| a != b)
        .map(|(_, m)| format!("{}:{} {}", m.file.display(), m.attr_line, m.name))
        .collect();
    let one_edit = std::mem::take(&mut run.one_edit);
    Ok(Outcome {
        marks: results,
        edits,
        failed,
        drift,
        metadata,
        cold,
        warm,
        one_edit,
        files: base.files,
        lines: base.lines,
        items: base.items,
    })
}

fn base_functions(a: &Analysis, marks: &[Mark]) -> Vec<Option<String>> {
    marks
        .iter()
        .map(|m| find_entry(a, m).map(|f| f.function.clone()))
        .collect()
}

impl Outcome {
    /// All (marked function, unreachable edit) pairs.
    pub fn total(&self) -> Counts {
        let mut t = Counts::default();
        for m in &self.marks {
            let c = m.total();
            t.eligible += c.eligible;
            t.kept += c.kept;
        }
        t
    }

    pub fn category(&self, cat: Category) -> Counts {
        let mut t = Counts::default();
        for m in &self.marks {
            if let Some(c) = m.by_category.get(&cat) {
                t.eligible += c.eligible;
                t.kept += c.kept;
            }
        }
        t
    }

    /// Controls run and detected, over all marks.
    pub fn controls(&self) -> (usize, usize) {
        self.marks
            .iter()
            .fold((0, 0), |(n, d), m| (n + m.controls.0, d + m.controls.1))
    }

    pub fn median_cold(&self) -> Timing {
        median_timing(&self.cold)
    }
    pub fn median_warm(&self) -> Timing {
        median_timing(&self.warm)
    }
    pub fn median_one_edit(&self) -> Duration {
        median(&self.one_edit)
    }
}
