//! The short fuzzing run CI does (issue 7 point 4): the bodies of the
//! `cargo fuzz` targets (`fuzz/`), on seeds (valid entries of every format,
//! hostile declared lengths) and on random mutations of them, with an
//! allocator that records the largest single allocation: a decoder told of a
//! huge length must not reserve it.
//!
//! Short: 5,000 mutated inputs per target; `PERSCACHE_RELIABILITY_LONG=1`:
//! 100,000. The long coverage-guided runs are `scripts/reliability.sh --long`.
#![cfg(feature = "testing")]
#![allow(unsafe_code)] // a counting global allocator, see `Counting`

mod reliability_support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use perscache_runtime::testing::fuzz;
use reliability_support::{scale, Rng};

/// The system allocator, recording the largest request.
struct Counting;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every method forwards to `System` with the caller's own layout and
// pointer, unchanged; the only addition is an atomic store, which cannot
// allocate or unwind.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded as received.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as received.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        // SAFETY: forwarded as received.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// No input of a few KiB may make a decoder reserve more than this.
const ALLOCATION_LIMIT: usize = 64 << 20;

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..=rng.below(4) {
        match rng.below(6) {
            0 if !data.is_empty() => {
                let i = rng.below(data.len() as u64) as usize;
                data[i] ^= 1 << rng.below(8);
            }
            1 if !data.is_empty() => {
                let i = rng.below(data.len() as u64) as usize;
                data.truncate(i);
            }
            2 => {
                let i = rng.below(data.len() as u64 + 1) as usize;
                data.insert(i, rng.next() as u8);
            }
            3 if !data.is_empty() => {
                let i = rng.below(data.len() as u64) as usize;
                data[i] = [0, 0xff, 0x7f, 0x80][rng.below(4) as usize];
            }
            4 if data.len() >= 8 => {
                // A length field somewhere: make it huge.
                let i = rng.below(data.len() as u64 - 7) as usize;
                data[i..i + 8].copy_from_slice(&u64::MAX.to_le_bytes());
            }
            _ => data.extend((0..rng.below(16)).map(|_| rng.next() as u8)),
        }
    }
    data
}

fn run(name: &str, target: fn(&[u8])) {
    let seeds = fuzz::seeds();
    let mut rng = Rng::seeded(0x5eed ^ name.len() as u64);
    let iterations = scale(5_000, 100_000);
    LARGEST.store(0, Ordering::Relaxed);
    for seed in &seeds {
        target(seed);
    }
    for i in 0..iterations {
        let seed = &seeds[i % seeds.len()];
        let input = mutate(&mut rng, seed);
        target(&input);
        let largest = LARGEST.load(Ordering::Relaxed);
        assert!(
            largest <= ALLOCATION_LIMIT,
            "{name}: an input of {} bytes made a {largest}-byte allocation: {:02x?}",
            input.len(),
            &input[..input.len().min(64)]
        );
    }
    println!(
        "RELIABILITY fuzz {name}: {} seeds + {iterations} mutated inputs, largest allocation {} KiB",
        seeds.len(),
        LARGEST.load(Ordering::Relaxed) >> 10
    );
}

#[test]
fn entry_frame() {
    run("entry", fuzz::entry);
}

#[test]
fn format_decoders() {
    run("decode", fuzz::decode);
}

#[test]
fn whole_read_path() {
    // Warnings are expected by the thousand; keep them out of the output.
    let quiet = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::ERROR)
        .finish();
    tracing::subscriber::with_default(quiet, || run("read_path", fuzz::read_path));
}
