//! The global allocator of the `chocopy` binary and of the benchmarks: mimalloc,
//! called the way the C library's `malloc` is.
//!
//! The front end allocates millions of small tree and IR nodes, where mimalloc is
//! markedly faster than the system allocator (benches/README.md). The `mimalloc`
//! crate's `MiMalloc` asks for every block through `mi_malloc_aligned`, whose fast
//! path covers only blocks up to 1 KiB and whose other path over-allocates; but
//! every mimalloc block is aligned to at least a word (8 bytes on 64-bit targets,
//! mimalloc's `MI_INTPTR_SIZE`), which is all almost every Rust type needs. So
//! [`Allocator`] calls plain `mi_malloc`, `mi_realloc` and `mi_zalloc` when the
//! alignment asked is at most a word, the aligned functions otherwise, as Rust's
//! own `System` allocator does with `malloc` (`library/std/src/sys/alloc/unix.rs`).
//! Parsing and checking 100,000 lines on one thread took 1,150 M instructions with
//! `MiMalloc` and 1,114 M with [`Allocator`] (callgrind; benches/README.md).

use libmimalloc_sys as ffi;
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// The alignment every mimalloc block has: a word.
const WORD: usize = std::mem::size_of::<usize>();

/// mimalloc as the global allocator: `#[global_allocator] static A: Allocator =
/// Allocator;`. Blocks aligned to at most a word come from `mi_malloc`, others from
/// `mi_malloc_aligned`; both are freed by `mi_free`.
pub struct Allocator;

// SAFETY: mimalloc returns blocks of at least the size asked, aligned to at least a
// word (`mi_malloc`) or to the alignment asked (`mi_malloc_aligned`), or null; a
// block from either is freed and reallocated by the functions used below.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as above.
        unsafe {
            if layout.align() <= WORD {
                ffi::mi_malloc(layout.size()).cast()
            } else {
                ffi::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as above.
        unsafe {
            if layout.align() <= WORD {
                ffi::mi_zalloc(layout.size()).cast()
            } else {
                ffi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator.
        unsafe { ffi::mi_free(ptr.cast::<c_void>()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from this allocator with `layout`.
        unsafe {
            if layout.align() <= WORD {
                ffi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                ffi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aligned(p: *mut u8, align: usize) -> bool {
        !p.is_null() && (p as usize).is_multiple_of(align)
    }

    /// Blocks of every size and alignment class are aligned as asked, keep their
    /// contents through reallocation, and are zeroed when asked.
    #[test]
    fn blocks_are_aligned_and_keep_their_contents() {
        let a = Allocator;
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1, 3, 8, 24, 100, 1000, 5000, 70_000, 3 << 20] {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: non-zero sizes; every block is freed once, by `dealloc`.
                unsafe {
                    let z = a.alloc_zeroed(layout);
                    assert!(aligned(z, align), "{size} {align}");
                    assert!(std::slice::from_raw_parts(z, size).iter().all(|b| *b == 0));
                    a.dealloc(z, layout);
                    let p = a.alloc(layout);
                    assert!(aligned(p, align), "{size} {align}");
                    for i in 0..size {
                        *p.add(i) = i as u8;
                    }
                    let q = a.realloc(p, layout, size * 3);
                    assert!(aligned(q, align), "{size} {align}");
                    assert!((0..size).all(|i| *q.add(i) == i as u8), "{size} {align}");
                    a.dealloc(q, Layout::from_size_align(size * 3, align).unwrap());
                }
            }
        }
    }
}
