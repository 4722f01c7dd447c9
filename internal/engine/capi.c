// Two parts of the wasmtime C API that wasmtime-go does not wrap:
//   - the epoch-deadline callback, which lets one execution be stopped
//     without touching any other store on the shared engine;
//   - custom stdout/stderr sinks, so guest output reaches Go as it is
//     written, with no file or pipe in between.
// They are declared here (wasmtime-go's headers are not on our include
// path); the symbols come from the libwasmtime that wasmtime-go links.
#include <stdint.h>
#include <stddef.h>

typedef struct wasmtime_store wasmtime_store_t;
typedef struct wasmtime_context wasmtime_context_t;
typedef struct wasmtime_error wasmtime_error_t;
typedef struct wasi_config_t wasi_config_t;

extern void wasmtime_store_epoch_deadline_callback(
    wasmtime_store_t *store,
    wasmtime_error_t *(*func)(wasmtime_context_t *, void *, uint64_t *, uint8_t *),
    void *data, void (*finalizer)(void *));
extern wasmtime_error_t *wasmtime_error_new(const char *);
extern void wasi_config_set_stdout_custom(
    wasi_config_t *config, ptrdiff_t (*callback)(void *, const unsigned char *, size_t),
    void *data, void (*finalizer)(void *));
extern void wasi_config_set_stderr_custom(
    wasi_config_t *config, ptrdiff_t (*callback)(void *, const unsigned char *, size_t),
    void *data, void (*finalizer)(void *));
typedef struct wasm_config_t wasm_config_t;
typedef struct wasmtime_pooling_allocation_config_t wasmtime_pooling_allocation_config_t;
extern wasmtime_pooling_allocation_config_t *wasmtime_pooling_allocation_config_new(void);
extern void wasmtime_pooling_allocation_config_delete(wasmtime_pooling_allocation_config_t *);
extern void wasmtime_pooling_allocation_config_total_memories_set(wasmtime_pooling_allocation_config_t *, uint32_t);
extern void wasmtime_pooling_allocation_config_total_tables_set(wasmtime_pooling_allocation_config_t *, uint32_t);
extern void wasmtime_pooling_allocation_config_total_core_instances_set(wasmtime_pooling_allocation_config_t *, uint32_t);
extern void wasmtime_pooling_allocation_config_max_memory_size_set(wasmtime_pooling_allocation_config_t *, size_t);
extern void wasmtime_pooling_allocation_config_linear_memory_keep_resident_set(wasmtime_pooling_allocation_config_t *, size_t);
extern void wasmtime_pooling_allocation_config_table_elements_set(wasmtime_pooling_allocation_config_t *, size_t);
extern void wasmtime_pooling_allocation_config_max_core_instance_size_set(wasmtime_pooling_allocation_config_t *, size_t);
extern void wasmtime_pooling_allocation_strategy_set(wasm_config_t *, const wasmtime_pooling_allocation_config_t *);
typedef struct wasm_byte_vec_t {
  size_t size;
  char *data;
} wasm_byte_vec_t;
extern void wasm_byte_vec_new(wasm_byte_vec_t *out, size_t size, const char *data);
extern void wasi_config_set_stdin_bytes(wasi_config_t *config, wasm_byte_vec_t *binary);
extern int wsbEpochExpired(uintptr_t handle);
extern void wsbWrite(uintptr_t handle, unsigned char *buf, size_t len);

static wasmtime_error_t *wsb_epoch_cb(wasmtime_context_t *ctx, void *data,
                                      uint64_t *delta, uint8_t *kind) {
  (void)ctx;
  if (wsbEpochExpired((uintptr_t)data)) {
    return wasmtime_error_new("wasmsandbox: execution stopped by its deadline or cancellation");
  }
  *delta = 1;
  *kind = 0;
  return NULL;
}

void wsb_set_epoch_callback(void *store, uintptr_t handle) {
  wasmtime_store_epoch_deadline_callback((wasmtime_store_t *)store, wsb_epoch_cb,
                                         (void *)handle, NULL);
}

static ptrdiff_t wsb_write_cb(void *data, const unsigned char *buf, size_t len) {
  wsbWrite((uintptr_t)data, (unsigned char *)buf, len);
  return (ptrdiff_t)len;
}

void wsb_set_output(void *config, uintptr_t out, uintptr_t err) {
  wasi_config_set_stdout_custom((wasi_config_t *)config, wsb_write_cb, (void *)out, NULL);
  wasi_config_set_stderr_custom((wasi_config_t *)config, wsb_write_cb, (void *)err, NULL);
}

void wsb_config_pooling(void *config, uint32_t slots, size_t max_memory, size_t keep_resident) {
  wasmtime_pooling_allocation_config_t *p = wasmtime_pooling_allocation_config_new();
  wasmtime_pooling_allocation_config_total_memories_set(p, slots);
  wasmtime_pooling_allocation_config_total_tables_set(p, slots);
  wasmtime_pooling_allocation_config_total_core_instances_set(p, slots);
  wasmtime_pooling_allocation_config_max_memory_size_set(p, max_memory);
  wasmtime_pooling_allocation_config_linear_memory_keep_resident_set(p, keep_resident);
  wasmtime_pooling_allocation_config_table_elements_set(p, 100000);
  wasmtime_pooling_allocation_config_max_core_instance_size_set(p, 4 << 20);
  wasmtime_pooling_allocation_strategy_set((wasm_config_t *)config, p);
  wasmtime_pooling_allocation_config_delete(p);
}

void wsb_set_stdin(void *config, const char *data, size_t len) {
  wasm_byte_vec_t v;
  wasm_byte_vec_new(&v, len, data);
  wasi_config_set_stdin_bytes((wasi_config_t *)config, &v);
}
