//! The key's fast paths for arguments that are numbers or containers of
//! numbers: what `#[persist]` generates picks them for numbers, `Vec<T>`,
//! slices and arrays of numbers (and serde for everything else, generic
//! arguments included), and they give exactly the key `KeyHasher::arg` gives
//! through serde.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::LazyLock;

use perscache::__private::{
    KeyArg, ScalarPath, ScalarsPath, SerdePath, ViaScalar as _, ViaScalars as _, ViaSerde as _,
};
use perscache::{persist, Cache, Key, KeyHasher};
use serde::Serialize;

use common::temp_cache;

const LENGTHS: &[usize] = &[0, 1, 127, 128, 1023, 1024, 1025, 16384 + 3, 100_000];

/// The key through serde, as `KeyHasher::arg` writes it.
fn generic_key<T: Serialize + ?Sized>(value: &T) -> Key {
    let mut key = KeyHasher::new("tests::key_fast_path::f", "0123abcd", "binary");
    key.arg("x", value).expect("serializable");
    key.finish()
}

/// A generic function gets serde: autoref specialization is decided where
/// the code is written, and `T` is not known to be a container of numbers.
fn generic_choice<T: Serialize>(value: &T) -> SerdePath {
    (&KeyArg(value)).__perscache_key_path()
}

/// Runs `$body` with `key!(value)`: the key through the code `#[persist]`
/// generates for an argument `value` (written out at the call site, so the
/// concrete type decides the path, as in a marked function), after checking
/// that the path is `$path`.
macro_rules! fast_key {
    ($value:expr, $path:ty) => {{
        let value = $value;
        let _: $path = (&KeyArg(&value)).__perscache_key_path();
        let mut key = KeyHasher::new("tests::key_fast_path::f", "0123abcd", "binary");
        (&KeyArg(&value))
            .__perscache_key_path()
            .arg("x", &mut key, &value)
            .expect("serializable");
        key.finish()
    }};
}

macro_rules! check_type {
    ($ty:ty, $make:expr) => {{
        let make: fn(usize) -> $ty = $make;
        for &n in LENGTHS {
            let data: Vec<$ty> = (0..n).map(make).collect();
            let expected = generic_key(&data);
            let what = format!("{} x {n}", stringify!($ty));
            assert_eq!(fast_key!(data.clone(), ScalarsPath), expected, "Vec {what}");
            assert_eq!(fast_key!(&data, ScalarsPath), expected, "&Vec {what}");
            assert_eq!(fast_key!(&data[..], ScalarsPath), expected, "&[] {what}");
            let boxed: Box<[$ty]> = data.clone().into();
            assert_eq!(fast_key!(boxed, ScalarsPath), expected, "Box<[]> {what}");
            let cow = std::borrow::Cow::Borrowed(&data[..]);
            assert_eq!(fast_key!(cow, ScalarsPath), expected, "Cow {what}");
            assert_eq!(generic_key(&data[..]), expected, "serde &[] {what}");
        }
        // Arrays: serde has them up to 32 elements, written as tuples.
        let empty: [$ty; 0] = [];
        assert_eq!(fast_key!(empty, ScalarsPath), generic_key(&empty));
        let one: [$ty; 1] = std::array::from_fn(make);
        assert_eq!(fast_key!(one, ScalarsPath), generic_key(&one));
        let full: [$ty; 32] = std::array::from_fn(make);
        assert_eq!(fast_key!(full, ScalarsPath), generic_key(&full));
        assert_eq!(fast_key!(&full, ScalarsPath), generic_key(&full));
        assert_ne!(
            generic_key(&full),
            generic_key(&full.to_vec()),
            "a tuple is not a sequence"
        );
    }};
}

#[test]
fn fast_path_keys_equal_serde_keys() {
    check_type!(i8, |i| i as i8);
    check_type!(i16, |i| (i as i16).wrapping_mul(-7));
    check_type!(i32, |i| (i as i32).wrapping_mul(-1_000_003));
    check_type!(i64, |i| (i as i64).wrapping_mul(-0x1E37_79B9_7F4A_7C15));
    check_type!(i128, |i| (i as i128) << 70 | i as i128);
    check_type!(u8, |i| (i * 31 % 251) as u8);
    check_type!(u16, |i| (i as u16).wrapping_mul(40_503));
    check_type!(u32, |i| (i as u32).wrapping_mul(2_654_435_761));
    check_type!(u64, |i| (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    check_type!(u128, |i| (i as u128) << 64 | (i as u128).wrapping_mul(3));
    check_type!(f32, |i| if i % 7 == 3 { -0.0 } else { i as f32 * 0.75 });
    check_type!(f64, |i| match i % 11 {
        4 => f64::NAN,
        5 => f64::from_bits(0x7ff8_0000_0000_0001),
        6 => -0.0,
        _ => i as f64 * -1.25,
    });
}

/// One number: its tag and bytes, as serde writes a number that is not in a
/// sequence.
#[test]
fn one_number_keys_equal_serde_keys() {
    macro_rules! check {
        ($($value:expr),* $(,)?) => {$(
            assert_eq!(fast_key!($value, ScalarPath), generic_key(&$value), "{:?}", $value);
        )*};
    }
    check!(
        0u8,
        u8::MAX,
        0i8,
        i8::MIN,
        7u16,
        i16::MIN,
        7u32,
        i32::MIN,
        7u64,
        u64::MAX
    );
    check!(
        i64::MIN,
        u128::MAX,
        i128::MIN,
        1.5f32,
        -0.0f32,
        f32::NAN,
        1.5f64,
        -0.0f64
    );
    check!(
        f64::NAN,
        f64::from_bits(0x7ff8_0000_0000_0001),
        f64::INFINITY
    );
    // Kinds and widths stay apart, as through serde.
    assert_ne!(fast_key!(7u32, ScalarPath), fast_key!(7u64, ScalarPath));
    assert_ne!(fast_key!(7u64, ScalarPath), fast_key!(7i64, ScalarPath));
    assert_ne!(
        fast_key!(0.0f64, ScalarPath),
        fast_key!(-0.0f64, ScalarPath)
    );
    assert_ne!(
        fast_key!(1.0f64, ScalarPath),
        fast_key!(1.0f64.to_bits(), ScalarPath)
    );
}

/// Everything else goes through serde: other element types, nested
/// containers, and numbers that are not bare (`bool`, `char`, `Option`).
#[test]
fn other_arguments_take_serde() {
    let strings = vec!["a".to_owned(); 3];
    assert_eq!(fast_key!(strings.clone(), SerdePath), generic_key(&strings));
    let nested = vec![vec![1.5f64; 300]; 3];
    assert_eq!(fast_key!(nested.clone(), SerdePath), generic_key(&nested));
    let bools = vec![true; 2000];
    assert_eq!(fast_key!(bools.clone(), SerdePath), generic_key(&bools));
    let chars = vec!['x'; 2000];
    assert_eq!(fast_key!(chars.clone(), SerdePath), generic_key(&chars));
    let options = vec![Some(1u8); 2000];
    assert_eq!(fast_key!(options.clone(), SerdePath), generic_key(&options));
    assert_eq!(fast_key!(&7u64, SerdePath), generic_key(&7u64));
    assert_eq!(fast_key!(true, SerdePath), generic_key(&true));
    assert_eq!(fast_key!(Some(7u64), SerdePath), generic_key(&Some(7u64)));
    assert_eq!(fast_key!("text", SerdePath), generic_key("text"));
    let generic = vec![2.5f64; 3000];
    let _: SerdePath = generic_choice(&generic);
}

static CACHE: LazyLock<Cache> = LazyLock::new(temp_cache);

/// Marked functions whose arguments take the fast path hit and miss as the
/// values say, including changes deep inside a long run.
#[test]
fn marked_functions_with_number_arguments() {
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE)]
    fn total(x: Vec<f64>, scale: &[u8], small: [i32; 4], offsets: &Vec<u64>) -> f64 {
        CALLS.fetch_add(1, SeqCst);
        x.iter().sum::<f64>() * f64::from(scale.len() as u32)
            + f64::from(small.iter().sum::<i32>())
            + offsets.len() as f64
    }

    let x: Vec<f64> = (0..100_000).map(|i| f64::from(i) * 0.5).collect();
    let scale: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
    let offsets: Vec<u64> = (0..300).collect();
    let call = |x: &Vec<f64>, scale: &[u8]| total(x.clone(), scale, [1, 2, 3, 4], &offsets);

    let first = call(&x, &scale);
    assert_eq!(call(&x, &scale), first);
    assert_eq!(CALLS.load(SeqCst), 1, "the same arguments hit");

    let mut changed = x.clone();
    changed[77_777] += 1.0;
    call(&changed, &scale);
    assert_eq!(CALLS.load(SeqCst), 2, "one number deep in a run misses");

    let mut zero = x.clone();
    zero[0] = -0.0;
    call(&zero, &scale);
    assert_eq!(CALLS.load(SeqCst), 3, "-0.0 is not 0.0");

    call(&x, &scale[..4999]);
    assert_eq!(CALLS.load(SeqCst), 4, "one byte shorter misses");
    call(&x, &scale);
    call(&changed, &scale);
    assert_eq!(CALLS.load(SeqCst), 4, "all of them are stored");
}

/// Generic and `impl Trait` arguments compile and key through serde.
#[test]
fn marked_generic_functions() {
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE)]
    fn count<T: Serialize>(items: Vec<T>) -> usize {
        CALLS.fetch_add(1, SeqCst);
        items.len()
    }

    #[persist(cache = CACHE)]
    fn size(items: impl Serialize + AsRef<[u16]>) -> usize {
        CALLS.fetch_add(1, SeqCst);
        items.as_ref().len()
    }

    assert_eq!(count(vec![1.0f64; 3000]), 3000);
    assert_eq!(count(vec![1.0f64; 3000]), 3000);
    assert_eq!(count(vec![1u64; 3000]), 3000);
    assert_eq!(CALLS.load(SeqCst), 2);
    assert_eq!(size(vec![7u16; 1000]), 1000);
    assert_eq!(size(vec![7u16; 1000]), 1000);
    assert_eq!(size([7u16; 3]), 3);
    assert_eq!(CALLS.load(SeqCst), 4);
}
