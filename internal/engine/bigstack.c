// Threads with a stack large enough for the engine's max wasm stack: the
// guest runs on one (see bigstack.go), since a Go thread's own stack (the
// C library's default, or the main thread's) may be smaller than what
// wasmtime lets compiled code use. Each thread enters Go once and stays
// there, running guests, for the life of the process.
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
