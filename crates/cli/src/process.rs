//! Settings of the process itself, made once at start: they apply to every thread, whenever made.

/// Raises the soft limit of open files to the hard limit (as Go's runtime does), so the connection cap,
/// not the descriptor table, decides how many clients are served; returns the limit now in force.
pub fn raise_open_files() -> u64 {
    #[cfg(unix)]
    // SAFETY: getrlimit/setrlimit read and write the plain struct given; no pointer outlives the call.
    unsafe {
        let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 {
            if lim.rlim_cur < lim.rlim_max {
                let raised = libc::rlimit { rlim_cur: lim.rlim_max, rlim_max: lim.rlim_max };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                    lim = raised;
                }
            }
            return lim.rlim_cur;
        }
    }
    1024
}

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
