//! What the stages run with: the stack of the worker that loads and lowers, how many threads share out work, and
//! handing freed memory back between phases.

/// Stack for loading and lowering. Parsers cap nesting at 128 levels, but `openapiv3`'s deserializers (built on
/// `#[serde(flatten)]`) take tens of kilobytes of stack per level, more than a test thread's 2 MiB.
pub(crate) const STACK_BYTES: usize = 256 << 20;

/// How many threads a phase that shares out its work (reading, printing) runs on: one per core, at most 8.
pub(crate) fn worker_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from).clamp(1, 8)
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
