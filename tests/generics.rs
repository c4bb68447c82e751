//! Issue 11, generics: the key separates every instantiation a function can
//! observe (its own type and const parameters, `impl Trait` arguments, and
//! those of its `impl` block and `Self`), with and without `self`.
//!
//! Each test calls every instantiation once with caching off (the function's
//! own value), then twice with the cache: every cached call must return the
//! function's own value, and each instantiation is computed exactly once
//! (distinct keys, then hits). The own values of the instantiations differ,
//! or the test would prove nothing; that is checked first.

mod common;

use std::cell::Cell;
use std::marker::PhantomData;
use std::sync::LazyLock;

use perscache::{persist, AsCache, Cache, NoCache};
use serde::de::DeserializeOwned;
use serde::Serialize;

use common::temp_cache;

thread_local! {
    /// Caching off on this thread (each test runs on its own thread).
    static OFF: Cell<bool> = const { Cell::new(false) };
    /// How many bodies ran on this thread.
    static RUNS: Cell<usize> = const { Cell::new(0) };
}

/// The cache of every function here, which a test turns off on its own
/// thread to get a function's own value.
struct Switch(LazyLock<Cache>);

impl AsCache for Switch {
    fn as_cache(&self) -> &Cache {
        if OFF.with(Cell::get) {
            NoCache.as_cache()
        } else {
            self.0.as_cache()
        }
    }
}

static CACHE: Switch = Switch(LazyLock::new(temp_cache));

/// Called by every body: counts a run.
fn ran() {
    RUNS.with(|r| r.set(r.get() + 1));
}

fn runs() -> usize {
    RUNS.with(Cell::get)
}

/// `f`'s value with caching off.
fn own(f: &dyn Fn() -> String) -> String {
    OFF.with(|o| o.set(true));
    let value = f();
    OFF.with(|o| o.set(false));
    value
}

/// A labelled call, its result printed with `Debug` so that instantiations
/// returning different types compare.
type Call<'a> = (&'a str, &'a dyn Fn() -> String);

/// The checks described at the top, over calls that differ only in the
/// instantiation. Returns the failures, so that a test reports all of its
/// checks at once (see [`assert_none`]).
#[must_use]
fn check(calls: &[Call]) -> Vec<String> {
    let own: Vec<String> = calls.iter().map(|(_, f)| own(*f)).collect();
    for (i, (a, _)) in calls.iter().enumerate() {
        for (j, (b, _)) in calls.iter().enumerate().skip(i + 1) {
            assert_ne!(
                own[i], own[j],
                "test's own bug: {a} and {b} must return different values"
            );
        }
    }

    let mut failures = Vec::new();
    let before = runs();
    for round in ["first call", "second call"] {
        for ((label, f), own) in calls.iter().zip(&own) {
            let got = f();
            if &got != own {
                failures.push(format!(
                    "{label}, {round}: returned {got}, the function's own value is {own}"
                ));
            }
        }
    }
    let computed = runs() - before;
    if computed != calls.len() {
        failures.push(format!(
            "with the cache the {} instantiations computed {computed} times over two rounds, \
             not once each",
            calls.len()
        ));
    }
    failures
}

fn assert_none(checks: &[Vec<String>]) {
    let failures = checks.concat();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// One input, a different value per implementing type.
trait Conv: std::fmt::Debug {
    fn conv(x: u32) -> Self;
}

impl Conv for i64 {
    fn conv(x: u32) -> i64 {
        -i64::from(x)
    }
}

impl Conv for u64 {
    fn conv(x: u32) -> u64 {
        u64::from(x) * 1000
    }
}

/// Generic in its `impl` block only (the shape).
#[derive(Serialize)]
struct Converter<T>(PhantomData<T>);

impl<T> Converter<T> {
    fn new() -> Self {
        Converter(PhantomData)
    }
}

impl<T: Conv + Serialize + DeserializeOwned> Converter<T> {
    #[persist(cache = CACHE)]
    fn convert(x: u32) -> T {
        ran();
        T::conv(x)
    }

    #[persist(cache = CACHE)]
    fn convert_self(&self, x: u32) -> T {
        ran();
        T::conv(x)
    }

    #[persist(cache = CACHE, per_instance = false)]
    fn convert_shared(&self, x: u32) -> T {
        ran();
        T::conv(x)
    }

    /// `T` only in the body: the signature is the same for every `T`.
    #[persist(cache = CACHE)]
    fn describe(x: u32) -> String {
        ran();
        format!("{:?}", T::conv(x))
    }

    /// The method's own parameter `U` besides the block's `T`.
    #[persist(cache = CACHE)]
    fn pair<U: Conv + Serialize + DeserializeOwned>(x: u32) -> (T, U) {
        ran();
        (T::conv(x), U::conv(x))
    }
}

#[test]
fn impl_block_type_parameter_without_self() {
    assert_none(&[
        check(&[
            ("Converter::<i64>::convert(5)", &|| {
                format!("{:?}", Converter::<i64>::convert(5))
            }),
            ("Converter::<u64>::convert(5)", &|| {
                format!("{:?}", Converter::<u64>::convert(5))
            }),
        ]),
        check(&[
            ("Converter::<i64>::describe(5)", &|| {
                Converter::<i64>::describe(5)
            }),
            ("Converter::<u64>::describe(5)", &|| {
                Converter::<u64>::describe(5)
            }),
        ]),
    ]);
}

#[test]
fn impl_block_type_parameter_with_self() {
    assert_none(&[
        check(&[
            ("Converter::<i64>::convert_self(5)", &|| {
                format!("{:?}", Converter::<i64>::new().convert_self(5))
            }),
            ("Converter::<u64>::convert_self(5)", &|| {
                format!("{:?}", Converter::<u64>::new().convert_self(5))
            }),
        ]),
        check(&[
            ("Converter::<i64>::convert_shared(5)", &|| {
                format!("{:?}", Converter::<i64>::new().convert_shared(5))
            }),
            ("Converter::<u64>::convert_shared(5)", &|| {
                format!("{:?}", Converter::<u64>::new().convert_shared(5))
            }),
        ]),
    ]);
}

#[test]
fn method_type_parameter_in_a_generic_impl() {
    assert_none(&[check(&[
        ("Converter::<i64>::pair::<u64>(5)", &|| {
            format!("{:?}", Converter::<i64>::pair::<u64>(5))
        }),
        ("Converter::<u64>::pair::<u64>(5)", &|| {
            format!("{:?}", Converter::<u64>::pair::<u64>(5))
        }),
        ("Converter::<u64>::pair::<i64>(5)", &|| {
            format!("{:?}", Converter::<u64>::pair::<i64>(5))
        }),
    ])]);
}

/// Generic over a const in its `impl` block only.
#[derive(Serialize)]
struct Repeat<const N: usize>;

impl<const N: usize> Repeat<N> {
    #[persist(cache = CACHE)]
    fn repeat(x: u32) -> Vec<u32> {
        ran();
        vec![x; N]
    }

    #[persist(cache = CACHE)]
    fn repeat_self(&self, x: u32) -> Vec<u32> {
        ran();
        vec![x; N]
    }
}

#[test]
fn impl_block_const_parameter_without_self() {
    assert_none(&[check(&[
        ("Repeat::<2>::repeat(7)", &|| {
            format!("{:?}", Repeat::<2>::repeat(7))
        }),
        ("Repeat::<3>::repeat(7)", &|| {
            format!("{:?}", Repeat::<3>::repeat(7))
        }),
    ])]);
}

#[test]
fn impl_block_const_parameter_with_self() {
    assert_none(&[check(&[
        ("Repeat::<2>.repeat_self(7)", &|| {
            format!("{:?}", Repeat::<2>.repeat_self(7))
        }),
        ("Repeat::<3>.repeat_self(7)", &|| {
            format!("{:?}", Repeat::<3>.repeat_self(7))
        }),
    ])]);
}

/// `Self::PER_METRE`, written where the macro cannot see it.
macro_rules! per_metre {
    () => {
        Self::PER_METRE
    };
}

/// A trait whose default methods depend on the implementing type.
trait Unit: Serialize + Sized {
    const PER_METRE: u32;

    #[persist(cache = CACHE)]
    fn scaled(x: u32) -> u32 {
        ran();
        x * Self::PER_METRE
    }

    #[persist(cache = CACHE)]
    fn scaled_self(&self, x: u32) -> u32 {
        ran();
        x * Self::PER_METRE
    }

    /// Observes `Self` though no token of it names `Self`.
    #[persist(cache = CACHE)]
    fn scaled_by_macro(x: u32) -> u32 {
        ran();
        x * per_metre!()
    }
}

#[derive(Serialize)]
struct Metres;

impl Unit for Metres {
    const PER_METRE: u32 = 1;
}

#[derive(Serialize)]
struct Millimetres;

impl Unit for Millimetres {
    const PER_METRE: u32 = 1000;
}

#[test]
fn trait_default_method_per_implementing_type_without_self() {
    assert_none(&[
        check(&[
            ("Metres::scaled(3)", &|| format!("{:?}", Metres::scaled(3))),
            ("Millimetres::scaled(3)", &|| {
                format!("{:?}", Millimetres::scaled(3))
            }),
        ]),
        check(&[
            ("Metres::scaled_by_macro(3)", &|| {
                format!("{:?}", Metres::scaled_by_macro(3))
            }),
            ("Millimetres::scaled_by_macro(3)", &|| {
                format!("{:?}", Millimetres::scaled_by_macro(3))
            }),
        ]),
    ]);
}

#[test]
fn trait_default_method_per_implementing_type_with_self() {
    assert_none(&[check(&[
        ("Metres.scaled_self(3)", &|| {
            format!("{:?}", Metres.scaled_self(3))
        }),
        ("Millimetres.scaled_self(3)", &|| {
            format!("{:?}", Millimetres.scaled_self(3))
        }),
    ])]);
}

/// Not generic itself; its methods are.
#[derive(Serialize)]
struct Maker;

impl Maker {
    #[persist(cache = CACHE)]
    fn make<T: Conv + Serialize + DeserializeOwned>(x: u32) -> T {
        ran();
        T::conv(x)
    }

    #[persist(cache = CACHE)]
    fn make_self<T: Conv + Serialize + DeserializeOwned>(&self, x: u32) -> T {
        ran();
        T::conv(x)
    }

    #[persist(cache = CACHE)]
    fn fill<const N: usize>(x: u32) -> Vec<u32> {
        ran();
        vec![x; N]
    }

    #[persist(cache = CACHE)]
    fn fill_self<const N: usize>(&self, x: u32) -> Vec<u32> {
        ran();
        vec![x; N]
    }

    #[persist(cache = CACHE)]
    fn bits_self(&self, x: impl Serialize + Width) -> u32 {
        ran();
        x.bits()
    }
}

#[test]
fn method_own_type_and_const_parameters() {
    assert_none(&[
        check(&[
            ("Maker::make::<i64>(5)", &|| {
                format!("{:?}", Maker::make::<i64>(5))
            }),
            ("Maker::make::<u64>(5)", &|| {
                format!("{:?}", Maker::make::<u64>(5))
            }),
        ]),
        check(&[
            ("Maker.make_self::<i64>(5)", &|| {
                format!("{:?}", Maker.make_self::<i64>(5))
            }),
            ("Maker.make_self::<u64>(5)", &|| {
                format!("{:?}", Maker.make_self::<u64>(5))
            }),
        ]),
        check(&[
            ("Maker::fill::<2>(7)", &|| {
                format!("{:?}", Maker::fill::<2>(7))
            }),
            ("Maker::fill::<3>(7)", &|| {
                format!("{:?}", Maker::fill::<3>(7))
            }),
        ]),
        check(&[
            ("Maker.fill_self::<2>(7)", &|| {
                format!("{:?}", Maker.fill_self::<2>(7))
            }),
            ("Maker.fill_self::<3>(7)", &|| {
                format!("{:?}", Maker.fill_self::<3>(7))
            }),
        ]),
    ]);
}

/// Behaviour that depends on an argument's type, not on its value.
trait Width {
    fn bits(&self) -> u32;
}

impl Width for u8 {
    fn bits(&self) -> u32 {
        u8::BITS
    }
}

impl Width for u64 {
    fn bits(&self) -> u32 {
        u64::BITS
    }
}

#[persist(cache = CACHE)]
fn bits(x: impl Serialize + Width) -> u32 {
    ran();
    x.bits()
}

#[test]
fn impl_trait_arguments() {
    assert_none(&[
        check(&[
            ("bits(5u8)", &|| format!("{:?}", bits(5u8))),
            ("bits(5u64)", &|| format!("{:?}", bits(5u64))),
        ]),
        check(&[
            ("Maker.bits_self(5u8)", &|| {
                format!("{:?}", Maker.bits_self(5u8))
            }),
            ("Maker.bits_self(5u64)", &|| {
                format!("{:?}", Maker.bits_self(5u64))
            }),
        ]),
    ]);
}

/// A trait generic over a type that `Self` does not mention.
trait Make<T> {
    fn make(x: u32) -> T;
    fn make_self(&self, x: u32) -> T;
}

#[derive(Serialize)]
struct Factory;

impl<T: Conv + Serialize + DeserializeOwned> Make<T> for Factory {
    #[persist(cache = CACHE)]
    fn make(x: u32) -> T {
        ran();
        T::conv(x)
    }

    #[persist(cache = CACHE)]
    fn make_self(&self, x: u32) -> T {
        ran();
        T::conv(x)
    }
}

#[test]
fn trait_parameter_not_in_self_without_self() {
    assert_none(&[check(&[
        ("<Factory as Make<i64>>::make(5)", &|| {
            format!("{:?}", <Factory as Make<i64>>::make(5))
        }),
        ("<Factory as Make<u64>>::make(5)", &|| {
            format!("{:?}", <Factory as Make<u64>>::make(5))
        }),
    ])]);
}

#[test]
fn trait_parameter_not_in_self_with_self() {
    assert_none(&[check(&[
        ("<Factory as Make<i64>>::make_self(5)", &|| {
            format!("{:?}", <Factory as Make<i64>>::make_self(&Factory, 5))
        }),
        ("<Factory as Make<u64>>::make_self(5)", &|| {
            format!("{:?}", <Factory as Make<u64>>::make_self(&Factory, 5))
        }),
    ])]);
}
