// Threads with a stack large enough for the engine's max wasm stack: the
// guest runs on one (see bigstack.go), since a Go thread's own stack (the
// C library's default, or the main thread's) may be smaller than what
// wasmtime lets compiled code use. Each thread enters Go once and stays
// there, running guests, for the life of the process.
#ifdef __linux__
#define _GNU_SOURCE
#include <sys/mman.h>
#endif
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

extern void wsbBigStackRun(uintptr_t handle);

static void *wsb_big_stack_entry(void *arg) {
  wsbBigStackRun((uintptr_t)arg);
  return NULL;
}

int wsb_start_big_stack_thread(size_t stack, uintptr_t handle) {
  pthread_attr_t attr;
  pthread_t t;
  int rc = pthread_attr_init(&attr);
  if (rc != 0) return rc;
  rc = pthread_attr_setstacksize(&attr, stack);
  if (rc == 0) rc = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  if (rc == 0) rc = pthread_create(&t, &attr, wsb_big_stack_entry, (void *)handle);
  pthread_attr_destroy(&attr);
  return rc;
}

// wsb_release_stack gives back to the system the pages of the calling
// thread's stack below the current frame (less a margin), which a deep
// recursion of the guest left resident: kept threads would otherwise hold
// them for good. Linux only; elsewhere it does nothing.
void wsb_release_stack(void) {
#ifdef __linux__
  pthread_attr_t attr;
  void *lo;
  size_t size;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
  int rc = pthread_attr_getstack(&attr, &lo, &size);
  pthread_attr_destroy(&attr);
  if (rc != 0) return;
  uintptr_t page = 4096;
  uintptr_t start = ((uintptr_t)lo + page - 1) & ~(page - 1);
  uintptr_t here = (uintptr_t)&attr;
  if (here < start + (256 << 10)) return;
  uintptr_t end = (here - (128 << 10)) & ~(page - 1);
  if (end > start) madvise((void *)start, end - start, MADV_DONTNEED);
#endif
}
