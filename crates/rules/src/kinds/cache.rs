//! What a rule builds from every table of the run (a person index, a sex-ratio survey) kept
//! while that rule is judged: the rule judges each of its tables against the same index, so
//! fifty exam registers cost one build instead of fifty. Dropped when the rule is done, so
//! the indexes of different rules are not all held at once.

use std::any::Any;
use std::sync::{Arc, Mutex, PoisonError};

#[derive(Default)]
pub struct RuleCache {
    built: Mutex<Vec<(&'static str, Arc<dyn Any + Send + Sync>)>>,
}

impl RuleCache {
    /// The value built under `name` for this rule, built by `build` the first time.
    pub(crate) fn get_or_build<T: Any + Send + Sync>(
        &self,
        name: &'static str,
        build: impl FnOnce() -> T,
    ) -> Arc<T> {
        let found = self
            .built
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| Arc::clone(v).downcast::<T>().ok());
        if let Some(found) = found {
            return found;
        }
        // Built outside the lock: one rule is judged on one core, so nobody waits for it.
        let built = Arc::new(build());
        self.built
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((name, Arc::clone(&built) as Arc<dyn Any + Send + Sync>));
        built
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::RuleCache;

    #[test]
    fn each_name_is_built_once() {
        let cache = RuleCache::default();
        let builds = Cell::new(0);
        let build = |v: u32| {
            builds.set(builds.get() + 1);
            v
        };
        assert_eq!(*cache.get_or_build("scans", || build(1)), 1);
        assert_eq!(*cache.get_or_build("scans", || build(2)), 1);
        assert_eq!(*cache.get_or_build("births", || build(3)), 3);
        assert_eq!(builds.get(), 2);
        // Another type under a taken name is built, not mistaken for the first.
        assert_eq!(*cache.get_or_build("scans", || String::from("x")), "x");
    }
}
