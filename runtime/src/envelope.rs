//! How an API's response bodies report failure, for APIs that wrap every response in an
//! envelope, and the direct decoding of a success envelope from its bytes.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, EnumAccess, MapAccess, SeqAccess, VariantAccess,
    Visitor,
};
use serde_json::Value;

use super::error::ErrorDetail;

/// The properties of a response envelope that report failure, for APIs whose bodies look like
/// `{"success": false, "errors": [{"code": 7003, "message": "..."}], ...}`.
///
/// A client reads no envelope unless one is installed with
/// [`ClientBuilder::error_envelope`](super::ClientBuilder::error_envelope): then a success
/// status is a success whatever the body holds, and the body of an error status is kept as
/// text in [`Error::body`](super::Error::body). Generated clients install the envelope their
/// OpenAPI description declares (the top-level extension `x-dynroute-envelope`), so only APIs
/// that say they use one get these rules.
///
/// * [`success_flag`](Self::success_flag) names a boolean property: a body in which it is
///   `false` is an [`ErrorKind::Api`](super::ErrorKind::Api) error, whatever the HTTP status
///   (the body is then neither hooked, unwrapped nor decoded).
/// * [`errors`](Self::errors) names an array property: its entries become the error's
///   [`details`](super::Error::details), for a failed body as for an error status. Each entry
///   is read as an [`ErrorDetail`]: `code` (a number, or a string holding one) and `message`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ErrorEnvelope {
    success: Option<&'static str>,
    errors: Option<&'static str>,
}

impl ErrorEnvelope {
    /// An envelope that reports nothing; name its properties with
    /// [`success_flag`](Self::success_flag) and [`errors`](Self::errors).
    pub const fn new() -> Self {
        Self {
            success: None,
            errors: None,
        }
    }

    /// Names the boolean property whose `false` marks a failed response.
    pub const fn success_flag(mut self, property: &'static str) -> Self {
        self.success = Some(property);
        self
    }

    /// Names the array property that lists what went wrong.
    pub const fn errors(mut self, property: &'static str) -> Self {
        self.errors = Some(property);
        self
    }

    /// The boolean property whose `false` marks a failed response, when one is named.
    pub const fn success_property(&self) -> Option<&'static str> {
        self.success
    }

    /// The array property that lists what went wrong, when one is named.
    pub const fn errors_property(&self) -> Option<&'static str> {
        self.errors
    }

    /// The success flag's name when `body` sets it to `false`.
    pub(crate) fn failure(&self, body: &Value) -> Option<&'static str> {
        let flag = self.success?;
        (body.get(flag) == Some(&Value::Bool(false))).then_some(flag)
    }

    /// The entries of the errors array of `body` (none when it names no array or the body
    /// has none), tolerating entries without a code and codes sent as strings.
    pub(crate) fn details(&self, body: &Value) -> Vec<ErrorDetail> {
        let Some(errors) = self
            .errors
            .and_then(|property| body.get(property))
            .and_then(Value::as_array)
        else {
            return Vec::new();
        };
        errors
            .iter()
            .map(|entry| ErrorDetail {
                code: entry.get("code").and_then(|code| {
                    code.as_i64()
                        .or_else(|| code.as_str().and_then(|s| s.parse().ok()))
                }),
                message: match entry.get("message") {
                    Some(Value::String(message)) => message.clone(),
                    Some(other) => other.to_string(),
                    None => entry.to_string(),
                },
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Decoding a success body straight from its bytes.
//
// The general path reads the body into a `serde_json::Value`, checks the envelope, lets the
// response hook rewrite it, takes the unwrapped property out and decodes that into `T`. When
// no hook is installed, or the hook repairs only what the declared type refuses and `T` is
// that type ([`ResponseHook::repairs_refused_only`](super::ResponseHook::repairs_refused_only)),
// `Client` first tries `decode_direct` below, which
// deserializes the envelope from the bytes in one pass: the success flag is only looked at,
// the unwrapped property goes straight into `T`, everything else is skipped. It returns
// `None` for anything but a clean success, and the caller then runs the general path on the
// same bytes, so every error (and every failure envelope) is still made by the general path,
// kind, message and source alike. The direct path therefore only has to agree with the
// general path on the bodies it accepts, and serde_json is more lenient reading straight
// from bytes than through a `Value` in a few places, each closed here:
//
// * A skipped value (`deserialize_ignored_any`: the envelope's other properties, and the
//   unknown fields of `T`) is only scanned by serde_json: no UTF-8 check of its strings, no
//   lone-surrogate check, no range check of its numbers, no depth limit. `Strict` reads it
//   with `deserialize_any` instead and drops it, which checks what parsing a `Value` checks.
// * What serde_json reads through `deserialize_any` it reads as strictly as a `Value`, down to
//   where the visitor asks for something else (a skipped value, a struct, bytes). The visitors
//   of types that read each object once (`RequestSpec::rereads` is `false`) ask for nothing
//   else: serde's buffering of an internally tagged enum and `Value` read the value whole.
//   For those, `deserialize_any` goes to serde_json without the wrappers.
// * `deserialize_bytes` / `deserialize_byte_buf` read strings without UTF-8 checks, and
//   `deserialize_i128` / `deserialize_u128` accept integers a `Value` holds as `f64`: `Strict`
//   refuses them, so types that use them take the general path.
// * A repeated key keeps its last value in a `Value`; read from bytes every occurrence is
//   seen. A derived struct refuses a repeated field (the general path then runs), a map
//   keeps the last value as a `Value` does, and an internally tagged enum reads its buffered
//   object once, as a derived struct. But a type that buffers the object and may try again
//   (untagged enums, flattened fields), or that keeps another occurrence than the last,
//   could end up with another result. So when the request says its type may
//   (`RequestSpec::rereads`), maps read through `deserialize_any` or `deserialize_map`
//   (never a derived struct's own fields) are checked for repeated keys, and the direct
//   path gives up on one. The envelope gives up on a repeated success flag or unwrapped
//   property.
// * A struct written as a list (`[field, field, ...]`, which serde's derived structs accept)
//   has no keys, and a hook that repairs only what the declared type refuses finds what it
//   repairs by key: a value in such a list could be one it would repair, read as something
//   the type accepts. `Strict` refuses a struct (or struct variant) read from a list, so such
//   bodies take the general path, hook first. What serde buffers and reads again (an enum's
//   object) is read again without `Strict`: `ResponseHook::repairs_refused_only` says so.
// ---------------------------------------------------------------------------------------------

/// What one direct decoding shares between its wrappers.
#[derive(Default)]
struct Seen {
    /// Whether maps read through `deserialize_any` or `deserialize_map` are checked for
    /// repeated keys.
    rereads: bool,
    /// The hash of the key of a checked map just read ([`key_hash`]), taken by the map.
    key: Cell<Option<u64>>,
    /// Set by any error that passes through a wrapper, even one that `T` then swallows (a
    /// type that tries one reading and then another on the same deserializer): the direct
    /// result is then not trusted.
    failed: Cell<bool>,
}

impl Seen {
    /// `result`, remembered when it is an error.
    fn note<T, E>(&self, result: Result<T, E>) -> Result<T, E> {
        if result.is_err() {
            self.failed.set(true);
        }
        result
    }
}

/// A hash of a map key for the repeated-key check: two keys with the same hash count as a
/// repeat, which only sends the body to the general path (no allocation, whether the key is
/// borrowed from the body or unescaped into a buffer).
fn key_hash(key: &str) -> u64 {
    let bytes = key.as_bytes();
    let len = bytes.len();
    let mix =
        |hash: u64, word: u64| (hash.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    // Every byte is read, some twice: the first and last four (or eight) bytes overlap.
    let byte = |at: usize| bytes.get(at).map_or(0, |&byte| u64::from(byte));
    let half = |at: usize| {
        bytes
            .get(at..)
            .and_then(<[u8]>::first_chunk)
            .map_or(0, |half| u64::from(u32::from_le_bytes(*half)))
    };
    let word = |word: &[u8; 8]| u64::from_le_bytes(*word);
    match len {
        0..4 => mix(
            len as u64,
            byte(0) | byte(len / 2) << 8 | byte(len.saturating_sub(1)) << 16,
        ),
        4..=8 => mix(len as u64, half(0) | half(len - 4) << 32),
        _ => {
            let (words, _) = bytes.as_chunks::<8>();
            let hash = words.iter().fold(len as u64, |hash, w| mix(hash, word(w)));
            let last = bytes
                .get(len - 8..)
                .and_then(<[u8]>::first_chunk)
                .map_or(0, word);
            mix(hash, last)
        }
    }
}

/// The key hashes of one checked map: in place up to [`KeySet::INLINE`], then in a hash set.
struct KeySet {
    inline: [u64; KeySet::INLINE],
    len: usize,
    spilled: Option<HashSet<u64>>,
}

impl KeySet {
    const INLINE: usize = 16;

    fn new() -> Self {
        Self {
            inline: [0; Self::INLINE],
            len: 0,
            spilled: None,
        }
    }

    /// Whether `hash` is new in this map (it is added).
    #[inline]
    fn insert(&mut self, hash: u64) -> bool {
        if let Some(set) = &mut self.spilled {
            return set.insert(hash);
        }
        if self.inline[..self.len].contains(&hash) {
            return false;
        }
        if let Some(free) = self.inline.get_mut(self.len) {
            *free = hash;
            self.len += 1;
        } else {
            self.spilled = Some(self.inline.iter().copied().chain([hash]).collect());
        }
        true
    }
}

impl ErrorEnvelope {
    /// `T` decoded from a success body in one pass, or `None` when the general path must run:
    /// the body is not JSON or not an object, its success flag is `false`, the property
    /// `unwrap` is missing or repeated, `T` does not match, or any of the cases listed above
    /// (repeated keys only when `T` `rereads` objects). Without `unwrap` the whole body is
    /// `T`, read directly only when there is no success flag to check.
    pub(crate) fn decode_direct<T: DeserializeOwned>(
        &self,
        bytes: &[u8],
        unwrap: Option<&str>,
        rereads: bool,
    ) -> Option<T> {
        let seen = Seen {
            rereads,
            ..Seen::default()
        };
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let value = match unwrap {
            Some(property) => de
                .deserialize_map(EnvelopeVisitor::<T> {
                    property,
                    flag: self.success,
                    seen: &seen,
                    marker: PhantomData,
                })
                .ok()?,
            None if self.success.is_none() => T::deserialize(Strict::new(&mut de, &seen)).ok()?,
            None => return None,
        };
        de.end().ok()?;
        (!seen.failed.get()).then_some(value)
    }
}

/// Reads the envelope object: the success flag, the unwrapped property as `T`, the rest
/// skipped. Any error means "take the general path".
struct EnvelopeVisitor<'s, 'p, T> {
    property: &'p str,
    flag: Option<&'static str>,
    seen: &'s Seen,
    marker: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> Visitor<'de> for EnvelopeVisitor<'_, '_, T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a response envelope")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut found = None;
        let mut flag_seen = false;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if self.flag == Some(&*key) {
                if flag_seen || map.next_value_seed(FlagSeed)? {
                    return Err(de::Error::custom("a failure or a repeated success flag"));
                }
                flag_seen = true;
            } else if key == self.property {
                if found.is_some() {
                    return Err(de::Error::custom("a repeated property"));
                }
                found = Some(map.next_value_seed(StrictSeed::<T>(self.seen, PhantomData))?);
            } else {
                map.next_value_seed(Skip)?;
            }
        }
        found.ok_or_else(|| de::Error::custom("no such property"))
    }
}

/// A key of the envelope, borrowed from the body when it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(KeySeed)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(key))
    }

    fn visit_str<E>(self, key: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key.to_owned()))
    }
}

/// The success flag's value: whether it is the boolean `false` (any other value, checked as
/// strictly as a `Value` would be, is no verdict).
struct FlagSeed;

impl<'de> DeserializeSeed<'de> for FlagSeed {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(FlagSeed)
    }
}

impl<'de> Visitor<'de> for FlagSeed {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<bool, E> {
        Ok(!v)
    }

    fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_str<E>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<bool, A::Error> {
        Skip.visit_seq(seq).map(|()| false)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<bool, A::Error> {
        Skip.visit_map(map).map(|()| false)
    }
}

/// Reads any value with `deserialize_any` and drops it: checked like a `Value` (UTF-8 and
/// escapes of strings, number ranges, the depth limit), unlike `IgnoredAny`.
struct Skip;

impl<'de> DeserializeSeed<'de> for Skip {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(Skip)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(Skip)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Skip)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key_seed(Skip)?.is_some() {
            map.next_value_seed(Skip)?;
        }
        Ok(())
    }
}

/// Deserializes `T` through [`Strict`].
struct StrictSeed<'s, T>(&'s Seen, PhantomData<T>);

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for StrictSeed<'_, T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::deserialize(Strict::new(deserializer, self.0))
    }
}

/// A deserializer, visitor, seed or access wrapped so that everything read through it is
/// read as strictly as a `Value` is read (see the notes above): forwards every call, wrapping
/// what it hands on.
struct Strict<'s, X> {
    inner: X,
    seen: &'s Seen,
    /// For a map key being read: leave the hash of the key's text in `seen`.
    capture: bool,
    /// For a visitor: check the keys of the map it visits for repeats.
    check: bool,
    /// For a visitor of a struct: refuse the struct written as a list.
    keyed: bool,
}

impl<'s, X> Strict<'s, X> {
    fn new(inner: X, seen: &'s Seen) -> Self {
        Self {
            inner,
            seen,
            capture: false,
            check: false,
            keyed: false,
        }
    }

    /// A struct's visitor: see [`keyed`](Self::keyed).
    fn keyed<Y>(&self, visitor: Y) -> Strict<'s, Y> {
        Strict {
            keyed: true,
            ..self.wrap(visitor, false)
        }
    }

    fn wrap<Y>(&self, inner: Y, check: bool) -> Strict<'s, Y> {
        Strict {
            inner,
            seen: self.seen,
            capture: self.capture,
            check,
            keyed: false,
        }
    }

    /// Leaves the hash of the key being read in `seen` (only for keys of checked maps).
    fn capture(&self, key: &str) {
        if self.capture {
            self.seen.key.set(Some(key_hash(key)));
        }
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Strict<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        let deserializer = self.wrap(deserializer, false);
        self.inner.deserialize(deserializer)
    }
}

/// Forwards `deserialize_*` methods to the wrapped deserializer with a wrapped visitor.
macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*) check $check:expr;)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            let seen = self.seen;
            let visitor = self.wrap(visitor, $check);
            seen.note(self.inner.$method($($arg,)* visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Strict<'_, D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let seen = self.seen;
        // A type that reads each object once reads what it meets here whole (see the notes
        // above): serde_json reads it as strictly as a `Value`, without the wrappers.
        if !seen.rereads {
            return seen.note(self.inner.deserialize_any(visitor));
        }
        let visitor = self.wrap(visitor, true);
        seen.note(self.inner.deserialize_any(visitor))
    }

    forward! {
        deserialize_map() check true;
        deserialize_bool() check false;
        deserialize_i8() check false;
        deserialize_i16() check false;
        deserialize_i32() check false;
        deserialize_i64() check false;
        deserialize_u8() check false;
        deserialize_u16() check false;
        deserialize_u32() check false;
        deserialize_u64() check false;
        deserialize_f32() check false;
        deserialize_f64() check false;
        deserialize_char() check false;
        deserialize_str() check false;
        deserialize_string() check false;
        deserialize_option() check false;
        deserialize_unit() check false;
        deserialize_unit_struct(name: &'static str) check false;
        deserialize_newtype_struct(name: &'static str) check false;
        deserialize_seq() check false;
        deserialize_tuple(len: usize) check false;
        deserialize_tuple_struct(name: &'static str, len: usize) check false;
        deserialize_enum(name: &'static str, variants: &'static [&'static str]) check false;
        deserialize_identifier() check false;
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let seen = self.seen;
        let visitor = self.keyed(visitor);
        seen.note(self.inner.deserialize_struct(name, fields, visitor))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        // A `Value` drops what it does not need only after parsing it: `Skip` reads the value
        // whole, as a `Value` would, and keeps nothing of it, so no wrapper is needed below it.
        let seen = self.seen;
        seen.note(self.inner.deserialize_any(Skip))?;
        seen.note(visitor.visit_unit())
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _: V) -> Result<V::Value, D::Error> {
        self.seen
            .note(Err(de::Error::custom("bytes are read through a Value")))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, _: V) -> Result<V::Value, D::Error> {
        self.seen
            .note(Err(de::Error::custom("bytes are read through a Value")))
    }

    fn deserialize_i128<V: Visitor<'de>>(self, _: V) -> Result<V::Value, D::Error> {
        self.seen.note(Err(de::Error::custom(
            "128-bit integers are read through a Value",
        )))
    }

    fn deserialize_u128<V: Visitor<'de>>(self, _: V) -> Result<V::Value, D::Error> {
        self.seen.note(Err(de::Error::custom(
            "128-bit integers are read through a Value",
        )))
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// Forwards `visit_*` methods of scalars to the wrapped visitor.
macro_rules! visit {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
            self.inner.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Strict<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    visit! {
        visit_bool(bool);
        visit_i8(i8);
        visit_i16(i16);
        visit_i32(i32);
        visit_i64(i64);
        visit_i128(i128);
        visit_u8(u8);
        visit_u16(u16);
        visit_u32(u32);
        visit_u64(u64);
        visit_u128(u128);
        visit_f32(f32);
        visit_f64(f64);
        visit_char(char);
        visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]);
        visit_byte_buf(Vec<u8>);
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.capture(v);
        self.inner.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        self.capture(v);
        self.inner.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        self.capture(&v);
        self.inner.visit_string(v)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        let deserializer = self.wrap(deserializer, false);
        self.inner.visit_some(deserializer)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        let deserializer = self.wrap(deserializer, false);
        self.inner.visit_newtype_struct(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        if self.keyed {
            return self
                .seen
                .note(Err(de::Error::custom("a struct written as a list")));
        }
        let seq = Strict::new(seq, self.seen);
        self.inner.visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        let map = StrictMap {
            keys: (self.check && self.seen.rereads).then(KeySet::new),
            inner: Strict::new(map, self.seen),
        };
        self.inner.visit_map(map)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        let data = Strict::new(data, self.seen);
        self.inner.visit_enum(data)
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Strict<'_, A> {
    type Error = A::Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, A::Error> {
        let seed = Strict::new(seed, self.seen);
        self.seen.note(self.inner.next_element_seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// A map read through [`Strict`], whose keys are checked for repeats when it is read through
/// `deserialize_any` or `deserialize_map` and the request says its type may make something
/// else of a repeated key ([`RequestSpec::rereads`](super::RequestSpec::rereads)).
struct StrictMap<'s, A> {
    inner: Strict<'s, A>,
    /// The keys read so far, for a checked map.
    keys: Option<KeySet>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for StrictMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, A::Error> {
        let seen = self.inner.seen;
        let Some(keys) = &mut self.keys else {
            return seen.note(self.inner.inner.next_key_seed(Strict::new(seed, seen)));
        };
        seen.key.set(None);
        let seed = Strict {
            capture: true,
            ..Strict::new(seed, seen)
        };
        let key = seen.note(self.inner.inner.next_key_seed(seed))?;
        if key.is_some() && !seen.key.take().is_some_and(|hash| keys.insert(hash)) {
            return seen.note(Err(de::Error::custom("a repeated or unreadable key")));
        }
        Ok(key)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        let seen = self.inner.seen;
        seen.note(self.inner.inner.next_value_seed(Strict::new(seed, seen)))
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.inner.size_hint()
    }
}

impl<'s, 'de, A: EnumAccess<'de>> EnumAccess<'de> for Strict<'s, A> {
    type Error = A::Error;
    type Variant = Strict<'s, A::Variant>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), A::Error> {
        let seen = self.seen;
        let (value, variant) = seen.note(self.inner.variant_seed(Strict::new(seed, seen)))?;
        Ok((value, Strict::new(variant, seen)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Strict<'_, A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.seen.note(self.inner.unit_variant())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        let seed = Strict::new(seed, self.seen);
        self.seen.note(self.inner.newtype_variant_seed(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        let visitor = Strict::new(visitor, self.seen);
        self.seen.note(self.inner.tuple_variant(len, visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        let seen = self.seen;
        let visitor = self.keyed(visitor);
        seen.note(self.inner.struct_variant(fields, visitor))
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorEnvelope;
    use serde_json::json;

    #[test]
    fn details_tolerate_missing_and_string_codes() {
        let body = json!({"errors": [
            {"code": 7001, "message": "Invalid"},
            {"message": "no code"},
            {"code": "42", "message": "string code"}
        ]});
        let details = ErrorEnvelope::new().errors("errors").details(&body);
        assert_eq!(details[0].code, Some(7001));
        assert_eq!(details[1].code, None);
        assert_eq!(details[2].code, Some(42));
        assert_eq!(details[2].message, "string code");
    }

    #[test]
    fn only_named_properties_are_read() {
        let body = json!({"success": false, "ok": false,
                          "errors": [{"message": "a"}], "problems": [{"message": "b"}]});
        let none = ErrorEnvelope::new();
        assert_eq!(
            (none.failure(&body), none.details(&body)),
            (None, Vec::new())
        );
        let custom = ErrorEnvelope::new().success_flag("ok").errors("problems");
        assert_eq!(custom.failure(&body), Some("ok"));
        assert_eq!(custom.details(&body)[0].message, "b");
        assert_eq!(custom.failure(&json!({"ok": true})), None);
        // Only the boolean `false` fails: absent, null or a string is not a verdict.
        for body in [
            json!({}),
            json!({"ok": null}),
            json!({"ok": "false"}),
            json!([1]),
        ] {
            assert_eq!(custom.failure(&body), None, "{body}");
        }
        assert_eq!(
            (custom.success_property(), custom.errors_property()),
            (Some("ok"), Some("problems"))
        );
    }
}
