//! The typed fast path: `#[persist]` picks, per argument and at compile
//! time, a path for one number, for a container of numbers in memory, or
//! serde's; all three write the same bytes.

use serde::Serialize;

use super::stream::{put_scalar, tag, write_str, Sink};
use super::KeyHasher;
use crate::error::Error;

/// An argument as `#[persist]` hands it to the key, for the choice between
/// the fast paths and serde (autoref specialization): a container of numbers
/// in memory ([`ScalarSlice`]) gets [`ViaScalars`]'s `__perscache_key_path`,
/// one number ([`Scalar`]) [`ViaScalar`]'s, anything else [`ViaSerde`]'s.
/// The generated code is
///
/// ```ignore
/// (&KeyArg(&x)).__perscache_key_path().arg("x", &mut key, &x)?;
/// ```
///
/// (The method's name is one no user trait in scope at the call will have.)
/// Method lookup tries `&KeyArg<T>` itself before borrowing it again, so
/// [`ViaScalars`] and [`ViaScalar`] (implemented for `KeyArg<T>`) win over
/// [`ViaSerde`] (for `&KeyArg<T>`, any `T`) whenever they apply. All paths write the same
/// bytes, so which one a type gets (a generic `T` always gets serde) never
/// changes a key, only its speed. Not a public API.
#[doc(hidden)]
pub struct KeyArg<'a, T: ?Sized>(pub &'a T);

/// The fast path's choice; see [`KeyArg`]. Not a public API.
#[doc(hidden)]
pub trait ViaScalars {
    /// Picks [`ScalarsPath`].
    #[inline]
    fn __perscache_key_path(&self) -> ScalarsPath {
        ScalarsPath
    }
}

impl<T: ScalarSlice + ?Sized> ViaScalars for KeyArg<'_, T> {}

/// The fast path's choice for one number (an id, a size: the most common
/// argument); see [`KeyArg`]. No type is both a number and a container, so
/// at most one of this and [`ViaScalars`] applies. Not a public API.
#[doc(hidden)]
pub trait ViaScalar {
    /// Picks [`ScalarPath`].
    #[inline]
    fn __perscache_key_path(&self) -> ScalarPath {
        ScalarPath
    }
}

impl<E: Scalar> ViaScalar for KeyArg<'_, E> {}

/// Adds an argument that is one number. Not a public API.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct ScalarPath;

impl ScalarPath {
    /// Adds `value` as [`KeyHasher::arg`] would: its tag and its bytes.
    #[inline]
    pub fn arg<E: Scalar>(
        self,
        name: &'static str,
        key: &mut KeyHasher,
        value: &E,
    ) -> Result<(), Error> {
        key.sink.put(&[tag::ARG]);
        write_str(&mut key.sink, name);
        let mut bytes = [0u8; 16];
        let bytes = &mut bytes[..std::mem::size_of::<E>()];
        value.put_le(bytes);
        put_scalar(&mut key.sink, E::TAG, bytes);
        Ok(())
    }
}

/// The fallback's choice; see [`KeyArg`]. Not a public API.
#[doc(hidden)]
pub trait ViaSerde {
    /// Picks [`SerdePath`].
    #[inline]
    fn __perscache_key_path(&self) -> SerdePath {
        SerdePath
    }
}

// No bound here: an argument that is not `Serialize` fails at
// `SerdePath::arg`, with serde's own message, on the argument.
impl<T: ?Sized> ViaSerde for &KeyArg<'_, T> {}

/// Adds an argument that is a container of numbers. Not a public API.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct ScalarsPath;

impl ScalarsPath {
    /// Adds `value` as [`KeyHasher::arg`] would, hashing its data from memory.
    #[inline]
    pub fn arg<C: ScalarSlice + ?Sized>(
        self,
        name: &'static str,
        key: &mut KeyHasher,
        value: &C,
    ) -> Result<(), Error> {
        key.scalars_arg(name, value);
        Ok(())
    }
}

/// Adds an argument through serde. Not a public API.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct SerdePath;

impl SerdePath {
    /// [`KeyHasher::arg`].
    #[inline]
    pub fn arg<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        key: &mut KeyHasher,
        value: &T,
    ) -> Result<(), Error> {
        key.arg(name, value)
    }
}

mod sealed {
    pub trait Sealed {}
}

/// A number that serde writes as one fixed-width scalar, and that can form a
/// run: `i8`..`i128`, `u8`..`u128`, `f32`, `f64` (not `bool` or `char`).
/// Sealed. Not a public API.
#[doc(hidden)]
pub trait Scalar: bytemuck::Pod + Serialize + sealed::Sealed {
    /// The serde kind's tag, as the serializer writes it.
    const TAG: u8;
    /// Writes the number's little-endian bytes (a float's bit pattern) to
    /// `out`, which is exactly as long.
    fn put_le(&self, out: &mut [u8]);
}

macro_rules! scalar {
    ($($ty:ty => $tag:ident),* ; floats: $($fty:ty => $ftag:ident),*) => {
        $(
            impl sealed::Sealed for $ty {}
            impl Scalar for $ty {
                const TAG: u8 = tag::$tag;
                #[inline]
                fn put_le(&self, out: &mut [u8]) {
                    out.copy_from_slice(&self.to_le_bytes());
                }
            }
        )*
        $(
            impl sealed::Sealed for $fty {}
            impl Scalar for $fty {
                const TAG: u8 = tag::$ftag;
                // By bit pattern, as `serialize_f32`/`serialize_f64` write them.
                #[inline]
                fn put_le(&self, out: &mut [u8]) {
                    out.copy_from_slice(&self.to_bits().to_le_bytes());
                }
            }
        )*
    };
}

scalar! {
    i8 => I8, i16 => I16, i32 => I32, i64 => I64, i128 => I128,
    u8 => U8, u16 => U16, u32 => U32, u64 => U64, u128 => U128;
    floats: f32 => F32, f64 => F64
}

/// How serde opens a container of numbers. Not a public API.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    /// `serialize_seq` (`Vec`, slices): `SEQ`, the elements, `END`.
    Seq,
    /// `serialize_tuple(len)` (arrays): `TUPLE`, the length, the elements, `END`.
    Tuple,
}

/// A container whose `Serialize` impl writes exactly its numbers, in memory
/// order, opened as [`OPEN`](Self::OPEN) says: the types the fast path takes.
/// Implemented only where that holds (an array only where serde implements
/// `Serialize` for it, so the fast path accepts nothing serde rejects). Not a
/// public API.
#[doc(hidden)]
pub trait ScalarSlice {
    /// The numbers' type.
    type Elem: Scalar;
    /// How serde opens the container.
    const OPEN: Open;
    /// The numbers.
    fn scalars(&self) -> &[Self::Elem];
}

impl<E: Scalar> ScalarSlice for [E] {
    type Elem = E;
    const OPEN: Open = Open::Seq;
    fn scalars(&self) -> &[E] {
        self
    }
}

impl<E: Scalar> ScalarSlice for Vec<E> {
    type Elem = E;
    const OPEN: Open = Open::Seq;
    fn scalars(&self) -> &[E] {
        self
    }
}

impl<E: Scalar, const N: usize> ScalarSlice for [E; N]
where
    [E; N]: Serialize,
{
    type Elem = E;
    const OPEN: Open = Open::Tuple;
    fn scalars(&self) -> &[E] {
        self
    }
}

// Serde writes these as what they point to.
impl<C: ScalarSlice + ?Sized> ScalarSlice for &C {
    type Elem = C::Elem;
    const OPEN: Open = C::OPEN;
    fn scalars(&self) -> &[C::Elem] {
        (**self).scalars()
    }
}

impl<C: ScalarSlice + ?Sized> ScalarSlice for Box<C> {
    type Elem = C::Elem;
    const OPEN: Open = C::OPEN;
    fn scalars(&self) -> &[C::Elem] {
        (**self).scalars()
    }
}

impl<C: ScalarSlice + ToOwned + ?Sized> ScalarSlice for std::borrow::Cow<'_, C> {
    type Elem = C::Elem;
    const OPEN: Open = C::OPEN;
    fn scalars(&self) -> &[C::Elem] {
        (**self).scalars()
    }
}
