//! The machine a run measured: figures mean little without it.

use std::fs;
use std::path::Path;
use std::process::Command;

/// What `BENCHMARKS.md` says about the machine and the run.
#[derive(Debug, Clone)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub memory: String,
    pub os: String,
    pub rustc: String,
    pub filesystem: String,
}

impl Machine {
    /// Reads what the system says; anything it will not say is "unknown".
    pub fn describe(scratch: &Path) -> Machine {
        Machine {
            cpu: cpu_model().unwrap_or_else(unknown),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            memory: memory().unwrap_or_else(unknown),
            os: os().unwrap_or_else(unknown),
            rustc: rustc().unwrap_or_else(unknown),
            filesystem: filesystem(scratch).unwrap_or_else(unknown),
        }
    }
}

fn unknown() -> String {
    "unknown".to_owned()
}

fn cpu_model() -> Option<String> {
    let info = fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_owned())
}

fn memory() -> Option<String> {
    let info = fs::read_to_string("/proc/meminfo").ok()?;
    let kib: u64 = info
        .lines()
        .find(|l| l.starts_with("MemTotal:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(format!("{:.1} GiB", kib as f64 / (1u64 << 20) as f64))
}

fn os() -> Option<String> {
    let release = fs::read_to_string("/etc/os-release").ok();
    let name = release.as_deref().and_then(|r| {
        r.lines()
            .find_map(|l| l.strip_prefix("PRETTY_NAME="))
            .map(|v| v.trim_matches('"').to_owned())
    });
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease")
        .ok()
        .map(|k| k.trim().to_owned());
    match (name, kernel) {
        (Some(n), Some(k)) => Some(format!("{n}, Linux {k}")),
        (Some(n), None) => Some(n),
        (None, Some(k)) => Some(format!("Linux {k}")),
        (None, None) => Some(std::env::consts::OS.to_owned()),
    }
}

fn rustc() -> Option<String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = Command::new(rustc).arg("--version").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The file system holding the scratch folder, from the longest matching
/// mount point.
fn filesystem(scratch: &Path) -> Option<String> {
    let mounts = fs::read_to_string("/proc/mounts").ok()?;
    let scratch = scratch.canonicalize().ok()?;
    mounts
        .lines()
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            let (_dev, at, ty) = (parts.next()?, parts.next()?, parts.next()?);
            scratch.starts_with(at).then(|| (at.len(), ty.to_owned()))
        })
        .max()
        .map(|(_, ty)| ty)
}

/// The 1-, 5- and 15-minute load averages, as the system reports them.
pub fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(unknown)
}
