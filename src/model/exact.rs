//! Lists read at the length they have. serde's `Vec` grows as it reads —
//! to four places at the first element, then doubling — so a roster of
//! 10,000 contacts with one or two numbers each kept three quarters of its
//! numbers' memory empty, and its list of contacts up to half. Used as
//! `#[serde(deserialize_with = "exact::list")]`: the first few are read into
//! place and stored once at their length; a longer list grows as usual and
//! gives its spare room back at its end.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{Deserializer, SeqAccess, Visitor};

/// How many are read before anything is stored.
const FEW: usize = 4;

/// A list, stored at its length.
pub fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_seq(Exact(PhantomData))
}

struct Exact<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for Exact<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut few: [Option<T>; FEW] = Default::default();
        let mut n = 0;
        while n < FEW {
            match seq.next_element()? {
                Some(item) => few[n] = Some(item),
                None => break,
            }
            n += 1;
        }
        let more = if n == FEW { seq.next_element()? } else { None };
        let Some(more) = more else {
            let mut list = Vec::with_capacity(n);
            list.extend(few.into_iter().flatten());
            return Ok(list);
        };
        // A long list: its size as far as the reader knows it (a cautious
        // hint, never trusted beyond a start), then grown as it comes.
        let hint = seq.size_hint().unwrap_or(0).min(4096);
        let mut list = Vec::with_capacity(FEW + 1 + hint);
        list.extend(few.into_iter().flatten());
        list.push(more);
        while let Some(item) = seq.next_element()? {
            list.push(item);
        }
        list.shrink_to_fit();
        Ok(list)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Lists {
        #[serde(default, deserialize_with = "super::list")]
        short: Vec<String>,
        #[serde(default, deserialize_with = "super::list")]
        long: Vec<u32>,
        #[serde(default, deserialize_with = "super::list")]
        absent: Vec<u8>,
    }

    #[test]
    fn lists_keep_their_order_and_take_only_their_length() {
        let long: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
        let text = format!(r#"(short: ["a", "b"], long: [{}])"#, long.join(", "));
        let lists: Lists = ron::from_str(&text).unwrap();
        assert_eq!(lists.short, ["a", "b"]);
        assert_eq!(lists.short.capacity(), 2, "serde's own would keep 4");
        assert_eq!(lists.long, (0..1000).collect::<Vec<u32>>());
        assert_eq!(lists.long.capacity(), 1000, "serde's own would keep 1024");
        assert!(lists.absent.is_empty());
    }

    #[test]
    fn exactly_four_and_five_and_none() {
        for n in [0usize, 1, 4, 5] {
            let items: Vec<String> = (0..n).map(|i| format!("\"{i}\"")).collect();
            let text = format!("(short: [{}])", items.join(", "));
            let lists: Lists = ron::from_str(&text).unwrap();
            let want: Vec<String> = (0..n).map(|i| i.to_string()).collect();
            assert_eq!(lists.short, want);
            assert_eq!(lists.short.capacity(), n);
        }
    }

    #[test]
    fn a_wrong_item_is_refused_as_before() {
        let err = ron::from_str::<Lists>(r#"(long: [1, 2, "three"])"#).err();
        assert!(err.is_some());
    }
}
