// A call into the guest without wasmtime-go's per-call type lookup (see
// call.go). Declared here rather than included: wasmtime-go's headers are
// not on our include path; the symbols come from the libwasmtime that
// wasmtime-go links.
#include <stdint.h>
#include <stddef.h>

typedef struct wasmtime_context wasmtime_context_t;
typedef struct wasmtime_error wasmtime_error_t;
typedef struct wasm_byte_vec_t {
  size_t size;
  char *data;
} wasm_byte_vec_t;

// The layouts mirror wasmtime's val.h and extern.h (checked in call.go);
// wasmtime_func_call still checks the arguments' types against the
// function's.
typedef struct wasm_trap_t wasm_trap_t;
typedef struct {
  uint64_t store_id;
  void *private_;
} wsb_func_t;
typedef struct {
  uint8_t kind;
  union {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
    uint8_t raw[24];
  } of;
} wsb_val_t;
extern wasmtime_error_t *wasmtime_func_call(wasmtime_context_t *store, const wsb_func_t *func,
                                            const wsb_val_t *args, size_t nargs,
                                            wsb_val_t *results, size_t nresults, wasm_trap_t **trap);
extern void wasm_trap_message(const wasm_trap_t *trap, wasm_byte_vec_t *out);
extern void wasm_trap_delete(wasm_trap_t *trap);
extern void wasmtime_error_message(const wasmtime_error_t *error, wasm_byte_vec_t *out);
extern void wasmtime_error_delete(wasmtime_error_t *error);
extern void wasm_byte_vec_delete(wasm_byte_vec_t *v);

size_t wsb_val_size(void) { return sizeof(wsb_val_t); }

// wsb_call calls func with nargs args and up to one result. On a trap or an
// error it returns 1 and its message in *msg (free it with
// wsb_message_free); else 0.
int wsb_call(void *ctx, const void *func, const wsb_val_t *args, size_t nargs,
             wsb_val_t *result, size_t nresults, wasm_byte_vec_t *msg) {
  wasm_trap_t *trap = NULL;
  wasmtime_error_t *err = wasmtime_func_call((wasmtime_context_t *)ctx, (const wsb_func_t *)func,
                                             args, nargs, result, nresults, &trap);
  if (err != NULL) {
    wasmtime_error_message(err, msg);
    wasmtime_error_delete(err);
    return 1;
  }
  if (trap != NULL) {
    wasm_trap_message(trap, msg);
    wasm_trap_delete(trap);
    return 1;
  }
  return 0;
}

void wsb_message_free(wasm_byte_vec_t *msg) { wasm_byte_vec_delete(msg); }
