//! Spreading independent work over the cores: `new` parses its templates and writes its files
//! this way, since both are most of what it spends its time on.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

/// At most this many threads: beyond it, the file system and thread start-up eat the gain.
const MAX_THREADS: usize = 4;

/// Runs `work` on each item, spread over the cores; the results come back in the items' order.
pub fn map<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            match items.get(index) {
                Some(item) => done.push((index, work(item))),
                None => return done,
            }
        }
    };
    let threads = thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_THREADS);
    let mut results = thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(worker)).collect();
        let mut results = worker();
        for helper in helpers {
            results.extend(helper.join().expect("a worker thread panicked"));
        }
        results
    });
    results.sort_unstable_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_their_items() {
        let items: Vec<usize> = (0..500).collect();
        let doubled = map(&items, |n| n * 2);
        assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
        assert!(map(&[] as &[usize], |n| *n).is_empty());
    }
}
