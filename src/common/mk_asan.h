/*
 * NAME
 *   mk_asan - MK_ASAN is 1 in an AddressSanitizer build, with gcc
 *   (__SANITIZE_ADDRESS__) or clang (__has_feature(address_sanitizer))
 *
 * DESCRIPTION
 *   ASan reserves terabytes of address space (no RLIMIT_AS in the worker)
 *   and its leak check needs ptrace; code that must know tests MK_ASAN,
 *   never one compiler's macro (clang defines no __SANITIZE_ADDRESS__).
 */
#ifndef MK_ASAN_H
#define MK_ASAN_H

#if defined(__SANITIZE_ADDRESS__)
#define MK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MK_ASAN 1
#endif
#endif
#ifndef MK_ASAN
#define MK_ASAN 0
#endif

#endif
