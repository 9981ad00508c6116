//! Settings of the process itself, made once at start before any thread exists.

/// Turns off transparent huge pages for this process, unless `MIMALLOC_ALLOW_THP` says otherwise.
///
/// The allocator asks the kernel for huge pages on its arenas, so the first small allocation in a
/// 2 MiB stretch makes all of it resident: `serve --demo` sat at 57 MB instead of 29 MB, most of it
/// memory nobody used. A small region's server should need little memory; a large deployment that
/// prefers fewer TLB misses may set `MIMALLOC_ALLOW_THP=1`.
pub fn tune() {
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_some() {
        return;
    }
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and changes only this process's paging.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
