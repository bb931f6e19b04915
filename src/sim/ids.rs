//! Typed indices of the things a run holds in vectors: a service and a capacity provider are
//! each a position in the `Spec`'s lists, and in every per-service or per-provider vector built
//! from them. A typed index cannot be used for the wrong list by mistake.

use std::fmt;
use std::ops::{Index, IndexMut};

macro_rules! typed_index {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub usize);

        impl $name {
            /// The position in its list.
            pub const fn index(self) -> usize {
                self.0
            }

            /// Every index of a list of `len` items, in order.
            pub fn all(len: usize) -> impl DoubleEndedIterator<Item = $name> + Clone {
                (0..len).map($name)
            }
        }

        impl From<$name> for usize {
            fn from(i: $name) -> usize {
                i.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl<T> Index<$name> for [T] {
            type Output = T;

            fn index(&self, i: $name) -> &T {
                &self[i.0]
            }
        }

        impl<T> IndexMut<$name> for [T] {
            fn index_mut(&mut self, i: $name) -> &mut T {
                &mut self[i.0]
            }
        }

        impl<T> Index<$name> for Vec<T> {
            type Output = T;

            fn index(&self, i: $name) -> &T {
                &self[i.0]
            }
        }

        impl<T> IndexMut<$name> for Vec<T> {
            fn index_mut(&mut self, i: $name) -> &mut T {
                &mut self[i.0]
            }
        }
    };
}

typed_index!(
    /// A service: its position in `Spec::services`.
    ServiceIdx
);
typed_index!(
    /// A capacity provider: its position in `Spec::capacity_providers`.
    ProviderIdx
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_index_reads_and_writes_its_list() {
        let mut names = vec!["web", "api"];
        assert_eq!(names[ServiceIdx(1)], "api");
        names[ServiceIdx(0)] = "front";
        assert_eq!(names.as_slice()[ServiceIdx(0)], "front");
        assert_eq!(
            ServiceIdx::all(3).collect::<Vec<_>>(),
            [ServiceIdx(0), ServiceIdx(1), ServiceIdx(2)]
        );
        assert_eq!(ProviderIdx(4).to_string(), "4");
    }
}
