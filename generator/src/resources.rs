//! What the stages run with: the stack of the worker that loads and lowers, how many threads share out work, and
//! handing freed memory back between phases.

/// Stack for loading and lowering. Parsers cap nesting at 128 levels, but `openapiv3`'s deserializers (built on
/// `#[serde(flatten)]`) take tens of kilobytes of stack per level, more than a test thread's 2 MiB.
pub(crate) const STACK_BYTES: usize = 256 << 20;

/// How many threads a phase that shares out its work (reading, printing) runs on: one per core, at most 8.
pub(crate) fn worker_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from).clamp(1, 8)
}

/// Why [`share_out`] did not finish.
#[derive(Debug)]
pub enum SharedWorkFailed {
    /// A helper thread could not be started.
    Spawn(std::io::Error),
    /// A thread panicked (a bug).
    Panicked,
}

/// Runs `work` on every item, on this thread and up to `threads - 1` helpers (with the pipeline's stack), each
/// taking the next item when it is done; the results in the items' order, whatever the number of threads.
pub fn share_out<T: Send, R: Send>(
    items: Vec<T>,
    threads: usize,
    work: impl Fn(T) -> R + Sync,
) -> Result<Vec<R>, SharedWorkFailed> {
    let helpers = threads.min(items.len()).saturating_sub(1);
    let queue = std::sync::Mutex::new(items.into_iter().enumerate());
    let run = || {
        let mut done = Vec::new();
        loop {
            let next = queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner).next();
            let Some((index, item)) = next else { return done };
            done.push((index, work(item)));
        }
    };
    let mut done = std::thread::scope(|scope| {
        let helpers = (0..helpers)
            .map(|_| {
                std::thread::Builder::new()
                    .name("specforge-worker".into())
                    .stack_size(STACK_BYTES)
                    .spawn_scoped(scope, run)
                    .map_err(SharedWorkFailed::Spawn)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut done = run();
        for helper in helpers {
            done.extend(helper.join().map_err(|_| SharedWorkFailed::Panicked)?);
        }
        Ok(done)
    })?;
    done.sort_unstable_by_key(|(index, _)| *index);
    Ok(done.into_iter().map(|(_, result)| result).collect())
}

/// Hands memory freed so far back to the system, between phases. With mimalloc (the `mimalloc` feature), freed
/// memory is otherwise kept for reuse by the thread that had it, and the next phase's threads would add their peak
/// on top of the last one's: for a large spec, the parsing garbage and then the whole document.
pub(crate) fn release_freed_memory() {
    #[cfg(feature = "mimalloc")]
    // SAFETY: `mi_collect` has no preconditions; it only walks mimalloc's own heaps (a no-op if nothing used them).
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
}
