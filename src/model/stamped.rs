//! Values that say when they may have changed, for caches of what is built
//! from them (search indexes, who covers now, the timeline's rows).

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU64, Ordering};

/// Which version of a value this is: unique in the process, and new after
/// every mutable access to the value, so two stamps that are equal mean the
/// same, unchanged value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Stamp(u64);

impl Stamp {
    fn fresh() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Self(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// A value and its [`Stamp`]. Reading goes through `Deref`; any `&mut`
/// access (a command applied, a re-read from disk, an assignment through
/// `*stamped = …`) takes a new stamp, so no change can keep an old one.
/// Equality compares the values alone.
#[derive(Clone, Debug)]
pub struct Stamped<T> {
    value: T,
    stamp: Stamp,
}

impl<T> Stamped<T> {
    /// `value` with a stamp of its own.
    pub fn new(value: T) -> Self {
        Self {
            value,
            stamp: Stamp::fresh(),
        }
    }

    /// The value, its stamp set aside.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The version of the value as it is now.
    pub fn stamp(&self) -> Stamp {
        self.stamp
    }
}

impl<T: Default> Default for Stamped<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T> From<T> for Stamped<T> {
    fn from(value: T) -> Self {
        Self::new(value)
    }
}

impl<T> Deref for Stamped<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for Stamped<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.stamp = Stamp::fresh();
        &mut self.value
    }
}

/// Written and read as the value alone: the stamp is this process's own.
impl<T: serde::Serialize> serde::Serialize for Stamped<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Stamped<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Self::new)
    }
}

impl<T: PartialEq> PartialEq for Stamped<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_change_takes_a_new_stamp_and_reading_keeps_it() {
        let mut list = Stamped::new(vec![1, 2]);
        let first = list.stamp();
        assert_eq!(list.len(), 2);
        assert_eq!(list.stamp(), first, "reading changes nothing");
        list.push(3);
        let second = list.stamp();
        assert_ne!(second, first);
        // Replaced by a list of the same length at, perhaps, the same address.
        list.clear();
        list.extend([7, 8, 9]);
        assert_ne!(list.stamp(), second);
        // Two values made apart never share a stamp, even when equal.
        let other = Stamped::new(vec![7, 8, 9]);
        assert_eq!(other, list);
        assert_ne!(other.stamp(), list.stamp());
        // A copy is the same version until either changes.
        let mut copy = list.clone();
        assert_eq!(copy.stamp(), list.stamp());
        copy.push(10);
        assert_ne!(copy.stamp(), list.stamp());
    }
}
