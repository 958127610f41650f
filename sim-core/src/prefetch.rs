//! Cache prefetch hints, so that the engine can start loading the next event's memory while
//! it runs the current one.
//!
//! This is the crate's only `unsafe`: the prefetch instruction takes a raw address, so the
//! intrinsic is marked unsafe, but it never faults, reads nothing into the program and writes
//! nothing, whatever the address. It changes only timing, never a result.
#![allow(unsafe_code)]

/// Bytes per cache line on the machines the engine targets.
const LINE: usize = 64;

/// At most this many lines are asked for per value: a large node state is not worth
/// flooding the memory system for.
const MAX_LINES: usize = 8;

/// Starts loading the cache lines of `value` (its first [`MAX_LINES`]) into the cache. A
/// hint: it has no effect on what the program computes.
#[inline(always)]
pub(crate) fn prefetch<T>(value: &T) {
    let start = (value as *const T).cast::<u8>();
    let mut offset = 0;
    while offset < size_of::<T>().clamp(1, MAX_LINES * LINE) {
        line(start.wrapping_add(offset));
        offset += LINE;
    }
}

/// Starts loading the cache lines of `values` (at most [`MAX_LINES`]); a hint, as
/// [`prefetch`].
#[inline(always)]
pub(crate) fn prefetch_slice<T>(values: &[T]) {
    let start = values.as_ptr().cast::<u8>();
    let bytes = size_of_val(values);
    let mut offset = 0;
    while offset < bytes.clamp(1, MAX_LINES * LINE) {
        line(start.wrapping_add(offset));
        offset += LINE;
    }
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn line(address: *const u8) {
    use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
    // SAFETY: `prefetch` on x86-64 is a hint that never faults and has no architectural
    // effect for any address; `address` lies within a live reference anyway.
    unsafe { _mm_prefetch::<_MM_HINT_T0>(address.cast::<i8>()) }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn line(_address: *const u8) {}
